// The executor's semantics, driven directly: small definitions on a migrated
// in-memory database, function steps for most cases and a scripted model for
// the journaled agent step. Each pass is a fresh RunExecution, as the module
// makes one per pass; what a pass finds is only what the database holds.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentTool } from '../../../src/main/engine/agents/AgentTool';
import { defineWorkflow, type Effects, type Scope, type Step, type WorkflowDefinition } from '../../../src/main/engine/workflows/definition';
import type { WorkflowServices } from '../../../src/main/engine/workflows/definitions/services';
import { RunExecution, type ExecutionEnd, type ExecutorDeps } from '../../../src/main/engine/workflows/executor';
import { WorkflowStore, type AttemptRow } from '../../../src/main/engine/workflows/WorkflowStore';
import type { ModelRouter } from '../../../src/main/engine/llm/modelRouter';
import type { RunEvent } from '../../../src/shared/contract/schemas/workflows';
import { ScriptedProvider } from '../../fakes/ScriptedProvider';
import { agent, DRAFT_JSON, openHarness, type Harness } from '../agents/harness';

let h: Harness;
let store: WorkflowStore;

beforeAll(async () => {
  h = await openHarness();
  store = new WorkflowStore(h.db);
  await h.db.write((tx) => tx.exec('CREATE TABLE test_effects (id serial PRIMARY KEY, note text NOT NULL)'));
});
afterAll(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let definitionCount = 0;
/** A definition of the given steps; its output is every top-level step's value. */
function workflow(steps: Step[], output?: (scope: Scope) => unknown): WorkflowDefinition {
  definitionCount += 1;
  return defineWorkflow({
    id: 'daily-content',
    version: definitionCount,
    title: `Test workflow ${definitionCount}`,
    description: 'A workflow made by the executor tests.',
    input: z.record(z.string(), z.unknown()),
    steps,
    output: output ?? ((scope) => Object.fromEntries(steps.map((s) => [s.id, scope.get(s.id) ?? null]))),
  });
}

function fn(id: string, run: (scope: Scope, fx: Effects) => Promise<unknown>, extra: Partial<Omit<Extract<Step, { kind: 'function' }>, 'kind' | 'run'>> = {}): Step {
  return { kind: 'function', id, label: extra.label ?? `Step ${id}`, run, ...extra };
}

interface TestRun {
  id: string;
  events: RunEvent[];
  /** One pass: a fresh RunExecution over what the database holds. */
  execute(options?: { signal?: AbortSignal; router?: ModelRouter; tools?: AgentTool[] }): Promise<ExecutionEnd>;
  attempts(): Promise<AttemptRow[]>;
}

/** Inserts the workflow_runs row as `workflows.start` does and returns a driver for it. */
async function startRun(definition: WorkflowDefinition, input: Record<string, unknown> = {}): Promise<TestRun> {
  const id = randomUUID();
  await h.db.write((tx) =>
    tx.query(
      `INSERT INTO workflow_runs (id, workflow_id, workflow_version, brand_id, trigger, input, status, lease_owner, lease_expires_at)
       VALUES ($1, $2, $3, $4, 'cli', $5, 'running', 'test-owner', now() + interval '30 seconds')`,
      [id, definition.id, definition.version, h.brand.id, JSON.stringify(input)],
    ),
  );
  const events: RunEvent[] = [];
  const testAgents = [agent({ id: 'tester', tools: ['test.*'] })];
  return {
    id,
    events,
    async execute(options = {}) {
      const row = await store.run(id);
      const deps: ExecutorDeps = {
        db: h.db,
        store,
        owner: 'test-owner',
        router: options.router ?? h.router(new ScriptedProvider({ script: [{ content: 'unused' }] })),
        agents: () => testAgents,
        tools: async () => options.tools ?? [],
        agentRuns: h.runs,
        onEvent: (event) => events.push(event),
        onApproval: () => undefined,
        services: { db: h.db } as unknown as WorkflowServices,
      };
      return new RunExecution(row!, definition, h.brand, deps, options.signal ?? new AbortController().signal).execute();
    },
    attempts: () => store.attempts(id),
  };
}

const statuses = (rows: AttemptRow[], path: string) => rows.filter((r) => r.path === path).map((r) => `${r.attempt}:${r.status}`);

describe('RunExecution', () => {
  it('runs function steps in order, and a second pass re-runs nothing and returns the same output', async () => {
    const order: string[] = [];
    const definition = workflow([
      fn('first', async () => (order.push('first'), { n: 1 })),
      fn('second', async (scope) => (order.push('second'), { n: scope.get<{ n: number }>('first')!.n + 1 })),
      fn('third', async (scope) => (order.push('third'), { sum: scope.get<{ n: number }>('first')!.n + scope.get<{ n: number }>('second')!.n, input: scope.input.word })),
    ]);
    const run = await startRun(definition, { word: 'kaffe' });
    const first = await run.execute();
    expect(first).toEqual({ status: 'succeeded', output: { first: { n: 1 }, second: { n: 2 }, third: { sum: 3, input: 'kaffe' } } });
    expect(order).toEqual(['first', 'second', 'third']);

    const again = await run.execute();
    expect(order).toEqual(['first', 'second', 'third']);
    expect(again).toEqual(first);
    const rows = await run.attempts();
    expect(rows.map((r) => `${r.path}:${r.attempt}:${r.status}`)).toEqual(['first:1:succeeded', 'second:1:succeeded', 'third:1:succeeded']);
    const events = await store.events(run.id);
    expect(events.map((e) => `${e.type}:${e.path}`)).toEqual([
      'step_started:first',
      'step_succeeded:first',
      'step_started:second',
      'step_succeeded:second',
      'step_started:third',
      'step_succeeded:third',
    ]);
    // Events reach the listener with the seq the log gave them.
    expect(run.events.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
  });

  it('retries a failing step with doubling backoff: failed, failed, succeeded', async () => {
    let calls = 0;
    const definition = workflow([
      fn(
        'flaky',
        async () => {
          calls += 1;
          if (calls < 3) throw new Error(`flake ${calls}`);
          return 'ok';
        },
        { retry: { retries: 2, backoffMs: 10 } },
      ),
    ]);
    const run = await startRun(definition);
    const started = performance.now();
    const end = await run.execute();
    const elapsed = performance.now() - started;
    expect(end).toEqual({ status: 'succeeded', output: { flaky: 'ok' } });
    expect(calls).toBe(3);
    // 10 ms, then 20 ms.
    expect(elapsed).toBeGreaterThanOrEqual(28);
    const rows = await run.attempts();
    expect(rows.map((r) => [r.attempt, r.status, r.error])).toEqual([
      [1, 'failed', 'flake 1'],
      [2, 'failed', 'flake 2'],
      [3, 'succeeded', null],
    ]);
    const retrying = (await store.events(run.id)).filter((e) => e.type === 'step_retrying');
    expect(retrying).toHaveLength(2);
    expect(retrying[0]!.message).toContain('Attempt 1 failed (flake 1)');
    expect(retrying[0]!.message).toContain('10 ms');
    expect(retrying[1]!.message).toContain('20 ms');
  });

  it('gives up after the retries and fails the run with the step label and message', async () => {
    let calls = 0;
    const run = await startRun(workflow([fn('never', async () => ((calls += 1), Promise.reject(new Error('still broken'))), { label: 'Never works', retry: { retries: 1, backoffMs: 0 } })]));
    const end = await run.execute();
    expect(end).toEqual({ status: 'failed', error: 'Never works: still broken' });
    expect(calls).toBe(2);
    expect(statuses(await run.attempts(), 'never')).toEqual(['1:failed', '2:failed']);
  });

  it('stops a step that takes longer than timeoutMs; with onError skip the run carries on', async () => {
    const hang = async () => new Promise<never>(() => undefined);
    const failing = await startRun(workflow([fn('hang', hang, { label: 'Hangs', timeoutMs: 50 })]));
    const started = performance.now();
    const end = await failing.execute();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(end.status).toBe('failed');
    expect(end.status === 'failed' && end.error).toMatch(/^Hangs: It took longer than 0\.05 s/);
    expect(statuses(await failing.attempts(), 'hang')).toEqual(['1:failed']);

    let sawSignal: AbortSignal | undefined;
    let after = 0;
    const skipping = await startRun(
      workflow([
        fn('hang', async (_scope, fx) => ((sawSignal = fx.signal), hang()), { timeoutMs: 50, onError: 'skip' }),
        fn('after', async (scope) => ((after += 1), { hang: scope.get('hang') ?? 'nothing' })),
      ]),
    );
    const skipped = await skipping.execute();
    expect(skipped).toEqual({ status: 'succeeded', output: { hang: null, after: { hang: 'nothing' } } });
    expect(after).toBe(1);
    // The step's own signal was aborted, so well-behaved work stops.
    expect(sawSignal?.aborted).toBe(true);
    const rows = await skipping.attempts();
    expect(rows.find((r) => r.path === 'hang')).toMatchObject({ status: 'skipped', error: expect.stringContaining('took longer') });
    expect((await store.events(skipping.id)).some((e) => e.type === 'step_skipped' && e.path === 'hang')).toBe(true);
  });

  it('pauses on onError pause, and a later pass tries the step again as attempt 2', async () => {
    let broken = true;
    let beforeCalls = 0;
    const definition = workflow([
      fn('before', async () => ((beforeCalls += 1), 'fine')),
      fn(
        'fragile',
        async () => {
          if (broken) throw new Error('the API is down');
          return 'recovered';
        },
        { label: 'Fragile', onError: 'pause' },
      ),
    ]);
    const run = await startRun(definition);
    expect(await run.execute()).toEqual({ status: 'paused', error: 'Fragile: the API is down' });
    expect(statuses(await run.attempts(), 'fragile')).toEqual(['1:failed']);

    broken = false;
    expect(await run.execute()).toEqual({ status: 'succeeded', output: { before: 'fine', fragile: 'recovered' } });
    expect(statuses(await run.attempts(), 'fragile')).toEqual(['1:failed', '2:succeeded']);
    expect(beforeCalls).toBe(1);
  });

  describe('parallel', () => {
    it('runs branches concurrently', async () => {
      const definition = workflow([
        {
          kind: 'parallel',
          id: 'both',
          label: 'Both',
          failure: 'fail_fast',
          branches: () =>
            ['a', 'b'].map((key) => ({ key, vars: { key }, steps: [fn('wait', async (scope) => (await sleep(100), `done ${String(scope.vars.key)}`))] })),
        },
      ]);
      const run = await startRun(definition);
      const started = performance.now();
      const end = await run.execute();
      const elapsed = performance.now() - started;
      expect(end).toEqual({ status: 'succeeded', output: { both: { a: { wait: 'done a' }, b: { wait: 'done b' } } } });
      expect(elapsed).toBeLessThan(180);
      expect(statuses(await run.attempts(), 'both[a]/wait')).toEqual(['1:succeeded']);
      expect(statuses(await run.attempts(), 'both[b]/wait')).toEqual(['1:succeeded']);
    });

    /** Branch `bad` fails after 20 ms; branch `good` has a 80 ms step, then a counted `later` step. */
    function policyWorkflow(failure: 'fail_fast' | 'wait_all' | 'ignore', counter: { later: number }) {
      return workflow([
        {
          kind: 'parallel',
          id: 'par',
          label: 'Parallel',
          failure,
          branches: () => [
            { key: 'bad', steps: [fn('boom', async () => (await sleep(20), Promise.reject(new Error('kaboom'))), { label: 'Boom' })] },
            {
              key: 'good',
              steps: [fn('slow', async () => (await sleep(80), 'slow done')), fn('later', async () => ((counter.later += 1), 'later done'))],
            },
          ],
        },
        fn('tail', async () => 'tail done'),
      ]);
    }

    it('fail_fast: the sibling stops at its next step boundary', async () => {
      const counter = { later: 0 };
      const run = await startRun(policyWorkflow('fail_fast', counter));
      const end = await run.execute();
      expect(end).toEqual({ status: 'failed', error: 'Boom: kaboom' });
      expect(counter.later).toBe(0);
      const rows = await run.attempts();
      // The step already under way finishes; the one after it never starts.
      expect(statuses(rows, 'par[good]/slow')).toEqual(['1:succeeded']);
      expect(statuses(rows, 'par[good]/later')).toEqual([]);
      expect(statuses(rows, 'par')).toEqual(['1:failed']);
      expect(statuses(rows, 'tail')).toEqual([]);
    });

    it('wait_all: siblings finish, then the step fails', async () => {
      const counter = { later: 0 };
      const run = await startRun(policyWorkflow('wait_all', counter));
      const end = await run.execute();
      expect(end).toEqual({ status: 'failed', error: 'Boom: kaboom' });
      expect(counter.later).toBe(1);
      const rows = await run.attempts();
      expect(statuses(rows, 'par[good]/later')).toEqual(['1:succeeded']);
      expect(statuses(rows, 'par')).toEqual(['1:failed']);
      expect(statuses(rows, 'tail')).toEqual([]);
    });

    it('ignore: the failed branch is left out of the output and the step succeeds', async () => {
      const counter = { later: 0 };
      const run = await startRun(policyWorkflow('ignore', counter));
      const end = await run.execute();
      expect(end).toEqual({ status: 'succeeded', output: { par: { good: { slow: 'slow done', later: 'later done' } }, tail: 'tail done' } });
      expect(counter.later).toBe(1);
      const rows = await run.attempts();
      expect(statuses(rows, 'par[bad]/boom')).toEqual(['1:failed']);
      expect(statuses(rows, 'par')).toEqual(['1:succeeded']);
    });
  });

  it('condition: the first matching case wins, else otherwise, and paths carry the case key', async () => {
    const definition = workflow([
      {
        kind: 'condition',
        id: 'size',
        label: 'How big',
        cases: [
          { key: 'big', when: (scope) => Number(scope.input.n) > 10, steps: [fn('say', async () => 'big')] },
          { key: 'medium', when: (scope) => Number(scope.input.n) > 5, steps: [fn('say', async () => 'medium')] },
        ],
        else: [fn('say', async () => 'small')],
      },
    ]);
    const cases: [number, string][] = [
      [20, 'big'],
      [7, 'medium'],
      [1, 'else'],
    ];
    for (const [n, key] of cases) {
      const run = await startRun(definition, { n });
      const end = await run.execute();
      expect(end).toEqual({ status: 'succeeded', output: { size: { branch: key, say: key === 'else' ? 'small' : key } } });
      const paths = (await run.attempts()).map((r) => r.path);
      expect(paths).toEqual(['size', `size/${key}/say`]);
    }

    const none = await startRun(workflow([{ kind: 'condition', id: 'maybe', label: 'Maybe', cases: [{ key: 'yes', when: () => false, steps: [fn('x', async () => 1)] }] }]));
    expect(await none.execute()).toEqual({ status: 'succeeded', output: { maybe: { branch: 'none' } } });
  });

  describe('loop', () => {
    it('stops when until holds, with the previous iteration’s outputs in scope.vars.previous', async () => {
      const seen: unknown[] = [];
      const definition = workflow([
        {
          kind: 'loop',
          id: 'count',
          label: 'Count up',
          max: 5,
          until: (scope) => scope.get<number>('step')! >= 3,
          steps: [
            fn('step', async (scope) => {
              seen.push({ iteration: scope.iteration, previous: scope.vars.previous });
              const previous = scope.vars.previous as { step?: number };
              return (previous.step ?? 0) + 1;
            }),
          ],
        },
      ]);
      const run = await startRun(definition);
      expect(await run.execute()).toEqual({ status: 'succeeded', output: { count: { iterations: 3, last: { step: 3 } } } });
      expect(seen).toEqual([
        { iteration: 0, previous: {} },
        { iteration: 1, previous: { step: 1 } },
        { iteration: 2, previous: { step: 2 } },
      ]);
      expect((await run.attempts()).map((r) => r.path)).toEqual(['count', 'count#1/step', 'count#2/step', 'count#3/step']);
    });

    it('never runs more than max iterations', async () => {
      let calls = 0;
      const run = await startRun(
        workflow([{ kind: 'loop', id: 'forever', label: 'Forever', max: 4, until: () => false, steps: [fn('tick', async (scope) => ((calls += 1), scope.iteration))] }]),
      );
      expect(await run.execute()).toEqual({ status: 'succeeded', output: { forever: { iterations: 4, last: { tick: 3 } } } });
      expect(calls).toBe(4);
      const paths = (await run.attempts()).map((r) => r.path);
      expect(paths).toContain('forever#4/tick');
      expect(paths).not.toContain('forever#5/tick');
    });
  });

  it('router: picks the route by key; an unknown key fails listing the routes', async () => {
    const definition = workflow([
      {
        kind: 'router',
        id: 'route',
        label: 'Route',
        route: (scope) => String(scope.input.to),
        routes: { alpha: [fn('a', async () => 'went alpha')], beta: [fn('b', async () => 'went beta')] },
      },
    ]);
    const beta = await startRun(definition, { to: 'beta' });
    expect(await beta.execute()).toEqual({ status: 'succeeded', output: { route: { route: 'beta', b: 'went beta' } } });
    expect((await beta.attempts()).map((r) => r.path)).toEqual(['route', 'route>beta/b']);

    const unknown = await startRun(definition, { to: 'gamma' });
    const end = await unknown.execute();
    expect(end.status).toBe('failed');
    expect(end.status === 'failed' && end.error).toBe('Route: No route "gamma"; routes are alpha, beta.');
  });

  describe('journaled effects', () => {
    async function effectRows(note: string) {
      return h.db.query<{ id: number }>('SELECT id FROM test_effects WHERE note = $1', [note]);
    }

    it('replays now(), id() and effect() when an interrupted attempt carries on', async () => {
      const note = `crash-${randomUUID()}`;
      let work = 0;
      let passes = 0;
      const controller = new AbortController();
      const seen: { now: string; id: string; effect: unknown }[] = [];
      const definition = workflow([
        fn('act', async (_scope, fx) => {
          passes += 1;
          const now = await fx.now();
          const id = await fx.id();
          const effect = await fx.effect('insert', async (tx) => {
            work += 1;
            const { rows } = await tx.query<{ id: number }>('INSERT INTO test_effects (note) VALUES ($1) RETURNING id', [note]);
            return { rowId: rows[0]!.id };
          });
          seen.push({ now: now.toISOString(), id, effect });
          if (passes === 1) {
            // The host stops right after the effect committed.
            controller.abort('shutdown');
            throw new Error('stopped mid-step');
          }
          return { at: now.toISOString(), id, effect };
        }),
      ]);
      const run = await startRun(definition);
      expect(await run.execute({ signal: controller.signal })).toEqual({ status: 'stopped' });
      // The attempt is left open, as after a crash.
      expect(statuses(await run.attempts(), 'act')).toEqual(['1:running']);

      await sleep(5);
      const end = await run.execute();
      expect(end.status).toBe('succeeded');
      expect(passes).toBe(2);
      expect(work).toBe(1);
      expect(await effectRows(note)).toHaveLength(1);
      expect(seen[1]).toEqual(seen[0]);
      expect(statuses(await run.attempts(), 'act')).toEqual(['1:succeeded']);
      const journal = await store.journal(run.id);
      expect(journal.map((j) => j.kind).sort()).toEqual(['clock', 'effect', 'id']);
    });

    it('a retried step finds the id and effect its earlier attempt already made', async () => {
      const note = `retry-${randomUUID()}`;
      let work = 0;
      let passes = 0;
      const ids: string[] = [];
      const definition = workflow([
        fn(
          'act',
          async (_scope, fx) => {
            passes += 1;
            ids.push(await fx.id());
            const effect = await fx.effect('insert', async (tx) => {
              work += 1;
              await tx.query('INSERT INTO test_effects (note) VALUES ($1)', [note]);
              return { made: true };
            });
            if (passes === 1) throw new Error('failed after the effect');
            return effect;
          },
          { retry: { retries: 1, backoffMs: 0 } },
        ),
      ]);
      const run = await startRun(definition);
      expect(await run.execute()).toEqual({ status: 'succeeded', output: { act: { made: true } } });
      expect(passes).toBe(2);
      expect(work).toBe(1);
      expect(await effectRows(note)).toHaveLength(1);
      expect(ids[1]).toBe(ids[0]);
      expect(statuses(await run.attempts(), 'act')).toEqual(['1:failed', '2:succeeded']);
    });
  });

  it('replays an interrupted agent step’s journaled model and tool calls instead of repeating them', async () => {
    const controller = new AbortController();
    const tool: AgentTool & { calls: number } = {
      name: 'test.lookup',
      description: 'Looks something up.',
      inputSchema: { type: 'object', properties: {}, additionalProperties: false },
      effect: 'read',
      calls: 0,
      async call() {
        tool.calls += 1;
        return { content: 'Cold brew is one to eight.' };
      },
    };
    const provider = new ScriptedProvider({
      script: [
        { toolCalls: [{ name: 'test.lookup', arguments: {} }] },
        () => {
          // The host stops while the agent is working: after this answer, before the final call.
          controller.abort('shutdown');
          return { content: 'I have what I need.' };
        },
        { content: DRAFT_JSON },
      ],
    });
    const router = h.router(provider);
    const definition = workflow([{ kind: 'agent', id: 'write', label: 'Write', agent: 'tester', task: () => 'Write a LinkedIn post about cold brew.' }]);
    const run = await startRun(definition);

    expect(await run.execute({ signal: controller.signal, router, tools: [tool] })).toEqual({ status: 'stopped' });
    expect(statuses(await run.attempts(), 'write')).toEqual(['1:running']);
    const answeredBefore = provider.calls.filter((c) => c.response).length;
    expect(answeredBefore).toBe(2);
    expect(tool.calls).toBe(1);
    expect((await store.journal(run.id)).map((j) => j.kind).sort()).toEqual(['model', 'model', 'tool']);

    const end = await run.execute({ router, tools: [tool] });
    expect(end).toEqual({ status: 'succeeded', output: { write: JSON.parse(DRAFT_JSON) } });
    // Only the final call went to the model; the first two and the tool call came from the journal.
    const answered = provider.calls.filter((c) => c.response);
    expect(answered).toHaveLength(3);
    expect(answered.filter((c) => c.request.tools?.length)).toHaveLength(2);
    expect(answered[2]!.request.responseSchema?.name).toBe('draft');
    expect(tool.calls).toBe(1);
    expect(statuses(await run.attempts(), 'write')).toEqual(['1:succeeded']);
    const modelCalls = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM model_calls WHERE workflow_run_id = $1 AND error_kind IS NULL', [run.id]);
    expect(modelCalls[0]!.n).toBe(3);
  });
});
