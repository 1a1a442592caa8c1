// Workflow runs, approvals and schedules. This module owns the runs' leases:
// it starts runs, resumes the ones a dead host left behind, wakes a run when
// its approval is decided, and applies approval time-outs.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { ChorusError, type Brand, type HandlersFor } from '../../../shared/contract';
import type { z } from 'zod';
import type { WorkflowSummary } from '../../../shared/contract/schemas/workflows';
import type { Approval, RunEvent, WorkflowRun, WorkflowSettings } from '../../../shared/contract/schemas/workflows';
import type { Queryable } from '../db/Database';
import type { EngineContext, EngineModule } from '../EngineContext';
import type { AgentsModule } from '../agents/agentsModule';
import type { ModelsModule } from '../llm/modelsModule';
import type { PublishingModule } from '../publishing/publishingModule';
import { ApprovalService, type Decided, type Decision } from './approvals';
import { WORKFLOWS, workflowById } from './definitions';
import { derivedId, RunExecution, type ExecutionEnd } from './executor';
import { effectCommitted } from './faultInjection';
import { appendEvent, closeOpenAttempts, LEASE_MS, toAttempt, WorkflowStore, type RunRow } from './WorkflowStore';
import { readSettings, writeSettings } from './workflowSettings';
import { WorkflowScheduler } from './WorkflowScheduler';
import { jsonSchemaOf } from '../agents/outputSchemas';
import type { WorkflowServices } from './definitions/services';

type WorkflowRoutes =
  | 'workflows.list'
  | 'workflows.start'
  | 'workflows.settings'
  | 'workflows.updateSettings'
  | 'runs.list'
  | 'runs.get'
  | 'runs.cancel'
  | 'runs.retry'
  | 'approvals.list'
  | 'approvals.approve'
  | 'approvals.reject'
  | 'approvals.approveMany';

export interface WorkflowsModule extends EngineModule {
  readonly store: WorkflowStore;
  readonly approvals: ApprovalService;
  /** Resolves when the run is no longer running (finished, waiting or paused); for tests and the CLI. */
  settled(runId: string): Promise<void>;
}

export interface WorkflowsDeps {
  models: ModelsModule;
  agents: AgentsModule;
  publishing: PublishingModule;
}

/** The database as a `{ rows }` reader, for helpers that also run inside transactions. */
function readerOf(ctx: EngineContext) {
  return { query: async <T>(sql: string, params?: unknown[]) => ({ rows: await ctx.db.query<T>(sql, params ?? []) }) };
}

/** Who decides in this host: the OS account, since Chorus is a one-person desktop app. */
function currentActor(): string {
  try {
    return userInfo().username || 'local user';
  } catch {
    return 'local user';
  }
}

