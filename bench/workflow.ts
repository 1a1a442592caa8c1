// The workflow engine under the daily-content workflow: 3 brands × 6 Sandbox
// platforms, the three runs started together, through the real engine on a
// PGlite data folder on disk and the real Ollama client talking to a loopback
// server that answers like a model (tests/fakes/workflowModel.ts). The model
// server runs on its own thread, as a real Ollama is its own process.
//
// 1. Engine time per step, with a model that answers at once. Approval policy
//    "flagged" with a voice threshold of 0: a clean draft is approved by the
//    policy inside the approval step's transaction, so no person is in the
//    loop (Instagram drafts, which have no image, still wait; the bench
//    decides them and takes that time out). The model calls' own cost is
//    measured by replaying the runs' requests alone and taken out too.
//    Target: < 10 ms of engine time per step, journaling included.
// 2. Parallelism, with every model call taking 200 ms. Approval policy "all":
//    each run waits for a person after its last model call. Wall time from
//    workflows.start to `waiting` is compared with the run's critical path
//    (its longest chain of sequential model calls, from the steps and calls
//    it really made) × 200 ms. Target: ≤ 1.2×.
//
// `npm run bench -- workflow`, or directly `node --import tsx bench/workflow.ts
// [engine|parallel]`. WORKFLOW_BENCH_PROFILE=<prefix> also writes a CPU profile
// and per-statement / per-transaction SQL timings of each measured window;
// WORKFLOW_BENCH_EXPERIMENT=cache-agents measures a what-if (see openBench).
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createEngine, type CreatedEngine } from '../src/main/engine';
import type { RouteName } from '../src/shared/contract';
import type { Approval, RunDetail } from '../src/shared/contract/schemas/workflows';
import type { Platform } from '../src/shared/platforms';
import type { WorkflowsModule } from '../src/main/engine/workflows/workflowsModule';
import type { AgentDefinition } from '../src/main/engine/agents/agentLoader';
import type { AgentsModule } from '../src/main/engine/agents/agentsModule';
import { OllamaProvider } from '../src/main/engine/llm/OllamaProvider';
import type { ChatMessage, ChatRequest } from '../src/main/engine/llm/ModelProvider';
import { MemorySecretStore } from '../tests/fakes/MemorySecretStore';
import { freshDataDir } from '../tests/fakes/tempDir';
import { percentile, round } from './stats';
import { criticalPath } from './workflowCriticalPath';

/**
 * WORKFLOW_BENCH_EXPERIMENT: what-ifs for a proposed engine change, measured
 * without changing the engine (comma-separated): `cache-agents` reads the agent
 * definitions once instead of on every agent step (openBench); `yield-writes`
 * lets the event loop turn before each write transaction (instrument).
 */
const EXPERIMENT = process.env.WORKFLOW_BENCH_EXPERIMENT || null;
const experiments = new Set((EXPERIMENT ?? '').split(',').filter(Boolean));
const BRANDS = ['Fjord Coffee', 'Harbour Bakery', 'Northern Cycles'];
const PLATFORMS: Platform[] = ['x', 'linkedin', 'instagram', 'facebook', 'bluesky', 'mastodon'];
const LEAF_KINDS = new Set(['agent', 'team', 'function', 'approval']);

/** A day well ahead, so the scripted times are always in the future. */
const PLAN_DAY = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);

interface DbCounters {
  writes: number;
  /** Time inside write transactions (BEGIN … COMMIT), ms; writes are serialised, so these never overlap. */
  writeMs: number;
  reads: number;
  readMs: number;
}

