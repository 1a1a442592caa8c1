// Walks a workflow definition for one run. Every pass starts at the top: a
// step that already succeeded answers from its stored output, an open attempt
// carries on with its model and tool calls replayed from the journal, and only
// what is left is done. That makes a quit, a crash and an approval the same
// thing: stop anywhere, walk again later.
import { createHash } from 'node:crypto';
import type { Brand } from '../../../shared/contract';
import type { RunEvent } from '../../../shared/contract/schemas/workflows';
import type { Database, Queryable } from '../db/Database';
import type { AgentDefinition } from '../agents/agentLoader';
import type { AgentRunRepository } from '../agents/AgentRunRepository';
import type { AgentTool, ToolResult } from '../agents/AgentTool';
import { runAgent, type RunAgentContext } from '../agents/runAgent';
import { runTeam } from '../agents/teams';
import type { CallJournal, JournaledCall, ModelRouter } from '../llm/modelRouter';
import { decidedOutcome, openApproval, type ApprovalRowLite } from './approvals';
import { type Effects, type Scope, type Step, type WorkflowDefinition } from './definition';
import { effectCommitted } from './faultInjection';
import type { WorkflowServices } from './definitions/services';
import { appendEvent, insertJournal, type AttemptRow, type NewEvent, type RunRow, type WorkflowStore } from './WorkflowStore';

/** The run must wait: for a person (approval) or for a retry after a paused step. */
export class Suspended extends Error {
  constructor(
    readonly reason: 'approval' | 'pause',
    message: string,
  ) {
    super(message);
  }
}

/** The host is stopping (or the run was cancelled): leave everything as it is. */
export class Interrupted extends Error {
  constructor(readonly why: 'shutdown' | 'cancel') {
    super(why === 'cancel' ? 'The run was cancelled.' : 'Chorus is stopping.');
  }
}

/** A fail-fast sibling failed; this branch stops at its next step. */
class BranchStopped extends Error {
  constructor() {
    super('Stopped because another branch failed.');
  }
}

export class StepFailed extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export type ExecutionEnd =
  | { status: 'succeeded'; output: unknown }
  | { status: 'waiting' }
  | { status: 'paused'; error: string }
  | { status: 'failed'; error: string }
  | { status: 'cancelled' }
  | { status: 'stopped' };

export interface ExecutorDeps {
  db: Database;
  store: WorkflowStore;
  /** This host's incarnation; written on journal rows. */
  owner: string;
  router: ModelRouter;
  agents: () => readonly AgentDefinition[];
  tools: () => Promise<AgentTool[]>;
  agentRuns: AgentRunRepository;
  onEvent: (event: RunEvent) => void;
  /** After an approval row is created or decided by policy (for `approvals.changed`). */
  onApproval: (approval: ApprovalRowLite) => void;
  services: WorkflowServices;
}

/** A UUID made from a key, so a replay gets the same id without a journal row. */
export function derivedId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class StepScope implements Scope {
  readonly values = new Map<string, unknown>();
  readonly vars: Readonly<Record<string, unknown>>;

  constructor(
    private readonly parent: StepScope | null,
    readonly input: Record<string, unknown>,
    readonly brand: Brand,
    readonly runId: string,
    vars: Record<string, unknown>,
    readonly iteration: number,
  ) {
    this.vars = { ...(parent?.vars ?? {}), ...vars };
  }

  child(vars: Record<string, unknown>, iteration = this.iteration): StepScope {
    return new StepScope(this, this.input, this.brand, this.runId, vars, iteration);
  }

  get<T = unknown>(stepId: string): T | undefined {
    if (this.values.has(stepId)) return this.values.get(stepId) as T;
    return this.parent?.get<T>(stepId);
  }
}

const isControl = (error: unknown) => error instanceof Suspended || error instanceof Interrupted || error instanceof BranchStopped;

export class RunExecution {
  private readonly latest = new Map<string, AttemptRow>();
  private readonly journal = new Map<string, unknown>();
  /** Journal key counters, per step path, so an attempt can start its own count afresh. */
  private readonly counters = new Map<string, Map<string, number>>();
  /** Attempts this pass carries on after a stop (`path@attempt`): their agent rows are rebuilt. */
  private readonly resumed = new Set<string>();
  /** The agents as loaded once per pass: reading agents/*.md for every step costs more than the step. */
  private agentList: readonly AgentDefinition[] | undefined;

