// THE KILL TEST: 10,000 posts due within seconds, published by a child process
// through the sandbox adapter, killed with SIGKILL mid-run again and again and
// restarted on the same data folder until done. Every post must be published
// exactly once: one outbox file each, no publish call that found its post
// already out (the sandbox's log says), none lost, none stuck in `publishing`.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../../src/main/engine/db/Database';
import { OUTBOX_DIR, PUBLISH_LOG, type SandboxLogLine } from '../../../src/main/engine/platforms/adapters/sandbox';
import { REPO_ROOT } from '../../fakes/cliProcess';
import { freshDataDir } from '../../fakes/tempDir';

const POSTS = 10_000;
const KILLS = 4;
const CHILD = fileURLToPath(new URL('./fixtures/publishChild.ts', import.meta.url));

interface Progress {
  started?: boolean;
  left?: number;
  published?: number;
}

/**
 * Runs the child until it exits by itself, or — once `killAfter` outbox files
 * exist — kills it with SIGKILL right after one more appears: mid-batch, while
 * posts are being published.
 */
function runChild(dataDir: string, killAfter: number | null): Promise<{ killed: boolean; last: Progress; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], { cwd: REPO_ROOT });
    let out = '';
    let stderr = '';
    let last: Progress = {};
    let killed = false;
    let files = readdirSync(outboxOf(dataDir)).length;
    const watcher =
      killAfter === null
        ? null
        : watch(outboxOf(dataDir), (_event, name) => {
            if (killed || !name?.endsWith('.json')) return;
            if (++files >= killAfter) {
              killed = true;
              child.kill('SIGKILL');
            }
          });
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      out += d;
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) last = JSON.parse(line) as Progress;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      watcher?.close();
      if (signal === 'SIGKILL' || code === 0) resolve({ killed: signal === 'SIGKILL', last, stderr });
      else reject(new Error(`The publishing child exited with ${code}:\n${stderr}`));
    });
  });
}

const outboxOf = (dataDir: string) => join(dataDir, OUTBOX_DIR, 'mastodon');

async function seed(dataDir: string): Promise<void> {
  const db = await Database.open(dataDir);
  await db.migrate();
  await db.write(async (tx) => {
    const { rows: brands } = await tx.query<{ id: string }>(`INSERT INTO brands (name, timezone) VALUES ('Kill test', 'Europe/Paris') RETURNING id`);
    const { rows: accounts } = await tx.query<{ id: string }>(
      `INSERT INTO accounts (brand_id, platform, handle, connection) VALUES ($1, 'mastodon', 'sandbox:mastodon', 'sandbox') RETURNING id`,
      [brands[0]!.id],
    );
    // Due from 2 s ago to 8 s ahead; no jobs yet: the engine queues every scheduled post at start.
    await tx.query(
      `INSERT INTO posts (brand_id, account_id, platform, text, status, scheduled_at, scheduled_time_zone)
       SELECT $1, $2, 'mastodon', 'Post number ' || n, 'scheduled', now() + ((n % 100) * 100 - 2000) * interval '1 millisecond', 'Europe/Paris'
         FROM generate_series(1, $3::int) AS n`,
      [brands[0]!.id, accounts[0]!.id, POSTS],
    );
  });
  await db.close();
  mkdirSync(outboxOf(dataDir), { recursive: true });
}

describe('publishing survives SIGKILL', () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((c) => c()));

  it(`publishes ${POSTS.toLocaleString('en')} posts exactly once across ${KILLS} kills`, { timeout: 170_000 }, async () => {
    const dir = await freshDataDir();
    cleanups.push(dir.cleanup);
    await seed(dir.path);

    const runs: { killed: boolean; last: Progress }[] = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      // Kill number k once about k/(KILLS+1) of the posts are out, give or take a batch.
      const threshold = Math.floor((POSTS * kill) / (KILLS + 1)) + Math.floor(Math.random() * 50);
      runs.push(await runChild(dir.path, threshold));
    }
    const final = await runChild(dir.path, null);
    runs.push(final);
    expect(runs.slice(0, KILLS).every((r) => r.killed)).toBe(true);
    expect(final.killed).toBe(false);

    const db = await Database.open(dir.path);
    try {
      const counts = await db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM posts GROUP BY status');
      expect(counts).toEqual([{ status: 'published', n: POSTS }]);
      const interrupted = await db.query<{ n: number }>(`SELECT count(DISTINCT post_id)::int AS n FROM post_events WHERE kind = 'recovered'`);
      const found = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM post_events WHERE kind = 'published' AND (detail->>'foundExisting')::boolean`,
      );
      console.info(
        `kill test: ${runs.length} runs, ${interrupted[0]!.n} posts interrupted mid-publish, ${found[0]!.n} found already out on restart`,
      );
      // Killing mid-batch must actually have interrupted posts, or this test proves nothing.
      expect(interrupted[0]!.n).toBeGreaterThan(0);
    } finally {
      await db.close();
    }

    // A kill between writing and renaming may leave <id>.json.tmp; the post itself is there once.
    const files = readdirSync(outboxOf(dir.path)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(POSTS);

    const log = readFileSync(join(dir.path, OUTBOX_DIR, PUBLISH_LOG), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SandboxLogLine);
    expect(log.filter((l) => l.duplicate)).toEqual([]);
    expect(new Set(log.map((l) => l.postId)).size).toBe(POSTS);
  });
});