interface ModelServer {
  url: string;
  /** Requests the server has had so far. */
  requestCount(): Promise<number>;
  /** The /api/chat bodies from request number `from` on. */
  chatBodies(from: number): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * The scripted model (tests/fakes/FakeOllamaServer + workflowModel) on its own
 * thread, as a real Ollama is its own process: its latency timers and its
 * JSON run whatever the engine's event loop is doing, and its CPU is not
 * counted as the engine's.
 */
async function startModelServer(latencyMs: number): Promise<ModelServer> {
  const here = fileURLToPath(import.meta.url);
  const modules = {
    tsx: import.meta.resolve('tsx/esm/api'),
    server: pathToFileURL(join(here, '../../tests/fakes/FakeOllamaServer.ts')).href,
    model: pathToFileURL(join(here, '../../tests/fakes/workflowModel.ts')).href,
  };
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     (async () => {
       (await import(workerData.modules.tsx)).register();
       const { FakeOllamaServer } = await import(workerData.modules.server);
       const { workflowReply } = await import(workerData.modules.model);
       const server = new FakeOllamaServer({ respond: workflowReply, latencyMs: workerData.latencyMs });
       const url = await server.start();
       parentPort.on('message', async (m) => {
         if (m.kind === 'count') parentPort.postMessage({ id: m.id, value: server.requests.length });
         if (m.kind === 'bodies') parentPort.postMessage({ id: m.id, value: server.requests.slice(m.from).filter((r) => r.path === '/api/chat').map((r) => r.body) });
         if (m.kind === 'close') { await server.close(); parentPort.postMessage({ id: m.id, value: null }); }
       });
       parentPort.postMessage({ id: 0, value: url });
     })().catch((error) => parentPort.postMessage({ id: -1, value: String(error && error.stack || error) }));`,
    { eval: true, workerData: { modules, latencyMs } },
  );
  const pending = new Map<number, (value: unknown) => void>();
  let ready!: (url: string) => void;
  let failed!: (error: Error) => void;
  const started = new Promise<string>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  worker.on('message', (m: { id: number; value: unknown }) => {
    if (m.id === -1) failed(new Error(`model server thread: ${String(m.value)}`));
    else if (m.id === 0) ready(String(m.value));
    else {
      pending.get(m.id)?.(m.value);
      pending.delete(m.id);
    }
  });
  worker.on('error', (error) => failed(error));
  let next = 1;
  const ask = <T>(message: Record<string, unknown>) =>
    new Promise<T>((resolve) => {
      const id = next++;
      pending.set(id, resolve as (value: unknown) => void);
      worker.postMessage({ ...message, id });
    });
  const url = await started;
  return {
    url,
    requestCount: () => ask<number>({ kind: 'count' }),
    chatBodies: (from) => ask<Record<string, unknown>[]>({ kind: 'bodies', from }),
    async close() {
      await ask({ kind: 'close' });
      await worker.terminate();
    },
  };
}

interface Bench {
  engine: CreatedEngine;
  model: ModelServer;
  brands: string[];
  db: DbCounters;
  call<T>(route: RouteName, input: unknown): Promise<T>;
  workflows: WorkflowsModule;
  close(): Promise<void>;
}

/** With WORKFLOW_BENCH_PROFILE set: time per SQL statement (its first 90 characters), for the profile report. */
const statements = process.env.WORKFLOW_BENCH_PROFILE ? new Map<string, { n: number; ms: number }>() : null;
/** Likewise per write transaction, keyed by the statements it ran. */
const transactions = process.env.WORKFLOW_BENCH_PROFILE ? new Map<string, { n: number; ms: number }>() : null;

/**
 * Counts and times the database work without touching the engine: the
 * Database's PGlite handle is wrapped after start-up (every write goes through
 * `pg.transaction`, every read outside a transaction through `pg.query`).
 */
function instrument(engine: CreatedEngine): DbCounters {
  const counters: DbCounters = { writes: 0, writeMs: 0, reads: 0, readMs: 0 };
  type Query = (sql: string, ...rest: unknown[]) => Promise<unknown>;
  const pg = (engine.services().db as unknown as { pg: { transaction: (work: (tx: { query: Query }) => Promise<unknown>) => Promise<unknown>; query: Query } }).pg;
  const transaction = pg.transaction.bind(pg);
  const query = pg.query.bind(pg);
  const timed = (run: Query): Query =>
    statements
      ? async (sql, ...rest) => {
          const t = performance.now();
          try {
            return await run(sql, ...rest);
          } finally {
            const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
            const s = statements.get(key) ?? { n: 0, ms: 0 };
            s.n += 1;
            s.ms += performance.now() - t;
            statements.set(key, s);
          }
        }
      : run;
  pg.transaction = async (work) => {
    if (experiments.has('yield-writes')) await new Promise((resolve) => setImmediate(resolve));
    const t = performance.now();
    const shape: string[] = [];
    try {
      return await transaction((tx) => {
        if (statements) {
          const query = timed(tx.query.bind(tx));
          tx.query = (sql, ...rest) => {
            shape.push(sql.replace(/\s+/g, ' ').trim().slice(0, 40));
            return query(sql, ...rest);
          };
        }
        return work(tx);
      });
    } finally {
      const ms = performance.now() - t;
      counters.writes += 1;
      counters.writeMs += ms;
      if (transactions) {
        const key = shape.join(' ; ');
        const s = transactions.get(key) ?? { n: 0, ms: 0 };
        s.n += 1;
        s.ms += ms;
        transactions.set(key, s);
      }
    }
  };
  const read = timed(query);
  pg.query = async (...args) => {
    const t = performance.now();
    try {
      return await read(...args);
    } finally {
      counters.reads += 1;
      counters.readMs += performance.now() - t;
    }
  };
  return counters;
}

async function openBench(latencyMs: number, approval: { mode: 'all' | 'flagged'; minVoiceScore: number }): Promise<Bench> {
  const dir = await freshDataDir();
  const model = await startModelServer(latencyMs);
  const url = model.url;
  writeFileSync(join(dir.path, 'settings.json'), JSON.stringify({ ollamaUrl: url, ollamaModel: 'llama3.2', modelFallbackOrder: ['ollama'] }));
  const engine = createEngine({ dataDir: dir.path, host: 'cli', secrets: new MemorySecretStore(), log: () => undefined });
  await engine.start();
  const call = async <T>(route: RouteName, input: unknown): Promise<T> => {
    const result = await engine.call(route, input as never);
    if (!result.ok) throw new Error(`${route}: ${result.error.code}: ${result.error.message}`);
    return result.data as T;
  };
  const brands: string[] = [];
  for (const name of BRANDS) {
    const brand = await call<{ id: string }>('brands.create', {
      name,
      description: `${name}, a small local business.`,
      voice: 'Warm, plain-spoken, a little dry humour.',
      contentPillars: ['brewing guides', 'sourcing'],
      timezone: 'Europe/Oslo',
    });
    for (const platform of PLATFORMS) await call('accounts.connectSandbox', { brandId: brand.id, platform });
    await call('workflows.updateSettings', { brandId: brand.id, approval });
    brands.push(brand.id);
  }
  if (experiments.has('cache-agents')) {
    // What-if, not the engine as shipped: agent definitions read once instead of on every agent step.
    const agents = engine.module<AgentsModule>('agents');
    const definitions = agents.definitions();
    (agents as { definitions: () => AgentDefinition[] }).definitions = () => definitions;
  }
  return {
    engine,
    model,
    brands,
    db: instrument(engine),
    call,
    workflows: engine.module<WorkflowsModule>('workflows'),
    async close() {
      await engine.stop();
      await model.close();
      dir.cleanup();
    },
  };
}

interface RunFacts {
  attempts: { path: string; kind: string; status: string; duration_ms: number | null }[];
  calls: { step: string; latencyMs: number }[];
  journalRows: number;
  events: number;
  /** Approval steps that waited for a person. */
  waitedPaths: string[];
}

async function facts(bench: Bench, runId: string): Promise<RunFacts> {
  const { db } = bench.engine.services();
  const attempts = await db.query<RunFacts['attempts'][number]>('SELECT path, kind, status, duration_ms FROM workflow_step_attempts WHERE run_id = $1 ORDER BY id', [runId]);
  const calls = (
    await db.query<{ step: string; latency_ms: number }>('SELECT workflow_step AS step, latency_ms FROM model_calls WHERE workflow_run_id = $1 ORDER BY created_at', [runId])
  ).map((c) => ({ step: c.step, latencyMs: Number(c.latency_ms) }));
  const [journal] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM workflow_journal WHERE run_id = $1', [runId]);
  const [events] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM workflow_events WHERE run_id = $1', [runId]);
  const waited = await db.query<{ path: string }>(`SELECT a.path FROM approvals a WHERE a.run_id = $1 AND EXISTS (SELECT 1 FROM approval_decisions d WHERE d.approval_id = a.id AND d.actor <> 'policy')`, [runId]);
  return { attempts, calls, journalRows: journal?.n ?? 0, events: events?.n ?? 0, waitedPaths: waited.map((w) => w.path) };
}

const dist = (samples: number[]) => ({
  n: samples.length,
  p50: round(percentile(samples, 50)),
  p95: round(percentile(samples, 95)),
  max: round(Math.max(...samples)),
  mean: round(samples.reduce((a, b) => a + b, 0) / samples.length),
});

const start = (bench: Bench, brandId: string) =>
  bench.call<{ runId: string }>('workflows.start', { workflowId: 'daily-content', brandId, input: { date: PLAN_DAY }, trigger: 'cli' }).then((r) => r.runId);

async function settle(bench: Bench, runId: string): Promise<RunDetail> {
  await bench.workflows.settled(runId);
  return bench.call<RunDetail>('runs.get', { id: runId });
}

/** Approves what can be approved; a draft the rules refuse is rejected instead (it stays a draft). */
async function decideAll(bench: Bench, brandId: string): Promise<{ approved: number; rejected: number; why: string[] }> {
  const pending = await bench.call<Approval[]>('approvals.list', { brandId, status: 'pending' });
  if (!pending.length) return { approved: 0, rejected: 0, why: [] };
  const why = [...new Set(pending.flatMap((a) => a.problems.map((p) => `${a.draft.platform}: ${p.message}`)))];
  const result = await bench.call<{ approved: Approval[]; refused: { id: string }[] }>('approvals.approveMany', { ids: pending.map((a) => a.id), via: 'cli' });
  for (const refused of result.refused) await bench.call('approvals.reject', { id: refused.id, comment: 'Refused by the platform rules (bench).', via: 'cli' });
  return { approved: result.approved.length, rejected: result.refused.length, why };
}

/**
 * With WORKFLOW_BENCH_PROFILE=<file prefix>, a CPU profile of the measured
 * window only (not start-up, warm-up or clean-up): <prefix>-<label>.cpuprofile.
 */
async function profiler(label: string): Promise<() => Promise<void>> {
  const prefix = process.env.WORKFLOW_BENCH_PROFILE;
  if (!prefix) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  statements?.clear();
  transactions?.clear();
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${prefix}-${label}.cpuprofile`, JSON.stringify(profile));
    const sql = [...(statements ?? new Map<string, { n: number; ms: number }>())].sort((a, b) => b[1].ms - a[1].ms).map(([statement, s]) => ({ statement, n: s.n, ms: round(s.ms), each: round(s.ms / s.n, 3) }));
    const txns = [...(transactions ?? new Map<string, { n: number; ms: number }>())].sort((a, b) => b[1].ms - a[1].ms).map(([shape, s]) => ({ shape, n: s.n, ms: round(s.ms), each: round(s.ms / s.n, 3) }));
    writeFileSync(`${prefix}-${label}-sql.json`, JSON.stringify({ statements: sql, transactions: txns }, null, 2));
    statements?.clear();
    transactions?.clear();
    session.disconnect();
  };
}