  constructor(
    private readonly run: RunRow,
    private readonly definition: WorkflowDefinition,
    private readonly brand: Brand,
    private readonly deps: ExecutorDeps,
    private readonly signal: AbortSignal,
  ) {}

  async execute(): Promise<ExecutionEnd> {
    for (const row of await this.deps.store.attempts(this.run.id)) this.latest.set(row.path, row);
    for (const row of await this.deps.store.journal(this.run.id)) this.journal.set(row.key, row.value);
    const root = new StepScope(null, this.run.input, this.brand, this.run.id, {}, 0);
    try {
      await this.sequence(this.definition.steps, root, '', () => false);
      return { status: 'succeeded', output: this.definition.output(root) ?? null };
    } catch (error) {
      if (error instanceof Suspended) return error.reason === 'pause' ? { status: 'paused', error: error.message } : { status: 'waiting' };
      if (error instanceof Interrupted) return error.why === 'cancel' ? { status: 'cancelled' } : { status: 'stopped' };
      if (this.signal.aborted) return this.signal.reason === 'cancel' ? { status: 'cancelled' } : { status: 'stopped' };
      return { status: 'failed', error: errorText(error) };
    }
  }

  // ── walking ───────────────────────────────────────────────────────────────

  private async sequence(steps: Step[], scope: StepScope, prefix: string, stopped: () => boolean): Promise<StepScope> {
    for (const step of steps) {
      if (stopped()) throw new BranchStopped();
      this.checkInterrupted();
      const path = prefix ? `${prefix}/${step.id}` : step.id;
      scope.values.set(step.id, await this.step(step, scope, path, stopped));
    }
    return scope;
  }

  private checkInterrupted(): void {
    if (this.signal.aborted) throw new Interrupted(this.signal.reason === 'cancel' ? 'cancel' : 'shutdown');
  }

  private async step(step: Step, scope: StepScope, path: string, stopped: () => boolean): Promise<unknown> {
    const done = this.latest.get(path);
    if (done?.status === 'succeeded') return done.output;
    if (done?.status === 'skipped') return undefined;
    // An attempt left open (the host stopped, or it waits for a person) carries on under the same number.
    let attempt = done ? (done.status === 'running' || done.status === 'waiting' ? done.attempt : done.attempt + 1) : 1;
    let open = done?.status === 'running' || done?.status === 'waiting';
    if (open) this.resumed.add(`${path}@${attempt}`);
    let retried = 0;
    for (;;) {
      // Each attempt counts its journal keys from #1 again, so a retry finds the ids and effects the earlier attempt made.
      this.counters.delete(path);
      const started = open && done ? new Date(done.started_at).getTime() : Date.now();
      if (!open) await this.write(`start ${path}`, (tx) => this.startAttempt(tx, step, path, attempt), { type: 'step_started', path, message: step.label }, { effect: false });
      open = false;
      try {
        const output = await this.withTimeout(step, (signal) => this.body(step, scope, path, attempt, signal, stopped));
        await this.finishAttempt(path, attempt, 'succeeded', output, null, started);
        return output;
      } catch (error) {
        if (isControl(error)) throw error;
        this.checkInterrupted();
        const message = errorText(error);
        const retries = step.retry?.retries ?? 0;
        const last = retried >= retries;
        const onError = step.onError ?? 'fail';
        await this.finishAttempt(path, attempt, last && onError === 'skip' ? 'skipped' : 'failed', null, message, started);
        if (!last) {
          retried += 1;
          const wait = (step.retry?.backoffMs ?? 0) * 2 ** (retried - 1);
          await this.write(`retry ${path}`, async () => undefined, { type: 'step_retrying', path, message: `Attempt ${attempt} failed (${message}); trying again in ${Math.round(wait)} ms.` }, { effect: false });
          await this.sleep(wait);
          attempt += 1;
          continue;
        }
        if (onError === 'skip') return undefined;
        if (onError === 'pause') throw new Suspended('pause', `${step.label}: ${message}`);
        throw error instanceof StepFailed ? error : new StepFailed(path, `${step.label}: ${message}`);
      }
    }
  }

