import { create } from 'zustand';
import type { Result } from '../../../shared/contract/errors';
import type { RouteInput, RouteOutput } from '../../../shared/contract/routes';
import type { RunDetail, WorkflowRun } from '../../../shared/contract/schemas/workflows';
import { call } from '../../lib/api';

type Loadable<T> = { status: 'idle' | 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; message: string };

export type StartInput = RouteInput<'workflows.start'>;
// The schema module exports no type for it.
export type WorkflowSummary = RouteOutput<'workflows.list'>[number];

/** Runs.event and runs.changed come in bursts; one refetch per burst is enough. */
export const REFRESH_DELAY_MS = 150;

interface RunsState {
  workflows: Loadable<WorkflowSummary[]>;
  runs: Loadable<WorkflowRun[]>;
  selectedRunId: string | null;
  detail: Loadable<RunDetail>;
  /** Why the last cancel or retry of the selected run failed. */
  actionError: string | null;
  acting: 'cancel' | 'retry' | null;
  notice: string | null;
  load(): Promise<void>;
  loadRuns(): Promise<void>;
  select(runId: string): void;
  loadDetail(): Promise<void>;
  /** Refetches the list, and the detail if `runId` is the selected run, after a short quiet time. */
  refreshSoon(runId: string | null): void;
  start(input: StartInput): Promise<Result<{ runId: string }>>;
  cancel(): Promise<void>;
  retry(): Promise<void>;
}

const newestFirst = (a: WorkflowRun, b: WorkflowRun) => b.createdAt.localeCompare(a.createdAt);

function loaded<T>(result: Result<T>): Loadable<T> {
  return result.ok ? { status: 'ready', data: result.data } : { status: 'failed', message: result.error.message };
}

// Answers to older requests are dropped when a newer one was made meanwhile.
let listTicket = 0;
let detailTicket = 0;
let listTimer: ReturnType<typeof setTimeout> | null = null;
let detailTimer: ReturnType<typeof setTimeout> | null = null;

/** Forgets pending refreshes (tests, and a page that goes away). */
export function cancelRunRefreshes(): void {
  if (listTimer) clearTimeout(listTimer);
  if (detailTimer) clearTimeout(detailTimer);
  listTimer = null;
  detailTimer = null;
}

export const useRunsStore = create<RunsState>()((set, get) => ({
  workflows: { status: 'idle' },
  runs: { status: 'idle' },
  selectedRunId: null,
  detail: { status: 'idle' },
  actionError: null,
  acting: null,
  notice: null,

  async load() {
    if (get().workflows.status !== 'ready') set({ workflows: { status: 'loading' } });
    const [workflows] = await Promise.all([call('workflows.list', {}), get().loadRuns()]);
    if (workflows.ok || get().workflows.status !== 'ready') set({ workflows: loaded(workflows) });
  },

  async loadRuns() {
    const mine = ++listTicket;
    if (get().runs.status !== 'ready') set({ runs: { status: 'loading' } });
    const result = await call('runs.list', {});
    if (mine !== listTicket) return;
    // A failed refresh keeps the list already on screen.
    if (result.ok) set({ runs: { status: 'ready', data: [...result.data].sort(newestFirst) } });
    else if (get().runs.status !== 'ready') set({ runs: loaded(result) });
  },

  select(runId) {
    if (runId === get().selectedRunId) return;
    detailTicket++;
    set({ selectedRunId: runId, detail: { status: 'loading' }, actionError: null, notice: null });
    void get().loadDetail();
  },

  async loadDetail() {
    const runId = get().selectedRunId;
    if (!runId) return;
    const mine = ++detailTicket;
    const result = await call('runs.get', { id: runId });
    if (mine !== detailTicket || get().selectedRunId !== runId) return;
    if (result.ok || get().detail.status !== 'ready') set({ detail: loaded(result) });
  },

  refreshSoon(runId) {
    if (listTimer) clearTimeout(listTimer);
    listTimer = setTimeout(() => {
      listTimer = null;
      void get().loadRuns();
    }, REFRESH_DELAY_MS);
    if (runId === null || runId !== get().selectedRunId) return;
    if (detailTimer) clearTimeout(detailTimer);
    detailTimer = setTimeout(() => {
      detailTimer = null;
      void get().loadDetail();
    }, REFRESH_DELAY_MS);
  },

  async start(input) {
    const result = await call('workflows.start', input);
    if (result.ok) {
      get().select(result.data.runId);
      set({ notice: 'Started the workflow. Its steps appear as they run.' });
      void get().loadRuns();
    }
    return result;
  },

  async cancel() {
    await act('cancel', (id) => call('runs.cancel', { id }));
  },

  async retry() {
    await act('retry', (id) => call('runs.retry', { id }));
  },
}));

async function act(kind: 'cancel' | 'retry', send: (id: string) => Promise<Result<WorkflowRun>>) {
  const { selectedRunId, acting } = useRunsStore.getState();
  if (!selectedRunId || acting) return;
  useRunsStore.setState({ acting: kind, actionError: null });
  const result = await send(selectedRunId);
  useRunsStore.setState({ acting: null, actionError: result.ok ? null : result.error.message });
  if (!result.ok) return;
  const run = result.data;
  useRunsStore.setState((s) => ({
    runs: s.runs.status === 'ready' ? { status: 'ready', data: s.runs.data.map((r) => (r.id === run.id ? run : r)) } : s.runs,
  }));
  await useRunsStore.getState().loadDetail();
}
