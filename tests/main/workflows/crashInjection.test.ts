// Crash injection: a daily content run on a real `chorus serve`, SIGKILLed by
// itself right after its Nth journaled effect (CHORUS_TEST_KILL_AFTER_EFFECT),
// for N = 1, 2, 3… until a run finishes without reaching N, so every effect of
// the run is a crash point. After each kill the host is started again on the
// same folder; the run must carry on to the same final state as an
// uninterrupted run, record every model call once, and schedule nothing twice.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/main/engine';
import { Database } from '../../../src/main/engine/db/Database';
import { RemoteClient } from '../../../src/main/server/RemoteClient';
import type { RunDetail } from '../../../src/shared/contract/schemas/workflows';
import { startServe, type ServeProcess } from '../../fakes/cliProcess';
import { FakeOllamaServer } from '../../fakes/FakeOllamaServer';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { freshDataDir } from '../../fakes/tempDir';
import { workflowReply } from '../../fakes/workflowModel';
import { PLAN_DAY } from './harness';

const TOKEN = 'crash-injection-test-token-0123456789';
/** LinkedIn (specialist, a voice rewrite) and Bluesky (formatted by rules) in parallel. */
const PLATFORMS = ['linkedin', 'bluesky'] as const;
/** Agent steps that can be mid-call at once (2 platforms × text and visual): the most calls a kill can cut off. */
const MAX_IN_FLIGHT = 4;
const CONCURRENT_SCENARIOS = 3;

let template: string;
let brandId: string;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  const dir = await freshDataDir();
  cleanups.push(dir.cleanup);
  const engine = createEngine({ dataDir: dir.path, host: 'cli', secrets: new MemorySecretStore(), log: () => undefined });
  await engine.start();
  const brand = await engine.call('brands.create', { name: 'Fjord Coffee', voice: 'Warm and plain-spoken.', timezone: 'Europe/Oslo' });
  if (!brand.ok) throw new Error(brand.error.message);
  brandId = (brand.data as { id: string }).id;
  for (const platform of PLATFORMS) {
    const account = await engine.call('accounts.connectSandbox', { brandId, platform });
    if (!account.ok) throw new Error(account.error.message);
  }
  await engine.stop();
  template = dir.path;
}, 60_000);

afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});

interface Snapshot {
  run: { status: string; output: unknown };
  posts: Record<string, { status: string; text: string; scheduledAt: string | null; events: string[]; jobs: number }>;
  approvals: Record<string, { status: string; comment: string; decisions: string[] }>;
  steps: Record<string, { status: string; attempt: number }>;
  postCount: number;
  modelCalls: number;
  journal: Record<string, number>;
}