  private async withTimeout<T>(step: Step, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (!step.timeoutMs) return work(this.signal);
    const controller = new AbortController();
    const onAbort = () => controller.abort(this.signal.reason);
    this.signal.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort('timeout');
        reject(new Error(`It took longer than ${step.timeoutMs! / 1000} s and was stopped.`));
      }, step.timeoutMs);
    });
    try {
      return await Promise.race([work(controller.signal), timedOut]);
    } finally {
      clearTimeout(timer);
      this.signal.removeEventListener('abort', onAbort);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Interrupted(this.signal.reason === 'cancel' ? 'cancel' : 'shutdown'));
      };
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async body(step: Step, scope: StepScope, path: string, attempt: number, signal: AbortSignal, stopped: () => boolean): Promise<unknown> {
    switch (step.kind) {
      case 'agent':
        return this.agentStep(typeof step.agent === 'function' ? step.agent(scope) : step.agent, step.task(scope), path, attempt, signal);
      case 'team':
        return this.teamStep(step.team, step.task(scope), path, attempt, signal);
      case 'function':
        return step.run(scope, this.effects(path, attempt, signal));
      case 'parallel':
        return this.parallel(step.branches(scope), step.failure, scope, path, stopped);
      case 'condition': {
        const chosen = step.cases.find((c) => c.when(scope));
        const steps = chosen?.steps ?? step.else;
        const key = chosen?.key ?? 'else';
        if (!steps) return { branch: 'none' };
        const inner = await this.sequence(steps, scope.child({}), `${path}/${key}`, stopped);
        return { branch: key, ...Object.fromEntries(inner.values) };
      }
      case 'loop': {
        let previous: Record<string, unknown> = {};
        let iterations = 0;
        for (let i = 0; i < step.max; i += 1) {
          const inner = await this.sequence(step.steps, scope.child({ previous }, i), `${path}#${i + 1}`, stopped);
          previous = Object.fromEntries(inner.values);
          iterations = i + 1;
          if (step.until(inner)) break;
        }
        return { iterations, last: previous };
      }
      case 'router': {
        const key = step.route(scope);
        const steps = step.routes[key];
        if (!steps) throw new Error(`No route "${key}"; routes are ${Object.keys(step.routes).join(', ')}.`);
        const inner = await this.sequence(steps, scope.child({}), `${path}>${key}`, stopped);
        return { route: key, ...Object.fromEntries(inner.values) };
      }
      case 'approval':
        return this.approval(step, scope, path);
    }
  }

  private async parallel(branches: ReturnType<Extract<Step, { kind: 'parallel' }>['branches']>, failure: 'fail_fast' | 'wait_all' | 'ignore', scope: StepScope, path: string, stopped: () => boolean) {
    let failed = false;
    const siblingsStopped = () => stopped() || (failure === 'fail_fast' && failed);
    const settled = await Promise.allSettled(
      branches.map((branch) =>
        this.sequence(branch.steps, scope.child(branch.vars ?? {}), `${path}[${branch.key}]`, siblingsStopped).catch((error: unknown) => {
          if (!isControl(error)) failed = true;
          throw error;
        }),
      ),
    );
    const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    const interrupted = errors.find((e) => e instanceof Interrupted);
    if (interrupted) throw interrupted;
    const failures = errors.filter((e) => !isControl(e));
    if (failures.length && failure !== 'ignore') throw failures[0];
    const suspended = errors.filter((e): e is Suspended => e instanceof Suspended);
    if (suspended.length) throw suspended.find((s) => s.reason === 'pause') ?? suspended[0]!;
    if (errors.some((e) => e instanceof BranchStopped) && !failures.length) throw new BranchStopped();
    const output: Record<string, unknown> = {};
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') output[branches[i]!.key] = Object.fromEntries(s.value.values);
    });
    return output;
  }

  // ── agents and teams, with model and tool calls journaled ─────────────────

  private callJournal(path: string, attempt: number): CallJournal {
    return {
      nextKey: (stepPath) => this.nextKey(path, `@${attempt}:model:${stepPath ?? ''}`),
      replay: (key) => this.journal.get(key) as JournaledCall | undefined,
      entry: (key, outcome) => ({ workflowRunId: this.run.id, workflowStep: path, key, value: outcome, owner: this.deps.owner }),
      committed: (key, outcome) => {
        this.journal.set(key, outcome);
        effectCommitted(key);
      },
    };
  }

  private journaledTools(tools: AgentTool[], path: string, attempt: number): AgentTool[] {
    return tools.map((tool) => ({
      ...tool,
      call: async (args, context) => {
        const key = this.nextKey(path, `@${attempt}:tool:${tool.name}`);
        if (this.journal.has(key)) return this.journal.get(key) as ToolResult;
        const result = await tool.call(args, context);
        await this.journalWrite(key, 'tool', result);
        return result;
      },
    }));
  }

  private agents(): readonly AgentDefinition[] {
    this.agentList ??= this.deps.agents();
    return this.agentList;
  }

  private async agentContext(path: string, attempt: number, runId: string, signal: AbortSignal): Promise<RunAgentContext> {
    // A replayed attempt rebuilds its agent run rows; the journal, not those rows, is what happened.
    if (this.resumed.has(`${path}@${attempt}`)) await this.deps.db.write((tx) => tx.query('DELETE FROM agent_runs WHERE id = $1', [runId]));
    return {
      models: this.deps.router.withJournal(this.callJournal(path, attempt)),
      tools: this.journaledTools(await this.deps.tools(), path, attempt),
      runs: this.deps.agentRuns,
      brand: this.brand,
      runId,
      journaled: true,
      signal,
    };
  }

  private async agentStep(agentId: string, task: string, path: string, attempt: number, signal: AbortSignal): Promise<unknown> {
    const agent = this.agents().find((a) => a.id === agentId);
    if (!agent) throw new Error(`There is no agent "${agentId}".`);
    const runId = derivedId(this.run.id, path, String(attempt), 'agent');
    const context = await this.agentContext(path, attempt, runId, signal);
    await this.deps.agentRuns.start({ id: runId, agentId, brandId: this.brand.id, task, workflow: { runId: this.run.id, step: path } });
    const outcome = await runAgent(agent, { task }, context);
    if (outcome.status === 'succeeded') return outcome.output;
    if (this.signal.aborted) this.checkInterrupted();
    throw new Error(outcome.error ?? `The ${agent.name} agent did not finish.`);
  }

  private async teamStep(teamId: Extract<Step, { kind: 'team' }>['team'], task: string, path: string, attempt: number, signal: AbortSignal): Promise<unknown> {
    const runId = derivedId(this.run.id, path, String(attempt), 'team');
    const context = await this.agentContext(path, attempt, runId, signal);
    await this.deps.agentRuns.start({ id: runId, agentId: 'orchestrator', brandId: this.brand.id, task, workflow: { runId: this.run.id, step: path } });
    const { final } = await runTeam(teamId, { task }, this.agents(), context);
    if (final.status === 'succeeded') return final.output;
    if (this.signal.aborted) this.checkInterrupted();
    throw new Error(final.error ?? 'The team did not finish.');
  }

  // ── function steps' effects ───────────────────────────────────────────────

  private effects(path: string, attempt: number, signal: AbortSignal): Effects {
    return {
      signal,
      services: this.deps.services,
      now: async () => {
        const key = this.nextKey(path, `@${attempt}:clock`);
        if (this.journal.has(key)) return new Date(this.journal.get(key) as string);
        const now = new Date();
        await this.journalWrite(key, 'clock', now.toISOString());
        return now;
      },
      // Ids and effects are keyed without the attempt: a retried step must find what an earlier attempt already did.
      id: async () => {
        const key = this.nextKey(path, ':id');
        if (this.journal.has(key)) return this.journal.get(key) as string;
        const id = derivedId(this.run.id, key, this.deps.owner);
        await this.journalWrite(key, 'id', id);
        return id;
      },
      effect: async <T>(name: string, work: (tx: Queryable) => Promise<T>): Promise<T> => {
        const key = this.nextKey(path, `:effect:${name}`);
        if (this.journal.has(key)) return this.journal.get(key) as T;
        const result = await this.deps.db.write(async (tx) => {
          const value = await work(tx);
          await insertJournal(tx, { runId: this.run.id, key, kind: 'effect', value, owner: this.deps.owner });
          return value;
        });
        this.journal.set(key, result ?? null);
        effectCommitted(key);
        return result;
      },
    };
  }

  /** `path` + `what` + `#n`: the nth such call of this step, the same on every replay. */
  private nextKey(path: string, what: string): string {
    let forPath = this.counters.get(path);
    if (!forPath) this.counters.set(path, (forPath = new Map()));
    const n = (forPath.get(what) ?? 0) + 1;
    forPath.set(what, n);
    return `${path}${what}#${n}`;
  }

  private async journalWrite(key: string, kind: 'tool' | 'clock' | 'id', value: unknown): Promise<void> {
    await this.deps.db.write((tx) => insertJournal(tx, { runId: this.run.id, key, kind, value, owner: this.deps.owner }));
    this.journal.set(key, value ?? null);
    effectCommitted(key);
  }

  // ── approvals ─────────────────────────────────────────────────────────────

  private async approval(step: Extract<Step, { kind: 'approval' }>, scope: StepScope, path: string): Promise<unknown> {
    const [existing] = await this.deps.db.query<ApprovalRowLite>('SELECT id, run_id, brand_id, post_id, status, comment, path FROM approvals WHERE run_id = $1 AND path = $2', [this.run.id, path]);
    if (existing) {
      if (existing.status === 'pending') throw new Suspended('approval', `Waiting for a person to approve (${step.label}).`);
      return decidedOutcome(this.deps.db, existing);
    }
    const created = await this.write(
      `approval ${path}`,
      async (tx) => {
        const row = await openApproval(tx, { runId: this.run.id, path, brandId: this.brand.id, id: derivedId(this.run.id, path, 'approval') }, step, scope);
        await tx.query(`UPDATE workflow_step_attempts SET status = $3 WHERE run_id = $1 AND path = $2 AND status = 'running'`, [
          this.run.id,
          path,
          row.status === 'pending' ? 'waiting' : 'running',
        ]);
        return row;
      },
      { type: 'waiting', path, message: step.label },
    );
    this.deps.onApproval(created);
    if (created.status === 'pending') throw new Suspended('approval', `Waiting for a person to approve (${step.label}).`);
    return decidedOutcome(this.deps.db, created);
  }

  // ── rows ──────────────────────────────────────────────────────────────────

  private async startAttempt(tx: Queryable, step: Step, path: string, attempt: number): Promise<void> {
    await tx.query(
      `INSERT INTO workflow_step_attempts (run_id, path, kind, label, attempt, status) VALUES ($1, $2, $3, $4, $5, 'running')
       ON CONFLICT (run_id, path, attempt) DO UPDATE SET status = 'running', started_at = now()`,
      [this.run.id, path, step.kind, step.label, attempt],
    );
    this.latest.set(path, { path, kind: step.kind, label: step.label, attempt, status: 'running', input: null, output: null, error: null, started_at: new Date(), finished_at: null, duration_ms: null });
  }

  /** The step's result, its attempt row and its event: one transaction. */
  private async finishAttempt(path: string, attempt: number, status: 'succeeded' | 'failed' | 'skipped', output: unknown, error: string | null, started: number): Promise<void> {
    const duration = Date.now() - started;
    const event: NewEvent = { type: status === 'succeeded' ? 'step_succeeded' : status === 'skipped' ? 'step_skipped' : 'step_failed', path, message: error };
    await this.write(
      `${status} ${path}`,
      (tx) =>
        tx.query(
          `UPDATE workflow_step_attempts SET status = $4, output = $5, error = $6, finished_at = now(), duration_ms = $7
           WHERE run_id = $1 AND path = $2 AND attempt = $3`,
          [this.run.id, path, attempt, status, output === undefined ? null : JSON.stringify(output), error, duration],
        ),
      event,
    );
    const row = this.latest.get(path);
    if (row) this.latest.set(path, { ...row, status, output: output ?? null, error });
  }

  /**
   * A transaction plus one event in the run's log; the event reaches the UI only
   * after the commit. `effect: false` marks bookkeeping (an attempt starting)
   * rather than something that happened, which crash injection does not count.
   */
  private async write<T>(what: string, work: (tx: Queryable) => Promise<T>, event: NewEvent, options: { effect: boolean } = { effect: true }): Promise<T> {
    let appended: RunEvent | undefined;
    const result = await this.deps.db.write(async (tx) => {
      const value = await work(tx);
      appended = await appendEvent(tx, this.run.id, event);
      return value;
    });
    if (options.effect) effectCommitted(what);
    if (appended) this.deps.onEvent(appended);
    return result;
  }
}