// ── the model's share, for subtraction ─────────────────────────────────────────

interface WireMessage {
  role: string;
  content: string;
  tool_name?: string;
  tool_calls?: { function: { name: string; arguments: Record<string, unknown> } }[];
}

/** An Ollama /api/chat body as the provider-level request that produced it. */
function chatRequestOf(body: Record<string, unknown>): ChatRequest {
  const messages: ChatMessage[] = ((body.messages as WireMessage[]) ?? []).map((m): ChatMessage => {
    if (m.role === 'tool') return { role: 'tool', content: m.content, toolName: m.tool_name ?? '', toolCallId: 'replay' };
    if (m.role === 'assistant') {
      const toolCalls = (m.tool_calls ?? []).map((tc, i) => ({ id: `replay_${i}`, name: tc.function.name, arguments: tc.function.arguments }));
      return { role: 'assistant', content: m.content, ...(toolCalls.length ? { toolCalls } : {}) };
    }
    return { role: m.role === 'system' ? 'system' : 'user', content: m.content };
  });
  const tools = ((body.tools as { function: { name: string; description?: string; parameters?: Record<string, unknown> } }[] | undefined) ?? []).map((t) => ({
    name: t.function.name,
    description: t.function.description ?? '',
    parameters: t.function.parameters ?? {},
  }));
  const numCtx = (body.options as { num_ctx?: number } | undefined)?.num_ctx;
  return {
    model: String(body.model),
    messages,
    ...(tools.length ? { tools } : {}),
    ...(body.format ? { responseSchema: { name: 'replay', schema: body.format as Record<string, unknown> } } : {}),
    ...(numCtx ? { contextWindow: numCtx } : {}),
  };
}