export function workflowsModule(ctx: EngineContext, deps: WorkflowsDeps): WorkflowsModule {
  const store = new WorkflowStore(ctx.db);
  const approvals = new ApprovalService(ctx.db);
  const owner = `${ctx.host}:${process.pid}:${randomUUID()}`;
  const active = new Map<string, { controller: AbortController; done: Promise<void>; again: boolean }>();
  const waiters = new Map<string, (() => void)[]>();
  const actor = currentActor();
  let heartbeat: NodeJS.Timeout | undefined;
  let expiryTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  const services: WorkflowServices = { db: ctx.db, posts: deps.publishing.posts, repos: ctx.repos };
  const scheduler = new WorkflowScheduler(ctx, deps.publishing, (brandId, workflowId, jobId) => startRun(workflowId, brandId, {}, 'schedule', jobId));

  const emitEvent = (event: RunEvent) => ctx.emit('runs.event', event);
  const emitRun = (run: Pick<RunRow, 'id' | 'status' | 'brand_id' | 'workflow_id'>) =>
    ctx.emit('runs.changed', { id: run.id, status: run.status, brandId: run.brand_id, workflowId: run.workflow_id as WorkflowRun['workflowId'] });

  async function brandOf(id: string): Promise<Brand> {
    return ctx.repos.brands.get(id);
  }

  function notifySettled(runId: string) {
    for (const resolve of waiters.get(runId) ?? []) resolve();
    waiters.delete(runId);
  }

  /** Marks a run that cannot be replayed (its definition is gone or changed shape). */
  async function interrupt(run: RunRow, reason: string) {
    const event = await ctx.db.write(async (tx) => {
      await tx.query(`UPDATE workflow_runs SET status = 'interrupted', error = $2, lease_owner = NULL, lease_expires_at = NULL, updated_at = now(), finished_at = now() WHERE id = $1`, [run.id, reason]);
      // Nothing will carry these attempts on; the timeline must not show them running for ever.
      await closeOpenAttempts(tx, run.id);
      return appendEvent(tx, run.id, { type: 'run_interrupted', message: reason });
    });
    emitEvent(event);
    emitRun({ ...run, status: 'interrupted' });
  }

  /** Runs a claimed run until it finishes, waits or pauses; again at once if an approval was decided meanwhile. */
  function drive(first: RunRow): void {
    if (active.has(first.id)) {
      active.get(first.id)!.again = true;
      return;
    }
    const controller = new AbortController();
    const entry = { controller, again: false, done: Promise.resolve() };
    let run = first;
    entry.done = (async () => {
      try {
        for (;;) {
          let end: ExecutionEnd;
          do {
            entry.again = false;
            const definition = workflowById(run.workflow_id);
            if (!definition || definition.version !== run.workflow_version) {
              await interrupt(run, definition ? `The ${definition.title} workflow changed (version ${run.workflow_version} → ${definition.version}); this run cannot carry on. Start a new one.` : `Chorus no longer has the workflow "${run.workflow_id}".`);
              return;
            }
            const brand = await brandOf(run.brand_id);
            end = await new RunExecution(run, definition, brand, executorDeps, controller.signal).execute();
          } while (end.status === 'waiting' && (entry.again || (await store.hasDecisionNotActedOn(run.id))));
          await finish(run, end);
          if (end.status !== 'waiting' || stopping) return;
          // A decision committed while the run was being marked waiting: carry on instead of sleeping on it.
          // From the last check to leaving `active` there is no await, so no wake-up can fall in between.
          if (!(await store.hasDecisionNotActedOn(run.id)) && !entry.again) return;
          const claimed = await store.claim(run.id, owner, ['waiting']);
          if (!claimed) return;
          run = claimed;
          emitRun(claimed);
        }
      } catch (error) {
        ctx.log(`The workflow run ${run.id} stopped on an unexpected error`, error);
        await finish(run, { status: 'failed', error: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
      } finally {
        active.delete(run.id);
        notifySettled(run.id);
      }
    })();
    active.set(first.id, entry);
  }

  async function finish(run: RunRow, end: ExecutionEnd) {
    if (end.status === 'stopped') {
      // The host is stopping: give the lease back so the next start resumes at once.
      await ctx.db.write((tx) => tx.query('UPDATE workflow_runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2', [run.id, owner]));
      return;
    }
    const type = ({ succeeded: 'run_succeeded', waiting: 'waiting', paused: 'run_paused', failed: 'run_failed', cancelled: 'run_cancelled' } as const)[end.status];
    const terminal = end.status === 'succeeded' || end.status === 'failed' || end.status === 'cancelled';
    const error = end.status === 'failed' || end.status === 'paused' ? end.error : null;
    let withdrawn: string[] = [];
    const event = await ctx.db.write(async (tx) => {
      await tx.query(
        `UPDATE workflow_runs SET status = $2, output = $3, error = $4, lease_owner = NULL, lease_expires_at = NULL, updated_at = now(),
                finished_at = CASE WHEN $5 THEN now() ELSE NULL END
         WHERE id = $1`,
        [run.id, end.status, end.status === 'succeeded' ? JSON.stringify(end.output ?? null) : null, error, terminal],
      );
      if (end.status === 'cancelled') withdrawn = await closeCancelled(tx, run.id);
      return appendEvent(tx, run.id, { type, message: error ?? (end.status === 'waiting' ? 'Waiting for approval.' : null) });
    });
    effectCommitted(`run ${end.status}`);
    emitEvent(event);
    emitRun({ ...run, status: end.status });
    announceWithdrawn(run, withdrawn);
  }

  /** A cancelled run's open attempts end cancelled and its pending approvals are withdrawn; returns their ids. */
  async function closeCancelled(tx: Queryable, runId: string): Promise<string[]> {
    await closeOpenAttempts(tx, runId);
    return approvals.withdraw(tx, runId, actor);
  }

  function announceWithdrawn(run: Pick<RunRow, 'id' | 'brand_id'>, approvalIds: string[]) {
    for (const id of approvalIds) ctx.emit('approvals.changed', { id, runId: run.id, status: 'expired', brandId: run.brand_id });
  }

  const executorDeps = {
    db: ctx.db,
    store,
    owner,
    router: deps.models.router,
    agents: () => deps.agents.definitions(),
    tools: () => deps.agents.tools(),
    agentRuns: deps.agents.runs,
    onEvent: emitEvent,
    onApproval: (row: { id: string; run_id: string | null; status: Approval['status']; brand_id: string; post_id: string | null }) => {
      ctx.emit('approvals.changed', { id: row.id, runId: row.run_id, status: row.status, brandId: row.brand_id });
      if (row.post_id) ctx.emit('posts.changed', { id: row.post_id, status: row.status === 'pending' ? 'in_review' : 'approved' });
      // A new approval may expire sooner than the one the timer waits for.
      if (row.status === 'pending') void armExpiry().catch((e: unknown) => ctx.log('Approval time-outs could not be scheduled', e));
    },
    services,
  };

  async function startRun(workflowId: string, brandId: string, rawInput: Record<string, unknown>, trigger: WorkflowRun['trigger'], runKey?: string): Promise<{ runId: string }> {
    const definition = workflowById(workflowId);
    if (!definition) throw new ChorusError('invalid_input', `There is no workflow "${workflowId}". Workflows: ${WORKFLOWS.map((w) => w.id).join(', ')}.`);
    const brand = await brandOf(brandId);
    const parsed = definition.input.safeParse(rawInput);
    if (!parsed.success) {
      throw new ChorusError(
        'invalid_input',
        `The input for ${definition.title} is not valid: ${parsed.error.issues[0]?.message ?? 'see the details'}`,
        parsed.error.issues.map((i) => ({ path: ['input', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message })),
      );
    }
    // A scheduled start is keyed by its job, so a job delivered twice starts one run.
    const id = runKey ? derivedId('scheduled-run', runKey) : randomUUID();
    const created = await ctx.db.write(async (tx) => {
      const input = definition.prepare ? await definition.prepare(parsed.data as never, { brand, tx, services }) : (parsed.data as Record<string, unknown>);
      const { rows } = await tx.query<RunRow>(
        `INSERT INTO workflow_runs (id, workflow_id, workflow_version, brand_id, trigger, input, status, lease_owner, lease_expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, now() + $8 * interval '1 millisecond')
         ON CONFLICT (id) DO NOTHING RETURNING *`,
        [id, definition.id, definition.version, brand.id, trigger, JSON.stringify(input), owner, LEASE_MS],
      );
      if (!rows[0]) return null;
      const event = await appendEvent(tx, id, { type: 'run_started', message: `${definition.title} for ${brand.name} (${trigger})` });
      return { run: rows[0], event };
    });
    if (!created) return { runId: id };
    effectCommitted('run started');
    emitEvent(created.event);
    emitRun(created.run);
    drive(created.run);
    return { runId: id };
  }

  /** Takes a run for this host and drives it; false if someone else has it or it is not in one of `from`. */
  async function resume(runId: string, from: readonly RunRow['status'][], options: { ignoreLease?: boolean; message?: string } = {}): Promise<boolean> {
    if (active.has(runId)) {
      active.get(runId)!.again = true;
      return true;
    }
    if (stopping) return false;
    const claimed = await store.claim(runId, owner, from, options);
    if (!claimed) return false;
    const event = await ctx.db.write((tx) => appendEvent(tx, runId, { type: 'run_resumed', message: options.message ?? null }));
    emitEvent(event);
    emitRun(claimed);
    drive(claimed);
    return true;
  }

  async function afterDecision(decided: Decided): Promise<Approval> {
    effectCommitted(`approval ${decided.approval.status}`);
    ctx.emit('approvals.changed', { id: decided.approval.id, runId: decided.runId, status: decided.approval.status, brandId: decided.approval.brandId });
    if (decided.postId) ctx.emit('posts.changed', { id: decided.postId, status: decided.approval.status === 'approved' ? 'approved' : 'draft' });
    if (decided.event) emitEvent(decided.event);
    if (decided.runId) await resume(decided.runId, ['waiting'], { message: 'An approval was decided.' });
    return decided.approval;
  }

  async function decide(id: string, decision: Decision): Promise<Approval> {
    return afterDecision(await approvals.decide(id, decision, actor));
  }

  async function expireDue(): Promise<void> {
    for (const due of await approvals.due()) {
      const comment = due.on_timeout === 'reject' ? 'Nobody decided in time, so the draft was not scheduled (the brand’s time-out policy).' : 'Nobody decided in time; the brand’s policy fails the run.';
      try {
        const decided = await approvals.decide(due.id, { kind: 'expire', comment, onTimeout: due.on_timeout }, 'timeout');
        await afterDecision(decided);
      } catch (error) {
        if (!(error instanceof ChorusError && error.code === 'conflict')) ctx.log('An approval time-out could not be applied', error);
      }
    }
    await armExpiry();
  }

  async function armExpiry(): Promise<void> {
    clearTimeout(expiryTimer);
    if (stopping) return;
    const next = await approvals.nextExpiry();
    if (!next) return;
    // Timers cap at ~24.8 days; a far expiry is simply re-armed later.
    const wait = Math.min(Math.max(0, next.getTime() - Date.now()) + 50, 2 ** 31 - 1);
    expiryTimer = setTimeout(() => void expireDue().catch((e: unknown) => ctx.log('Approval time-outs failed', e)), wait);
    expiryTimer.unref?.();
  }

  async function runSummary(id: string): Promise<WorkflowRun> {
    const [run] = await store.list({ ids: [id], limit: 1 });
    if (!run) throw new ChorusError('not_found', 'That workflow run does not exist.');
    return run;
  }

  async function runDetail(id: string) {
    const [run, attempts, usage, events, runApprovals] = await Promise.all([
      runSummary(id),
      store.attempts(id),
      store.usageBySteps(id),
      store.events(id),
      approvals.list({ runId: id, limit: 500 }),
    ]);
    return { ...run, steps: attempts.map((a) => toAttempt(a, usage.get(a.path))), events, approvals: runApprovals };
  }

  const handlers: HandlersFor<WorkflowRoutes> = {
    'workflows.list': async () =>
      WORKFLOWS.map((w): z.infer<typeof WorkflowSummary> => ({ id: w.id, version: w.version, title: w.title, description: w.description, inputSchema: jsonSchemaOf(w.input) })),
    'workflows.start': ({ workflowId, brandId, input, trigger }) => startRun(workflowId, brandId, input, trigger),
    'workflows.settings': async ({ brandId }) => {
      await brandOf(brandId);
      return readSettings(readerOf(ctx), brandId);
    },
    'workflows.updateSettings': async ({ brandId, approval, schedules }) => {
      await brandOf(brandId);
      const current = await readSettings(readerOf(ctx), brandId);
      const next: WorkflowSettings = { ...current, approval: { ...current.approval, ...approval }, schedules: schedules ?? current.schedules };
      // pg-boss reads the cron first: a schedule it cannot read is refused before anything is saved.
      await scheduler.apply(next);
      await ctx.db.write((tx) => writeSettings(tx, next));
      return next;
    },
    'runs.list': (filter) => store.list(filter),
    'runs.get': ({ id }) => runDetail(id),
    'runs.cancel': async ({ id }) => {
      const run = await store.run(id);
      if (!run) throw new ChorusError('not_found', 'That workflow run does not exist.');
      const running = active.get(id);
      if (running) {
        running.controller.abort('cancel');
        await running.done;
        return runSummary(id);
      }
      if (!['waiting', 'paused', 'running', 'interrupted'].includes(run.status)) {
        throw new ChorusError('conflict', `This run has already ${run.status === 'succeeded' ? 'finished' : run.status}; there is nothing to cancel.`);
      }
      // Not on this host: a compare-and-set on the status it had when read.
      let withdrawn: string[] = [];
      const event = await ctx.db.write(async (tx) => {
        const { rows } = await tx.query(
          `UPDATE workflow_runs SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, updated_at = now(), finished_at = now()
           WHERE id = $1 AND status = $2 AND (status <> 'running' OR lease_expires_at < now() OR lease_owner IS NULL) RETURNING id`,
          [id, run.status],
        );
        if (!rows[0]) throw new ChorusError('conflict', 'Another Chorus host is working on this run right now; cancel it there.');
        withdrawn = await closeCancelled(tx, id);
        return appendEvent(tx, id, { type: 'run_cancelled', message: `Cancelled by ${actor}.` });
      });
      emitEvent(event);
      emitRun({ ...run, status: 'cancelled' });
      announceWithdrawn(run, withdrawn);
      return runSummary(id);
    },
    'runs.retry': async ({ id }) => {
      const run = await store.run(id);
      if (!run) throw new ChorusError('not_found', 'That workflow run does not exist.');
      if (!['failed', 'paused', 'interrupted'].includes(run.status)) {
        throw new ChorusError('conflict', `This run is ${run.status}; only a failed, paused or interrupted run can be retried.`);
      }
      const ok = await resume(id, ['failed', 'paused', 'interrupted'], { message: `Retried by ${actor}.` });
      if (!ok) throw new ChorusError('conflict', 'This run was taken up elsewhere; refresh to see where it is.');
      return runSummary(id);
    },
    'approvals.list': (filter) => approvals.list(filter),
    'approvals.approve': ({ id, edit, comment, via }) => decide(id, { kind: 'approve', edit, comment, via }),
    'approvals.reject': ({ id, comment, via }) => decide(id, { kind: 'reject', comment, via }),
    'approvals.approveMany': async ({ ids, via }) => {
      const approved: Approval[] = [];
      const refused: { id: string; message: string }[] = [];
      for (const id of ids) {
        try {
          approved.push(await decide(id, { kind: 'approve', comment: '', via }));
        } catch (error) {
          refused.push({ id, message: error instanceof Error ? error.message : String(error) });
        }
      }
      return { approved, refused };
    },
  };

  return {
    name: 'workflows',
    handlers,
    store,
    approvals,
    settled(runId) {
      if (!active.has(runId)) return Promise.resolve();
      return new Promise((resolve) => waiters.set(runId, [...(waiters.get(runId) ?? []), resolve]));
    },
    async start() {
      stopping = false;
      // This host holds the data folder's lock, so no other host can be working on these runs.
      const exclusive = true;
      // A one-off CLI command (`runs list`) must not pick up left-over runs only to stop them
      // a moment later; the desktop app and `chorus serve` carry them on.
      const resumable = ctx.host === 'cli' ? [] : await store.resumable(owner, exclusive);
      for (const run of resumable) {
        await resume(run.id, [run.status], { ignoreLease: exclusive, message: run.status === 'running' ? 'Picked up after Chorus restarted.' : 'An approval was decided while Chorus was stopped.' });
      }
      heartbeat = setInterval(() => void store.renewLeases(owner, [...active.keys()]).catch((e: unknown) => ctx.log('Renewing workflow leases failed', e)), LEASE_MS / 3);
      heartbeat.unref?.();
      await expireDue();
      await scheduler.start();
    },
    async stop() {
      stopping = true;
      clearInterval(heartbeat);
      clearTimeout(expiryTimer);
      await scheduler.stop();
      for (const run of active.values()) run.controller.abort('shutdown');
      await Promise.allSettled([...active.values()].map((r) => r.done));
    },
  };
}

