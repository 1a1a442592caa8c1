import { create } from 'zustand';
import type { Result } from '../../../shared/contract/errors';
import type { RouteInput, RouteOutput } from '../../../shared/contract/routes';
import type { AgentRunEvent, AgentRunSummary, RunStatus, TeamSummary } from '../../../shared/contract/schemas/agents';
import { call } from '../../lib/api';

type Loadable<T> = { status: 'idle' | 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; message: string };

export type AgentCatalog = RouteOutput<'agents.list'>;
export type RunInput = RouteInput<'agents.run'>;

/** What a run showed while it ran, in the order it happened. */
export type TimelineItem =
  | { kind: 'text'; agentId: string; text: string }
  | { kind: 'step'; agentId: string; step: number; phase: 'tools' | 'final' | 'repair' | 'route' }
  | { kind: 'tool'; agentId: string; callId: string; tool: string; arguments: Record<string, unknown>; result?: { content: string; isError: boolean } };

export interface LiveRun {
  runId: string;
  agentId: string;
  items: TimelineItem[];
  status: 'running' | RunStatus;
  output?: unknown;
  templateMade: boolean;
  error: string | null;
}

interface AgentsState {
  catalog: Loadable<AgentCatalog>;
  teams: Loadable<TeamSummary[]>;
  runs: Loadable<AgentRunSummary[]>;
  /** Runs heard of through `agents.runEvent`, by the id of their top run. */
  live: Record<string, LiveRun>;
  /** The run this page started last. */
  currentRunId: string | null;
  cancelling: boolean;
  /** The agent the run form has chosen. */
  selectedAgentId: string | null;
  select(agentId: string): void;
  load(): Promise<void>;
  loadRuns(): Promise<void>;
  receive(event: AgentRunEvent): void;
  run(input: RunInput): Promise<Result<{ runId: string }>>;
  cancel(runId: string): Promise<Result<{ cancelled: boolean }>>;
}

/** Runs whose events are kept in memory; older ones are in the recent-runs list. */
const LIVE_RUNS_KEPT = 20;

function loaded<T>(result: Result<T>): Loadable<T> {
  return result.ok ? { status: 'ready', data: result.data } : { status: 'failed', message: result.error.message };
}

/** Applies one event to a run's timeline; deltas grow the text they continue. */
export function applyEvent(run: LiveRun, event: AgentRunEvent): LiveRun {
  const items = run.items;
  switch (event.kind) {
    case 'delta': {
      const last = items.at(-1);
      if (last?.kind === 'text' && last.agentId === event.agentId) {
        return { ...run, items: [...items.slice(0, -1), { ...last, text: last.text + event.text }] };
      }
      return { ...run, items: [...items, { kind: 'text', agentId: event.agentId, text: event.text }] };
    }
    case 'step':
      return { ...run, items: [...items, { kind: 'step', agentId: event.agentId, step: event.step, phase: event.phase }] };
    case 'tool_call':
      return {
        ...run,
        items: [...items, { kind: 'tool', agentId: event.agentId, callId: event.callId, tool: event.tool, arguments: event.arguments }],
      };
    case 'tool_result': {
      const index = items.findIndex((item) => item.kind === 'tool' && item.callId === event.callId);
      const result = { content: event.content, isError: event.isError };
      if (index < 0) {
        return { ...run, items: [...items, { kind: 'tool', agentId: event.agentId, callId: event.callId, tool: event.tool, arguments: {}, result }] };
      }
      const copy = [...items];
      copy[index] = { ...(copy[index] as Extract<TimelineItem, { kind: 'tool' }>), result };
      return { ...run, items: copy };
    }
    case 'done':
      // A team's member finishing is a step of the team run, not its end.
      if (event.parentRunId !== null) return run;
      return { ...run, status: event.status, output: event.output, templateMade: event.templateMade, error: null };
    case 'error':
      if (event.parentRunId !== null) return run;
      return { ...run, status: event.status, error: event.message };
  }
}

/**
 * A run that ended while this page was not listening (another page was open)
 * would look like it runs forever; the recorded run says how it ended.
 */
function settleFromSummaries(summaries: AgentRunSummary[]): void {
  const { live } = useAgentsStore.getState();
  const settled: Record<string, LiveRun> = {};
  for (const summary of summaries) {
    const run = live[summary.id];
    if (!run || run.status !== 'running' || summary.status === 'running') continue;
    settled[summary.id] = { ...run, status: summary.status, output: summary.output, templateMade: summary.templateMade, error: summary.error };
  }
  if (Object.keys(settled).length) useAgentsStore.setState((s) => ({ live: { ...s.live, ...settled } }));
}

export const useAgentsStore = create<AgentsState>()((set, get) => ({
  catalog: { status: 'idle' },
  teams: { status: 'idle' },
  runs: { status: 'idle' },
  live: {},
  currentRunId: null,
  cancelling: false,
  selectedAgentId: null,

  select(agentId) {
    set({ selectedAgentId: agentId });
  },

  async load() {
    if (get().catalog.status !== 'ready') set({ catalog: { status: 'loading' }, teams: { status: 'loading' } });
    const [catalog, teams] = await Promise.all([call('agents.list', {}), call('teams.list', {})]);
    set({ catalog: loaded(catalog), teams: loaded(teams) });
    await get().loadRuns();
  },

  async loadRuns() {
    if (get().runs.status !== 'ready') set({ runs: { status: 'loading' } });
    const result = await call('agents.runs', { limit: 20 });
    // A failed refresh keeps the list already on screen.
    if (result.ok || get().runs.status !== 'ready') set({ runs: loaded(result) });
    if (result.ok) settleFromSummaries(result.data);
  },

  receive(event) {
    // Events can arrive before agents.run has answered with the run's id: keep
    // every run's events, and show the one this page started.
    const rootId = event.parentRunId ?? event.runId;
    set((s) => {
      const existing: LiveRun = s.live[rootId] ?? {
        runId: rootId,
        agentId: event.agentId,
        items: [],
        status: 'running',
        templateMade: false,
        error: null,
      };
      const live = { ...s.live, [rootId]: applyEvent(existing, event) };
      const ids = Object.keys(live);
      for (const id of ids.slice(0, Math.max(0, ids.length - LIVE_RUNS_KEPT))) if (id !== s.currentRunId) delete live[id];
      return { live };
    });
    if (event.parentRunId === null && (event.kind === 'done' || event.kind === 'error')) {
      if (get().currentRunId === event.runId) set({ cancelling: false });
      void get().loadRuns();
    }
  },

  async run(input) {
    const result = await call('agents.run', input);
    if (result.ok) {
      set({ currentRunId: result.data.runId, cancelling: false });
      void get().loadRuns();
    }
    return result;
  },

  async cancel(runId) {
    set({ cancelling: true });
    const result = await call('agents.cancel', { runId });
    set({ cancelling: false });
    void get().loadRuns();
    return result;
  },
}));
