import type { WorkflowRun } from '../../../shared/contract/schemas/workflows';
import { useRunsStore } from './runsStore';
import { costText, statusBadge, tokensText, when } from './runText';

export function RunList({ runs, titleOf }: { runs: WorkflowRun[]; titleOf(workflowId: string): string }) {
  const selectedRunId = useRunsStore((s) => s.selectedRunId);
  const select = useRunsStore((s) => s.select);

  if (runs.length === 0) {
    return <p className="muted">No runs yet. Start a workflow above; every run is listed here with its steps and cost.</p>;
  }
  return (
    <ul className="workflow-runs" data-testid="run-list">
      {runs.map((run) => (
        <li key={run.id}>
          <button
            type="button"
            className="item-list__button workflow-run"
            aria-current={run.id === selectedRunId ? 'true' : undefined}
            onClick={() => select(run.id)}
            data-testid="run-row"
            data-run-id={run.id}
          >
            <span className="workflow-run__head">
              <span className="workflow-run__title">{titleOf(run.workflowId)}</span>
              <span className={statusBadge(run.status)} data-testid="run-status" data-status={run.status}>
                {run.status}
              </span>
            </span>
            <span className="workflow-run__meta">
              <span data-testid="run-brand">{run.brandName}</span>
              {' · '}
              <time dateTime={run.createdAt}>{when.format(new Date(run.createdAt))}</time>
            </span>
            <span className="workflow-run__meta">
              {run.pendingApprovals > 0 ? (
                <>
                  <span className="workflow-run__pending" data-testid="run-pending">
                    {run.pendingApprovals} waiting for approval
                  </span>
                  {' · '}
                </>
              ) : null}
              <span data-testid="run-usage">
                {tokensText(run.usage)} · {costText(run.usage)}
              </span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