/**
 * What the model calls themselves cost: the exact requests the runs sent,
 * replayed one at a time (nothing else running) through the same Ollama
 * provider and model server. The main thread's share is the client side
 * (request, response JSON, the provider's parsing); the server's work is on
 * its own thread. The main thread is CPU-bound during the runs, so its time
 * adds up whatever the overlap was.
 */
async function modelCost(bench: Bench, bodies: Record<string, unknown>[]): Promise<{ calls: number; wallMs: number; cpuMs: number; mainThreadOnCpuMs: number | null }> {
  const provider = new OllamaProvider({ host: () => bench.model.url });
  await provider.modelInfo('llama3.2');
  for (const body of bodies.slice(0, 20)) await provider.chat(chatRequestOf(body));
  const sched0 = schedstat();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const body of bodies) await provider.chat(chatRequestOf(body));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { calls: bodies.length, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, mainThreadOnCpuMs: schedSince(sched0)?.mainThreadOnCpuMs ?? null };
}

/**
 * The main thread's time on a CPU and time ready to run but waiting for one
 * (Linux /proc/self/schedstat, ns), to tell this process's work from other
 * load on the machine. Null where it is not available.
 */
function schedstat(): { onCpuMs: number; runQueueMs: number } | null {
  try {
    const [onCpu, waiting] = readFileSync('/proc/self/schedstat', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isFinite(onCpu) && Number.isFinite(waiting) ? { onCpuMs: onCpu! / 1e6, runQueueMs: waiting! / 1e6 } : null;
  } catch {
    return null;
  }
}

const schedSince = (before: ReturnType<typeof schedstat>) => {
  const now = schedstat();
  return before && now ? { mainThreadOnCpuMs: round(now.onCpuMs - before.onCpuMs), mainThreadRunQueueMs: round(now.runQueueMs - before.runQueueMs) } : null;
};

const cpuMs = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};

