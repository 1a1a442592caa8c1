// pg-boss over the engine's PGlite. PGlite is one connection: every pg-boss
// statement goes through Database.write, so it runs between the engine's own
// transactions, never inside one, one writer at a time. pg-boss's
// multi-statement scripts (schema creation, maintenance) bring their own
// BEGIN/COMMIT; running them inside write's transaction makes a failure roll
// back before any other statement can run on the connection.
import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Database, Queryable } from '../db/Database';

export const PUBLISH_QUEUE = 'publish-post';
export const BOSS_SCHEMA = 'pgboss';

export interface PublishJobData {
  postId: string;
}

type Rows = { rows: unknown[] };

async function run(q: Queryable, text: string, values?: unknown[]): Promise<Rows> {
  if (values && values.length > 0) return q.query(text, values as unknown[]);
  const results = await q.exec(text);
  return { rows: results.at(-1)?.rows ?? [] };
}

/** pg-boss's `db` option on the engine's database: each statement is its own write. */
export function bossDb(db: Database): PgBoss.Db {
  return { executeSql: (text, values) => db.write((tx) => run(tx, text, values)) };
}

/** pg-boss's `db` option inside a transaction the caller already holds (send/delete atomically with a post change). */
export function txDb(tx: Queryable): PgBoss.Db {
  return { executeSql: (text, values) => run(tx, text, values) };
}

export async function startBoss(db: Database, log: (message: string, error?: unknown) => void): Promise<PgBoss> {
  const boss = new PgBoss({
    db: bossDb(db),
    schema: BOSS_SCHEMA,
    // Cron runs scheduled workflows (WorkflowScheduler); post recurrence is computed per post in the brand's zone.
    schedule: true,
    supervise: true,
    migrate: true,
  });
  boss.on('error', (error) => log('The job queue reported an error', error));
  await boss.start();
  // stately: at most one queued and one running job per singleton key (the post id).
  // No pg-boss retries: the publisher decides retries itself, from the failure kind.
  await boss.createQueue(PUBLISH_QUEUE, { name: PUBLISH_QUEUE, policy: 'stately', retryLimit: 0, expireInSeconds: 15 * 60 });
  return boss;
}

/** Removes any queued (not running) job for these posts. Reads pg-boss's job table, whose columns are documented. */
async function dropQueued(boss: PgBoss, tx: Queryable, postIds: string[]): Promise<void> {
  if (postIds.length === 0) return;
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM ${BOSS_SCHEMA}.job WHERE name = $1 AND singleton_key = ANY($2::text[]) AND state < 'active'`,
    [PUBLISH_QUEUE, postIds],
  );
  if (rows.length) await boss.deleteJob(PUBLISH_QUEUE, rows.map((r) => r.id), { db: txDb(tx) });
}

/**
 * Queues the one job that may publish `postId` at `runAt`, replacing any queued
 * one, inside the caller's transaction. Returns the job id to store on the post.
 */
export async function enqueuePublish(boss: PgBoss, tx: Queryable, postId: string, runAt: Date): Promise<string> {
  await dropQueued(boss, tx, [postId]);
  const id = randomUUID();
  const sent = await boss.send(PUBLISH_QUEUE, { postId } satisfies PublishJobData, {
    id,
    singletonKey: postId,
    startAfter: runAt,
    db: txDb(tx),
  });
  if (sent !== id) throw new Error(`The publishing job for post ${postId} could not be queued.`);
  return id;
}

/** The same for many posts, in one statement; returns postId → job id. */
export async function enqueuePublishMany(
  boss: PgBoss,
  tx: Queryable,
  items: { postId: string; runAt: Date }[],
): Promise<Map<string, string>> {
  const jobs = new Map<string, string>();
  if (items.length === 0) return jobs;
  await dropQueued(boss, tx, items.map((i) => i.postId));
  const batch = items.map((item) => {
    const id = randomUUID();
    jobs.set(item.postId, id);
    return { id, name: PUBLISH_QUEUE, data: { postId: item.postId }, singletonKey: item.postId, startAfter: item.runAt };
  });
  await boss.insert(batch, { db: txDb(tx) });
  const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${BOSS_SCHEMA}.job WHERE name = $1 AND id = ANY($2::uuid[])`, [
    PUBLISH_QUEUE,
    [...jobs.values()],
  ]);
  if (rows[0]?.n !== items.length) throw new Error(`Only ${rows[0]?.n ?? 0} of ${items.length} publishing jobs could be queued.`);
  return jobs;
}

/** Removes queued jobs for posts taken off the schedule. */
export async function dequeuePublish(boss: PgBoss, tx: Queryable, postIds: string[]): Promise<void> {
  await dropQueued(boss, tx, postIds);
}

/**
 * Jobs left `active` by a process that was killed. Only safe while this process
 * holds the data-folder lock (embedded database): no other worker can own them.
 */
export async function orphanedActiveJobs(db: Database): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM ${BOSS_SCHEMA}.job WHERE name = $1 AND state = 'active'`, [PUBLISH_QUEUE]);
  return rows.map((r) => r.id);
}

/** Posts in `scheduled` whose job is gone (a kill between two writes, a wiped queue): they need one. */
export async function scheduledWithoutJob(db: Database): Promise<{ id: string; run_at: Date }[]> {
  return db.query<{ id: string; run_at: Date }>(
    `SELECT p.id, coalesce(p.retry_at, p.scheduled_at) AS run_at
       FROM posts p
       LEFT JOIN ${BOSS_SCHEMA}.job j ON j.name = $1 AND j.id = p.job_id AND j.state < 'active'
      WHERE p.status = 'scheduled' AND j.id IS NULL`,
    [PUBLISH_QUEUE],
  );
}
