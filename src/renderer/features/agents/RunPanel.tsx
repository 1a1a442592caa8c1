import { useId, useState, type FormEvent } from 'react';
import type { AgentSummary, TeamSummary } from '../../../shared/contract/schemas/agents';
import type { Brand } from '../../../shared/contract/schemas/brands';
import { Field } from '../../components/Field';
import { splitErrors, type FieldErrors } from '../../lib/fieldErrors';
import { useNavigation } from '../../lib/navigationStore';
import { useBrandStore } from '../brand/brandStore';
import { useAgentsStore, type LiveRun, type TimelineItem } from './agentsStore';
import { RunOutput } from './RunOutput';

const RUN_FIELDS = ['agentId', 'brandId', 'task'] as const;
type RunField = (typeof RUN_FIELDS)[number];

/** The agent a new page suggests: the one that writes posts. */
const SUGGESTED_AGENT = 'content-creation';

export const STATUS_TEXT: Record<LiveRun['status'], string> = {
  running: 'Running',
  succeeded: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const STATUS_BADGE: Record<LiveRun['status'], string> = {
  running: 'badge badge--warning',
  succeeded: 'badge badge--ok',
  failed: 'badge badge--danger',
  cancelled: 'badge',
};

const PHASE_TEXT: Record<Extract<TimelineItem, { kind: 'step' }>['phase'], string> = {
  tools: 'gathering what it needs',
  final: 'writing the answer',
  repair: 'fixing an answer that did not fit the format',
  route: 'choosing who does it',
};

export function TemplateMadeBadge() {
  return (
    <span className="badge badge--warning" data-testid="template-made">
      Template-made (no model was used)
    </span>
  );
}

/** Pick an agent and a brand, give a task, and watch the run. */
export function RunPanel({ agents, teams }: { agents: AgentSummary[]; teams: TeamSummary[] }) {
  const brands = useBrandStore((s) => s.brands);
  const brandStatus = useBrandStore((s) => s.loadStatus);
  const go = useNavigation((s) => s.go);
  const selectedAgentId = useAgentsStore((s) => s.selectedAgentId);
  const select = useAgentsStore((s) => s.select);
  const run = useAgentsStore((s) => s.run);
  const currentRunId = useAgentsStore((s) => s.currentRunId);
  const current = useAgentsStore((s) => (s.currentRunId ? s.live[s.currentRunId] : undefined));
  const uid = useId();

  const [brandId, setBrandId] = useState<string>('');
  const [task, setTask] = useState('');
  const [errors, setErrors] = useState<FieldErrors<RunField>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const fallbackAgent = agents.find((a) => a.id === SUGGESTED_AGENT)?.id ?? agents[0]?.id ?? '';
  const agentId = selectedAgentId && agents.some((a) => a.id === selectedAgentId) ? selectedAgentId : fallbackAgent;
  const chosenBrand = brands.some((b) => b.id === brandId) ? brandId : (brands[0]?.id ?? '');
  const running = currentRunId !== null && (current === undefined || current.status === 'running');

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (starting) return;
    setGeneral(null);
    setStarting(true);
    const result = await run({ agentId, brandId: chosenBrand, task });
    setStarting(false);
    if (!result.ok) {
      const split = splitErrors(result.error, RUN_FIELDS);
      setErrors(split.fields);
      setGeneral(split.general);
      return;
    }
    setErrors({});
  }

  if (brandStatus === 'ready' && brands.length === 0) {
    return (
      <section className="card" aria-labelledby={`${uid}-title`} data-testid="run-panel">
        <h2 id={`${uid}-title`}>Give an agent a task</h2>
        <p>Agents work for a brand: its voice, audience and rules shape everything they write. There is no brand yet.</p>
        <div>
          <button type="button" className="button button--primary" onClick={() => go('brand')}>
            Create a brand
          </button>
        </div>
      </section>
    );
  }

  // Agents grouped by team, in the teams' order.
  const groups = teams
    .map((team) => ({ team, members: agents.filter((a) => a.team === team.id) }))
    .filter((g) => g.members.length > 0);
  const ungrouped = agents.filter((a) => !teams.some((t) => t.id === a.team));

  return (
    <section className="card run-panel" aria-labelledby={`${uid}-title`} data-testid="run-panel">
      <h2 id={`${uid}-title`}>Give an agent a task</h2>
      <form onSubmit={submit} noValidate className="run-form">
        {general ? (
          <div className="callout callout--error" role="alert" data-testid="run-error">
            {general}
          </div>
        ) : null}
        <div className="run-form__row">
          <Field id={`${uid}-agent`} name="agentId" label="Agent" error={errors.agentId}>
            {(p) => (
              <select
                {...p}
                value={agentId}
                onChange={(event) => {
                  select(event.target.value);
                  setErrors((e) => ({ ...e, agentId: undefined }));
                }}
              >
                {groups.map(({ team, members }) => (
                  <optgroup key={team.id} label={team.name}>
                    {members.map((agent) => (
                      <option key={agent.id} value={agent.id}>
                        {agent.name}
                      </option>
                    ))}
                  </optgroup>
                ))}
                {ungrouped.map((agent) => (
                  <option key={agent.id} value={agent.id}>
                    {agent.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id={`${uid}-brand`} name="brandId" label="Brand" error={errors.brandId}>
            {(p) => (
              <select
                {...p}
                value={chosenBrand}
                disabled={brandStatus !== 'ready'}
                onChange={(event) => {
                  setBrandId(event.target.value);
                  setErrors((e) => ({ ...e, brandId: undefined }));
                }}
              >
                {brandStatus !== 'ready' ? <option value="">Loading brands…</option> : null}
                {brands.map((brand: Brand) => (
                  <option key={brand.id} value={brand.id}>
                    {brand.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field
          id={`${uid}-task`}
          name="task"
          label="Task"
          hint="What the agent should do, e.g. “Draft a LinkedIn post announcing our autumn menu.”"
          error={errors.task}
        >
          {(p) => (
            <textarea
              {...p}
              rows={3}
              value={task}
              onChange={(event) => {
                setTask(event.target.value);
                setErrors((e) => ({ ...e, task: undefined }));
              }}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={starting || running || !agentId} aria-busy={starting}>
            {starting ? 'Starting…' : 'Run'}
          </button>
          {running && currentRunId ? <CancelButton runId={currentRunId} /> : null}
        </div>
      </form>
      {currentRunId ? <LiveRunView runId={currentRunId} run={current} agents={agents} /> : null}
    </section>
  );
}

function CancelButton({ runId }: { runId: string }) {
  const cancel = useAgentsStore((s) => s.cancel);
  const cancelling = useAgentsStore((s) => s.cancelling);
  const [note, setNote] = useState<string | null>(null);

  async function click() {
    setNote(null);
    const result = await cancel(runId);
    if (!result.ok) setNote(result.error.message);
    else if (!result.data.cancelled) setNote('The run had already ended.');
  }

  return (
    <>
      <button type="button" className="button" onClick={() => void click()} disabled={cancelling}>
        {cancelling ? 'Cancelling…' : 'Cancel run'}
      </button>
      {note ? (
        <p className="form-actions__info" role="status">
          {note}
        </p>
      ) : null}
    </>
  );
}

function agentName(agents: AgentSummary[], id: string): string {
  return agents.find((a) => a.id === id)?.name ?? id;
}

/** The run as it happens: streamed text, tool calls and their results, then the answer. */
function LiveRunView({ runId, run, agents }: { runId: string; run: LiveRun | undefined; agents: AgentSummary[] }) {
  const status = run?.status ?? 'running';
  const topAgent = run?.agentId;
  return (
    <div className="live-run" data-testid="live-run" data-run-id={runId}>
      <div className="live-run__head">
        <h3>{topAgent ? agentName(agents, topAgent) : 'The run'}</h3>
        <span className={STATUS_BADGE[status]} role="status" data-testid="run-status">
          {STATUS_TEXT[status]}
          {status === 'running' ? '…' : ''}
        </span>
        {run?.templateMade ? <TemplateMadeBadge /> : null}
      </div>
      {run?.templateMade ? (
        <p className="muted">
          No model could be reached, so this was filled in from a template. Connect a model in Settings for real writing; review
          before using it.
        </p>
      ) : null}

      <ol className="timeline" aria-busy={status === 'running'} data-testid="run-timeline">
        {!run || run.items.length === 0 ? (
          <li className="muted">{status === 'running' ? 'Waiting for the agent to start…' : 'Nothing was streamed.'}</li>
        ) : (
          run.items.map((item, index) => <TimelineEntry key={index} item={item} showAgent={item.agentId !== topAgent} agents={agents} />)
        )}
      </ol>

      {run?.error ? (
        <p className={run.status === 'cancelled' ? 'callout callout--info' : 'callout callout--error'} data-testid="run-failure">
          {run.error}
        </p>
      ) : null}
      {run && run.status === 'succeeded' ? (
        <div className="live-run__result">
          <h4>Result</h4>
          <RunOutput value={run.output} />
        </div>
      ) : null}
    </div>
  );
}

function TimelineEntry({ item, showAgent, agents }: { item: TimelineItem; showAgent: boolean; agents: AgentSummary[] }) {
  const who = showAgent ? <span className="timeline__agent">{agentName(agents, item.agentId)}: </span> : null;
  if (item.kind === 'text') {
    return (
      <li className="timeline__text">
        {who}
        <pre className="stream" data-testid="run-stream">
          {item.text}
        </pre>
      </li>
    );
  }
  if (item.kind === 'step') {
    return (
      <li className="timeline__step">
        {who}Step {item.step}: {PHASE_TEXT[item.phase]}
      </li>
    );
  }
  const args = Object.keys(item.arguments).length ? JSON.stringify(item.arguments) : '';
  return (
    <li className="timeline__tool" data-testid="run-tool">
      <div>
        {who}Called <code>{item.tool}</code>
        {args ? <code className="timeline__args">{args}</code> : null}
      </div>
      {item.result ? (
        <pre className={item.result.isError ? 'tool-result tool-result--error' : 'tool-result'} data-testid="run-tool-result">
          {item.result.isError ? 'Error: ' : ''}
          {item.result.content}
        </pre>
      ) : (
        <p className="muted">Waiting for the tool…</p>
      )}
    </li>
  );
}