// ── 1. engine time per step, zero-latency model ───────────────────────────────

async function engineTime() {
  const bench = await openBench(0, { mode: 'flagged', minVoiceScore: 0 });
  try {
    // Warm-up: one run (not measured) so module loading, JIT and the model's /api/show cache are not counted.
    const warm = await start(bench, bench.brands[0]!);
    if ((await settle(bench, warm)).status === 'waiting') await decideAll(bench, bench.brands[0]!);
    const warmed = await settle(bench, warm);
    if (warmed.status !== 'succeeded') throw new Error(`warm-up run ended ${warmed.status}: ${warmed.error}`);

    const before = { ...bench.db };
    const firstRequest = await bench.model.requestCount();
    const load = loadavg()[0]!;
    const stopProfile = await profiler('engine');
    const sched0 = schedstat();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const runIds = await Promise.all(bench.brands.map((b) => start(bench, b)));
    let details = await Promise.all(runIds.map((id) => settle(bench, id)));
    const untilPersonMs = performance.now() - t0;
    // A draft the policy cannot approve (a rule problem, e.g. an Instagram post with no image) still waits for a
    // person. The bench decides those at once; the decisions are the person's time and are taken out.
    const waiting = details.filter((d) => d.status === 'waiting');
    const decisions = { approved: 0, rejected: 0, ms: 0, cpuMs: 0, mainThreadOnCpuMs: 0, runsThatWaited: waiting.length, why: [] as string[] };
    if (waiting.length) {
      const s1 = schedstat();
      const c1 = process.cpuUsage();
      const t1 = performance.now();
      for (const d of waiting) {
        const r = await decideAll(bench, d.brandId);
        decisions.approved += r.approved;
        decisions.rejected += r.rejected;
        decisions.why.push(...r.why.filter((w) => !decisions.why.includes(w)));
      }
      decisions.ms = performance.now() - t1;
      decisions.cpuMs = cpuMs(c1);
      decisions.mainThreadOnCpuMs = schedSince(s1)?.mainThreadOnCpuMs ?? 0;
      details = await Promise.all(runIds.map((id) => settle(bench, id)));
    }
    const wallMs = performance.now() - t0;
    const runCpuMs = cpuMs(cpu0);
    const sched = schedSince(sched0);
    await stopProfile();
    const bad = details.find((d) => d.status !== 'succeeded');
    if (bad) throw new Error(`run ${bad.id} ended ${bad.status}: ${bad.error}`);
    const db = { writes: bench.db.writes - before.writes, writeMs: bench.db.writeMs - before.writeMs, reads: bench.db.reads - before.reads, readMs: bench.db.readMs - before.readMs };
    const bodies = await bench.model.chatBodies(firstRequest);
    const model = await modelCost(bench, bodies);

    const all = await Promise.all(runIds.map((id) => facts(bench, id)));
    const attempts = all.flatMap((f) => f.attempts);
    const calls = all.flatMap((f) => f.calls);
    const steps = attempts.length;
    const engineWallMs = wallMs - decisions.ms - model.wallMs;
    const engineCpuMs = runCpuMs - decisions.cpuMs - model.cpuMs;
    // On an idle machine the main thread never waits (PGlite's file I/O is synchronous, fsync is off), so its time
    // on a CPU is the wall time the runs would take there; on a loaded one, the wall time includes waiting for a CPU.
    const engineMainMs = sched && model.mainThreadOnCpuMs !== null ? sched.mainThreadOnCpuMs - decisions.mainThreadOnCpuMs - model.mainThreadOnCpuMs : null;
    const engineMs = engineMainMs ?? engineWallMs;
    // Per leaf step: its attempt's duration less the latency_ms of its own model calls. An approval that waited
    // for a person is left out (its duration is the person's); composite steps only wrap their children.
    const overheads: Record<string, number[]> = {};
    for (const f of all) {
      const modelMs = new Map<string, number>();
      for (const c of f.calls) modelMs.set(c.step, (modelMs.get(c.step) ?? 0) + c.latencyMs);
      const personal = new Set(f.waitedPaths);
      for (const a of f.attempts) {
        if (!LEAF_KINDS.has(a.kind) || a.duration_ms === null || personal.has(a.path)) continue;
        (overheads[a.kind] ??= []).push(Math.max(0, a.duration_ms - (modelMs.get(a.path) ?? 0)));
      }
    }
    const perStep = engineMs / steps;
    return {
      workflowEngineStepMs: {
        scenario: `daily-content for ${bench.brands.length} brands × ${PLATFORMS.length} platforms (${PLATFORMS.join(', ')}), the ${bench.brands.length} runs started together; model latency 0 ms`,
        runs: runIds.length,
        steps,
        leafSteps: attempts.filter((a) => LEAF_KINDS.has(a.kind)).length,
        stepsByKind: Object.fromEntries([...new Set(attempts.map((a) => a.kind))].map((k) => [k, attempts.filter((a) => a.kind === k).length])),
        modelCalls: calls.length,
        journalRows: all.reduce((n, f) => n + f.journalRows, 0),
        events: all.reduce((n, f) => n + f.events, 0),
        dbWrites: db.writes,
        dbWriteMs: round(db.writeMs),
        dbReads: db.reads,
        dbReadMs: round(db.readMs),
        wallMs: round(wallMs),
        untilPersonMs: round(untilPersonMs),
        decisions: { ...decisions, ms: round(decisions.ms), cpuMs: round(decisions.cpuMs), mainThreadOnCpuMs: round(decisions.mainThreadOnCpuMs) },
        modelReplay: {
          calls: model.calls,
          wallMs: round(model.wallMs),
          cpuMs: round(model.cpuMs),
          mainThreadOnCpuMs: model.mainThreadOnCpuMs === null ? null : round(model.mainThreadOnCpuMs),
          msPerCall: round(model.wallMs / model.calls),
        },
        engineMs: round(engineMs),
        engineMsPerStep: round(perStep),
        engineMsPerStepBasis: engineMainMs === null ? 'wall time' : 'main-thread CPU time',
        engineWallMsPerStep: round(engineWallMs / steps),
        engineProcessCpuMsPerStep: round(engineCpuMs / steps),
        writesPerStep: round(db.writes / steps, 1),
        dbWriteMsPerStep: round(db.writeMs / steps),
        perLeafStepOverheadMs: dist(Object.values(overheads).flat()),
        perLeafStepOverheadMsByKind: Object.fromEntries(Object.entries(overheads).map(([k, v]) => [k, dist(v)])),
        modelCallLatencyMs: dist(calls.map((c) => c.latencyMs)),
        loadAverageAtStart: round(load),
        scheduler: sched,
        ...(EXPERIMENT ? { experiment: EXPERIMENT } : {}),
        targetMs: 10,
        met: perStep < 10,
        notes: [
          'engineMsPerStep = the engine’s main-thread CPU time / step attempts: the main thread’s time on a CPU (/proc/self/schedstat) from starting the 3 runs to all 3 succeeded, less the same for the decisions a person had to make (resumed walks overlapping them are in that too, so this errs low by at most decisions.mainThreadOnCpuMs) and for modelReplay. The main thread never idles here (PGlite’s file I/O is synchronous, fsync off), so on an idle machine this is the wall time; where schedstat is missing it falls back to engineWallMsPerStep. Every step kind counts (each writes a start row and a finish row, each with an event).',
          'engineWallMsPerStep: the same from wall times (wall − decisions − modelReplay.wallMs); it includes the time the main thread waited for a CPU other processes had (scheduler.mainThreadRunQueueMs). engineProcessCpuMsPerStep: from process CPU time (all threads, GC helpers included).',
          'modelReplay: the exact /api/chat requests of the measured runs replayed one at a time afterwards through the same Ollama provider and loopback server: the model calls’ own cost (HTTP, JSON, provider parsing) with nothing else running. The process is single-threaded and CPU-bound here, so engine and model time add up to the wall time whatever the overlap.',
          'Approval policy "flagged" with minVoiceScore 0: a clean draft is approved by the policy inside the approval step’s transaction (approval row, post, decision row), so approvals are engine work. A draft with a rule problem still waits for a person; the bench decides it (decisions; rejected when the rules refuse approval) and that time is taken out.',
          'perLeafStepOverheadMs (as asked): per agent/function/approval attempt, duration_ms − latency_ms of its model calls (integer ms). With 18 branches in flight a step waits for the others’ writes (one serial write queue) and latency_ms itself includes event-loop delay (see modelCallLatencyMs for a model that answers in 0 ms), so this is the steps’ wall-clock overhead under contention, not their own cost.',
          'dbWriteMs: time inside write transactions (BEGIN…COMMIT); writes are serialised, so dbWriteMs / wallMs is the write queue’s utilisation.',
          'One warm-up run (not counted) precedes the measured runs. Other work on the machine skews wall times: loadAverageAtStart, and scheduler.mainThreadRunQueueMs is how long the main thread was ready to run but waiting for a CPU (/proc/self/schedstat).',
        ],
      },
    };
  } finally {
    await bench.close();
  }
}

