import { useId, useState } from 'react';
import type { AgentRunSummary, AgentSummary, RunUsage } from '../../../shared/contract/schemas/agents';
import type { Brand } from '../../../shared/contract/schemas/brands';
import { useBrandStore } from '../brand/brandStore';
import { useAgentsStore } from './agentsStore';
import { RunOutput } from './RunOutput';
import { STATUS_BADGE, STATUS_TEXT, TemplateMadeBadge } from './RunPanel';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const number = new Intl.NumberFormat();

function duration(run: AgentRunSummary): string | null {
  if (!run.finishedAt) return null;
  const ms = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  if (!Number.isFinite(ms) || ms < 0) return null;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "2 model calls · 1,200 + 340 tokens · $0.0012", or that no model was called. */
export function usageText(usage: RunUsage): string {
  if (usage.calls === 0) return 'No model calls';
  const parts = [
    `${usage.calls} model ${usage.calls === 1 ? 'call' : 'calls'}`,
    `${number.format(usage.promptTokens)} in + ${number.format(usage.completionTokens)} out tokens`,
    usage.costUsd === null ? 'cost unknown' : usage.costUsd === 0 ? 'no cost' : `$${usage.costUsd.toFixed(usage.costUsd < 0.01 ? 4 : 2)}`,
  ];
  return parts.join(' · ');
}

export function RecentRuns({ agents }: { agents: AgentSummary[] }) {
  const runs = useAgentsStore((s) => s.runs);
  const loadRuns = useAgentsStore((s) => s.loadRuns);
  const brands = useBrandStore((s) => s.brands);
  const uid = useId();

  return (
    <section className="card" aria-labelledby={`${uid}-title`} data-testid="recent-runs">
      <h2 id={`${uid}-title`}>Recent runs</h2>
      {runs.status === 'failed' ? (
        <div className="callout callout--error" role="alert">
          <p>The runs could not be loaded: {runs.message}</p>
          <button type="button" className="button" onClick={() => void loadRuns()}>
            Try again
          </button>
        </div>
      ) : runs.status !== 'ready' ? (
        <p className="muted">Loading runs…</p>
      ) : runs.data.length === 0 ? (
        <p className="muted">No runs yet. Give an agent a task above; every run is recorded here with the model calls it made.</p>
      ) : (
        <ul className="run-list">
          {runs.data.map((run) => (
            <RunItem key={run.id} run={run} agents={agents} brands={brands} />
          ))}
        </ul>
      )}
    </section>
  );
}

function RunItem({ run, agents, brands }: { run: AgentRunSummary; agents: AgentSummary[]; brands: Brand[] }) {
  const [open, setOpen] = useState(false);
  const uid = useId();
  const agent = agents.find((a) => a.id === run.agentId)?.name ?? run.agentId;
  const brand = run.brandId ? brands.find((b) => b.id === run.brandId)?.name : undefined;
  const took = duration(run);
  return (
    <li className="run-item" data-testid="run-item">
      <div className="run-item__head">
        <span className="run-item__agent">{agent}</span>
        <span className={STATUS_BADGE[run.status]}>{STATUS_TEXT[run.status]}</span>
        {run.templateMade ? <TemplateMadeBadge /> : null}
        <button type="button" className="button button--small run-item__toggle" aria-expanded={open} aria-controls={`${uid}-detail`} onClick={() => setOpen(!open)}>
          {open ? 'Hide' : 'Details'}
        </button>
      </div>
      <p className="run-item__task">{run.task}</p>
      <p className="run-item__meta">
        <time dateTime={run.startedAt}>{when.format(new Date(run.startedAt))}</time>
        {brand ? ` · ${brand}` : ''}
        {took ? ` · ${took}` : ''}
        {' · '}
        <span data-testid="run-usage">{usageText(run.usage)}</span>
      </p>
      {open ? (
        <div id={`${uid}-detail`} className="run-item__detail">
          {run.error ? <p className="callout callout--error">{run.error}</p> : null}
          {run.output !== null && run.output !== undefined ? <RunOutput value={run.output} /> : run.error ? null : <p className="muted">No output.</p>}
        </div>
      ) : null}
    </li>
  );
}