interface Outcome {
  crashed: boolean;
  chatRequests: number;
  snapshot: Snapshot;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(host: ServeProcess): Promise<RemoteClient> {
  const base = host.info.url.split('/#')[0]!;
  return RemoteClient.connect(`${base.replace(/^http/, 'ws')}/ws`, TOKEN);
}

/** One run from start to finish, killed once after effect `killAfter` (never, when undefined or out of range). */
async function scenario(killAfter: number | undefined): Promise<Outcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-crash-'));
  cpSync(template, dataDir, { recursive: true });
  const model = new FakeOllamaServer({ respond: workflowReply });
  const url = await model.start();
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ ollamaUrl: url, ollamaModel: 'llama3.2', modelFallbackOrder: ['ollama'] }));
  const args = ['--data-dir', dataDir, '--port', '0', '--token', TOKEN];
  let crashed = false;
  let host = await startServe(args, 30_000, killAfter ? { CHORUS_TEST_KILL_AFTER_EFFECT: String(killAfter) } : {});
  let died = false;
  host.child.on('exit', () => (died = true));
  let client = await connect(host);
  try {
    let runId: string | undefined;
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`The run did not finish (kill after ${killAfter}).\n${host.stderr()}`);
      if (died) {
        expect(host.stderr()).toContain('test crash: killed after effect');
        crashed = true;
        host = await startServe(args);
        died = false;
        host.child.on('exit', () => (died = true));
        client = await connect(host);
      }
      if (!runId) {
        // The start may have committed just before the kill: look before starting again.
        const listed = await client.call('runs.list', {});
        if (listed.ok && (listed.data as { id: string }[]).length) runId = (listed.data as { id: string }[])[0]!.id;
        else if (listed.ok) {
          const started = await client.call('workflows.start', { workflowId: 'daily-content', brandId, input: { date: PLAN_DAY }, trigger: 'cli' });
          if (started.ok) runId = (started.data as { runId: string }).runId;
        }
      }
      if (runId) {
        const got = await client.call('runs.get', { id: runId });
        if (got.ok) {
          const run = got.data as RunDetail;
          if (run.status === 'succeeded') break;
          if (['failed', 'cancelled', 'interrupted', 'paused'].includes(run.status)) throw new Error(`The run ended ${run.status}: ${run.error}`);
          for (const approval of run.approvals.filter((a) => a.status === 'pending')) {
            if (approval.draft.platform === 'linkedin') await client.call('approvals.approve', { id: approval.id, via: 'cli' });
            else await client.call('approvals.reject', { id: approval.id, comment: 'Not this week.', via: 'cli' });
          }
        }
      }
      await sleep(40);
    }
    client.close();
    // Everything is committed; a kill is as good as a clean stop here, and faster.
    await host.stop('SIGKILL');
    const chatRequests = model.requests.filter((r) => r.path === '/api/chat').length;
    return { crashed, chatRequests, snapshot: await snapshotOf(dataDir) };
  } finally {
    if (!died) host.child.kill('SIGKILL');
    await model.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function snapshotOf(dataDir: string): Promise<Snapshot> {
  const db = await Database.open(dataDir);
  try {
    const [run] = await db.query<{ id: string; status: string; output: { scheduled: { platform: string; scheduledAt: string }[]; rejected: { platform: string; comment: string }[] } }>(
      'SELECT id, status, output FROM workflow_runs',
    );
    const posts = await db.query<{ id: string; platform: string; status: string; text: string; scheduled_at: Date | null }>('SELECT * FROM posts ORDER BY platform');
    const snapshot: Snapshot = {
      run: {
        status: run!.status,
        // Post ids differ between runs; what was scheduled, when, and what was rejected must not.
        output: {
          scheduled: run!.output.scheduled.map((s) => [s.platform, s.scheduledAt]),
          rejected: run!.output.rejected.map((s) => [s.platform, s.comment]),
        },
      },
      posts: {},
      approvals: {},
      steps: {},
      postCount: posts.length,
      modelCalls: 0,
      journal: {},
    };
    for (const post of posts) {
      const events = await db.query<{ kind: string }>('SELECT kind FROM post_events WHERE post_id = $1 ORDER BY id', [post.id]);
      const [jobs] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'publish-post' AND singleton_key = $1", [post.id]);
      snapshot.posts[post.platform] = {
        status: post.status,
        text: post.text,
        scheduledAt: post.scheduled_at ? new Date(post.scheduled_at).toISOString() : null,
        events: events.map((e) => e.kind),
        jobs: jobs!.n,
      };
    }
    for (const a of await db.query<{ id: string; platform: string; status: string; comment: string }>("SELECT id, draft->>'platform' AS platform, status, comment FROM approvals")) {
      const decisions = await db.query<{ action: string; via: string }>('SELECT action, via FROM approval_decisions WHERE approval_id = $1 ORDER BY id', [a.id]);
      snapshot.approvals[a.platform] = { status: a.status, comment: a.comment, decisions: decisions.map((d) => `${d.action} via ${d.via}`) };
    }
    for (const s of await db.query<{ path: string; status: string; attempt: number }>(
      'SELECT DISTINCT ON (path) path, status, attempt FROM workflow_step_attempts ORDER BY path, attempt DESC',
    )) {
      snapshot.steps[s.path] = { status: s.status, attempt: s.attempt };
    }
    snapshot.modelCalls = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM model_calls WHERE workflow_run_id = $1', [run!.id]))[0]!.n;
    for (const j of await db.query<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM workflow_journal GROUP BY kind ORDER BY kind')) {
      snapshot.journal[j.kind] = j.n;
    }
    return snapshot;
  } finally {
    await db.close();
  }
}

describe('crash injection on the daily content workflow', () => {
  it('finishes the same way after a SIGKILL right after every journaled effect', async () => {
    const baseline = await scenario(undefined);
    expect(baseline.crashed).toBe(false);
    const { snapshot } = baseline;
    // The uninterrupted run is the reference; check it is the run we mean.
    expect(snapshot.run.status).toBe('succeeded');
    expect(snapshot.posts.linkedin?.status).toBe('scheduled');
    expect(snapshot.posts.linkedin?.jobs).toBe(1);
    expect(snapshot.posts.bluesky?.status).toBe('draft');
    expect(snapshot.posts.bluesky?.events).toContain('rejected');
    expect(snapshot.modelCalls).toBe(snapshot.journal.model);
    expect(Object.values(snapshot.steps).every((s) => s.attempt === 1 && (s.status === 'succeeded' || s.status === 'skipped'))).toBe(true);
    expect(baseline.chatRequests).toBe(snapshot.modelCalls);

    const covered: number[] = [];
    let reachedEnd = false;
    for (let first = 1; !reachedEnd; first += CONCURRENT_SCENARIOS) {
      const points = Array.from({ length: CONCURRENT_SCENARIOS }, (_, i) => first + i);
      const started = Date.now();
      const outcomes = await Promise.all(points.map((n) => scenario(n)));
      process.stderr.write(`crash points ${points.join(', ')}: ${Date.now() - started} ms\n`);
      outcomes.forEach((outcome, i) => {
        const n = points[i]!;
        if (!outcome.crashed) {
          reachedEnd = true;
          return;
        }
        covered.push(n);
        expect(outcome.snapshot, `after a crash at effect ${n}`).toEqual(snapshot);
        // A call whose answer was journaled is never made again; only calls cut off mid-flight by the kill are repeated.
        expect(outcome.chatRequests, `model requests after a crash at effect ${n}`).toBeLessThanOrEqual(snapshot.modelCalls + MAX_IN_FLIGHT);
      });
      if (first > 400) throw new Error('The run never finished without reaching the crash point; is the effect count stuck?');
    }
    process.stderr.write(`crash injection: ${covered.length} crash points, ${snapshot.modelCalls} model calls, ${Object.keys(snapshot.steps).length} steps\n`);
    // Every effect of the run was a crash point: model calls, steps, approvals and the scheduling effect.
    expect(covered.length).toBeGreaterThan(snapshot.modelCalls + Object.keys(snapshot.steps).length);
    expect(covered).toEqual(Array.from({ length: covered.length }, (_, i) => i + 1));
  }, 1_500_000);
});