// ── 2. parallel branches, 200 ms model ────────────────────────────────────────

/** One round: the brands' runs started together, each approved as soon as it waits. */
async function latencyRound(bench: Bench, latencyMs: number, label: string) {
  const load = loadavg()[0]!;
  const before = { ...bench.db };
  const stopProfile = await profiler(label);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const sched0 = schedstat();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const runIds = await Promise.all(bench.brands.map((b) => start(bench, b)));
  let allWaitingCpuMs = 0;
  let allWaitingLoopDelay: { p50: number; p99: number; max: number } | null = null;
  let allWaitingSched: ReturnType<typeof schedSince> = null;
  let waitingCount = 0;
  const perRun = await Promise.all(
    runIds.map(async (runId, i) => {
      const waiting = await settle(bench, runId);
      const waitingAt = performance.now();
      if (++waitingCount === runIds.length) {
        allWaitingCpuMs = cpuMs(cpu0);
        allWaitingSched = schedSince(sched0);
        loopDelay.disable();
        allWaitingLoopDelay = { p50: round(loopDelay.percentile(50) / 1e6), p99: round(loopDelay.percentile(99) / 1e6), max: round(loopDelay.max / 1e6) };
      }
      if (waiting.status !== 'waiting') throw new Error(`run ${runId} ended ${waiting.status}: ${waiting.error}`);
      const decided = await decideAll(bench, bench.brands[i]!);
      const decidedAt = performance.now();
      const done = await settle(bench, runId);
      const doneAt = performance.now();
      if (done.status !== 'succeeded') throw new Error(`run ${runId} ended ${done.status}: ${done.error}`);
      return { runId, waitingAt, decidedAt, doneAt, decided };
    }),
  );
  await stopProfile();
  const db = { writes: bench.db.writes - before.writes, writeMs: bench.db.writeMs - before.writeMs };
  const runs = await Promise.all(
    perRun.map(async (r) => {
      const f = await facts(bench, r.runId);
      const path = criticalPath(f.attempts, f.calls, 'calls');
      const startToWaitingMs = r.waitingAt - t0;
      const criticalPathMs = path.calls * latencyMs;
      return {
        startToWaitingMs: round(startToWaitingMs),
        criticalPathCalls: path.calls,
        criticalPathMs,
        ratio: round(startToWaitingMs / criticalPathMs, 3),
        criticalPathMeasuredLatencyMs: round(path.latencyMs),
        lostInsideCallsOnPathMs: round(path.latencyMs - criticalPathMs),
        lostBetweenCallsOnPathMs: round(startToWaitingMs - path.latencyMs),
        steps: f.attempts.length,
        modelCalls: f.calls.length,
        allCallsInSequenceMs: f.calls.length * latencyMs,
        decisionMs: round(r.decidedAt - r.waitingAt),
        approvalToSucceededMs: round(r.doneAt - r.waitingAt),
        afterDecisionToSucceededMs: round(r.doneAt - r.decidedAt),
        decided: { approved: r.decided.approved, rejected: r.decided.rejected },
        criticalPath: path.steps.map((s) => `${s.path} ×${s.calls}`),
      };
    }),
  );
  const allWaitingMs = Math.max(...perRun.map((r) => r.waitingAt)) - t0;
  const criticalMs = Math.max(...runs.map((r) => r.criticalPathMs));
  return {
    runs,
    worstRunRatio: Math.max(...runs.map((r) => r.ratio)),
    batch: {
      startToAllWaitingMs: round(allWaitingMs),
      criticalPathMs: criticalMs,
      ratio: round(allWaitingMs / criticalMs, 3),
      modelCalls: runs.reduce((n, r) => n + r.modelCalls, 0),
      steps: runs.reduce((n, r) => n + r.steps, 0),
      cpuMsUntilAllWaiting: round(allWaitingCpuMs),
      cpuBusyUntilAllWaiting: round(allWaitingCpuMs / allWaitingMs, 2),
      schedulerUntilAllWaiting: allWaitingSched as ReturnType<typeof schedSince>,
      eventLoopDelayUntilAllWaitingMs: allWaitingLoopDelay as { p50: number; p99: number; max: number } | null,
      dbWrites: db.writes,
      dbWriteMs: round(db.writeMs),
      startToAllSucceededMs: round(Math.max(...perRun.map((r) => r.doneAt)) - t0),
      loadAverageAtStart: round(load),
    },
  };
}

