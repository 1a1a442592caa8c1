import { useEffect } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { subscribe } from '../../lib/api';
import '../../styles/status.css';
import '../../styles/agents.css';
import '../../styles/workflows.css';
import { useBrandStore } from '../brand/brandStore';
import { RunDetailView } from './RunDetailView';
import { RunList } from './RunList';
import { cancelRunRefreshes, useRunsStore } from './runsStore';
import { StartWorkflow } from './StartWorkflow';

export function RunsPage() {
  const workflows = useRunsStore((s) => s.workflows);
  const runs = useRunsStore((s) => s.runs);
  const detail = useRunsStore((s) => s.detail);
  const selectedRunId = useRunsStore((s) => s.selectedRunId);
  const notice = useRunsStore((s) => s.notice);
  const load = useRunsStore((s) => s.load);
  const loadRuns = useRunsStore((s) => s.loadRuns);
  const loadDetail = useRunsStore((s) => s.loadDetail);
  const refreshSoon = useRunsStore((s) => s.refreshSoon);
  const loadBrands = useBrandStore((s) => s.load);

  useEffect(() => {
    void load();
    void loadBrands();
    // A run that was open when the page was left may have moved on meanwhile.
    void loadDetail();
    const stops = [
      subscribe('runs.changed', (change) => refreshSoon(change.id)),
      subscribe('runs.event', (event) => refreshSoon(event.runId)),
      // Deciding a draft changes its run's pending count.
      subscribe('approvals.changed', (change) => refreshSoon(change.runId)),
      subscribe('brands.changed', () => void loadBrands()),
    ];
    return () => {
      for (const stop of stops) stop();
      cancelRunRefreshes();
    };
  }, [load, loadBrands, loadDetail, refreshSoon]);

  const workflowList = workflows.status === 'ready' ? workflows.data : [];
  const titleOf = (workflowId: string) => workflowList.find((w) => w.id === workflowId)?.title ?? workflowId;

  return (
    <div className="page page--wide">
      <PageHeader title="Runs" description="Workflows the agents ran for your brands, step by step, with what each step cost." />

      <p className="status-line" role="status" data-testid="runs-notice">
        {notice ?? ''}
      </p>

      <div className="runs-layout">
        <div className="runs-layout__side">
          {workflows.status === 'failed' ? (
            <div className="callout callout--error" role="alert">
              <p>The workflows could not be loaded: {workflows.message}</p>
              <button type="button" className="button" onClick={() => void load()}>
                Try again
              </button>
            </div>
          ) : workflows.status === 'ready' ? (
            <StartWorkflow workflows={workflows.data} />
          ) : (
            <p className="muted">Loading workflows…</p>
          )}

          <section className="card" aria-labelledby="runs-list-title">
            <h2 id="runs-list-title">Runs</h2>
            {runs.status === 'failed' ? (
              <div className="callout callout--error" role="alert">
                <p>The runs could not be loaded: {runs.message}</p>
                <button type="button" className="button" onClick={() => void loadRuns()}>
                  Try again
                </button>
              </div>
            ) : runs.status === 'ready' ? (
              <RunList runs={runs.data} titleOf={titleOf} />
            ) : (
              <p className="muted">Loading runs…</p>
            )}
          </section>
        </div>

        <div className="runs-layout__main">
          {selectedRunId === null ? (
            <p className="muted runs-layout__hint">Choose a run to see its steps.</p>
          ) : detail.status === 'failed' ? (
            <div className="callout callout--error" role="alert">
              <p>The run could not be loaded: {detail.message}</p>
              <button type="button" className="button" onClick={() => void loadDetail()}>
                Try again
              </button>
            </div>
          ) : detail.status === 'ready' ? (
            <RunDetailView run={detail.data} title={titleOf(detail.data.workflowId)} />
          ) : (
            <p className="muted">Loading the run…</p>
          )}
        </div>
      </div>
    </div>
  );
}