async function parallelism(latencyMs = 200, rounds = 3) {
  const bench = await openBench(latencyMs, { mode: 'all', minVoiceScore: 70 });
  try {
    const results: Awaited<ReturnType<typeof latencyRound>>[] = [];
    for (let i = 0; i < rounds; i++) results.push(await latencyRound(bench, latencyMs, `parallel-${i + 1}`));
    // The round with the median worst-run ratio is reported in full; the others in brief.
    const median = [...results].sort((a, b) => a.worstRunRatio - b.worstRunRatio)[Math.floor(results.length / 2)]!;
    return {
      workflowParallelism: {
        scenario: `daily-content for ${bench.brands.length} brands × ${PLATFORMS.length} platforms, the ${bench.brands.length} runs started together; every model call takes ${latencyMs} ms; ${rounds} rounds, the median one in full`,
        modelLatencyMs: latencyMs,
        runs: median.runs.map(({ criticalPath: _path, ...rest }) => rest),
        criticalPath: median.runs[0]?.criticalPath,
        batch: median.batch,
        rounds: results.map((r) => ({
          worstRunRatio: r.worstRunRatio,
          runRatios: r.runs.map((x) => x.ratio),
          startToAllWaitingMs: r.batch.startToAllWaitingMs,
          cpuBusyUntilAllWaiting: r.batch.cpuBusyUntilAllWaiting,
          mainThreadRunQueueMs: r.batch.schedulerUntilAllWaiting?.mainThreadRunQueueMs ?? null,
          eventLoopDelayMaxMs: r.batch.eventLoopDelayUntilAllWaitingMs?.max ?? null,
          loadAverageAtStart: r.batch.loadAverageAtStart,
        })),
        worstRunRatio: median.worstRunRatio,
        ...(EXPERIMENT ? { experiment: EXPERIMENT } : {}),
        target: 1.2,
        met: median.worstRunRatio <= 1.2 && median.batch.ratio <= 1.2,
        notes: [
          'ratio = wall time from workflows.start (the 3 runs started together) to the run being `waiting` for its approvals / (model calls on the run’s critical path × model latency). Every model call of a run happens before it waits. met: the median round’s worst run ≤ 1.2.',
          'The critical path is rebuilt from the run’s step attempts and model_calls rows as it executed: sequential steps add their model calls, a parallel step counts its longest branch (bench/workflowCriticalPath.ts).',
          'criticalPathMeasuredLatencyMs: the same path timed by model_calls.latency_ms. lostInsideCallsOnPathMs (measured − nominal) is time the path’s answers waited for a busy event loop; lostBetweenCallsOnPathMs (wall − measured) is engine work and queueing between the path’s calls.',
          'Approval policy "all": every draft waits for a person. The bench approves them (approvals.approveMany) as soon as a run waits; a draft the rules refuse is rejected. decisionMs is that, approvalToSucceededMs runs from `waiting` to `succeeded` (no model calls), afterDecisionToSucceededMs from the last decision.',
          'eventLoopDelayUntilAllWaitingMs: how late the event loop ran a 5 ms timer (perf_hooks.monitorEventLoopDelay): the longest stretch in which no I/O, e.g. a model’s answer, could be handled.',
          'cpuBusyUntilAllWaiting: process CPU time / wall time until the last run waits (1.0 = one core saturated). schedulerUntilAllWaiting: the main thread’s time on a CPU, and time runnable but waiting for a CPU other processes had (/proc/self/schedstat).',
        ],
      },
    };
  } finally {
    await bench.close();
  }
}

export async function benchWorkflow() {
  return { ...(await engineTime()), ...(await parallelism()) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const which = process.argv[2];
  const result = which === 'engine' ? await engineTime() : which === 'parallel' ? await parallelism() : await benchWorkflow();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
