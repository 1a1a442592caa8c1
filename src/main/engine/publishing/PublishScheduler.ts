// The durable scheduler. The posts table is the truth; pg-boss holds one job
// per scheduled post (singleton key = post id) that fires at its due time.
//
// Exactly once: a job may act only if it is the post's current job_id and the
// post is still `scheduled`; the claim (scheduled → publishing) is one UPDATE,
// so two workers or a stale job can never both publish. A post found in
// `publishing` at start-up was interrupted mid-call: it goes back to the queue
// marked `transient`, and the next attempt asks the platform (findExisting)
// before publishing again.
import type PgBoss from 'pg-boss';
import type { FailureKind, ScheduleStatus } from '../../../shared/contract';
import type { EngineContext } from '../EngineContext';
import type { AdapterRegistry } from '../platforms/adapterRegistry';
import { postSql, type PostRow } from '../repositories/PostRepository';
import type { Queryable } from '../db/Database';
import {
  dequeuePublish,
  enqueuePublish,
  enqueuePublishMany,
  orphanedActiveJobs,
  PUBLISH_QUEUE,
  scheduledWithoutJob,
  startBoss,
  type PublishJobData,
} from './jobQueue';
import type { PublishCredentials } from './keychainCredentials';
import { attemptPublish, decide, DEFAULT_RETRY_POLICY, type AttemptOutcome, type PublishAccount, type RetryPolicy } from './publishPost';
import { nextOccurrence } from './recurrence';

export interface SchedulerOptions {
  /** Jobs fetched (and claimed in one transaction) at a time. */
  batchSize: number;
  /** Adapter calls in flight at once within a batch. */
  concurrency: number;
  /** How often the queue is polled when idle. */
  pollIntervalMs: number;
  /** Posts due more than this long before start-up count as missed (Settings → missedPosts). */
  missedGraceMs: number;
  retry: RetryPolicy;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  batchSize: 50,
  concurrency: 8,
  pollIntervalMs: 500,
  missedGraceMs: 60_000,
  retry: DEFAULT_RETRY_POLICY,
};

export interface SchedulerDeps {
  ctx: EngineContext;
  adapters: AdapterRegistry;
  credentials: PublishCredentials;
  options?: Partial<SchedulerOptions>;
}

interface Finished {
  row: PostRow;
  outcome: AttemptOutcome;
}

const RECOVERED_REASON = 'Chorus stopped while this post was being published; checking whether it went out before trying again.';

export class PublishScheduler {
  private readonly ctx: EngineContext;
  private readonly options: SchedulerOptions;
  private boss: PgBoss | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly deps: SchedulerDeps) {
    this.ctx = deps.ctx;
    this.options = { ...DEFAULT_SCHEDULER_OPTIONS, ...deps.options };
  }

  /** The queue, for scheduling inside a caller's transaction; throws before start(). */
  get queue(): PgBoss {
    if (!this.boss) throw new Error('The publishing queue is not started.');
    return this.boss;
  }

  async start(): Promise<void> {
    const startedAt = new Date();
    this.boss = await startBoss(this.ctx.db, this.ctx.log);
    await this.recover(startedAt);
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
    // The loop has finished its batch; jobs left queued stay for the next start.
    await this.boss?.stop({ graceful: false, wait: true, close: false });
    this.boss = null;
  }

  /** Checks the queue now instead of at the next poll (a post was scheduled to go now, or publishing resumed). */
  wake(): void {
    this.wakeUp?.();
  }

  paused(): boolean {
    return this.ctx.settings.read().publishingPaused;
  }

  async status(): Promise<ScheduleStatus> {
    const [row] = await this.ctx.db.query<{ queued: number; publishing: number; next: Date | null }>(
      `SELECT count(*) FILTER (WHERE status = 'scheduled')::int AS queued,
              count(*) FILTER (WHERE status = 'publishing')::int AS publishing,
              min(coalesce(retry_at, scheduled_at)) FILTER (WHERE status = 'scheduled') AS next
         FROM posts WHERE status IN ('scheduled', 'publishing')`,
    );
    return {
      paused: this.paused(),
      queued: row?.queued ?? 0,
      publishing: row?.publishing ?? 0,
      nextDueAt: row?.next ? new Date(row.next).toISOString() : null,
    };
  }

  // ── start-up ──────────────────────────────────────────────────────────────

  private async recover(startedAt: Date): Promise<void> {
    const boss = this.queue;
    // 1. Jobs a killed process left running: nobody else can hold them (the data-folder lock).
    const orphans = await orphanedActiveJobs(this.ctx.db);
    if (orphans.length) await boss.fail(PUBLISH_QUEUE, orphans);

    // 2. Posts due while Chorus was closed, when the person asked to review them first.
    if (this.ctx.settings.read().missedPosts === 'hold') await this.holdMissed(startedAt);

    // 3. Posts interrupted mid-publish go back to the queue, to be checked before any new attempt.
    const interrupted = await this.ctx.db.write(async (tx) => {
      const { rows } = await tx.query<{ id: string; attempts: number }>(
        `UPDATE posts SET status = 'scheduled', failure_kind = 'transient', failure_reason = $1, retry_at = NULL, job_id = NULL, updated_at = now()
          WHERE status = 'publishing' RETURNING id, attempts`,
        [RECOVERED_REASON],
      );
      if (rows.length) {
        await tx.query(
          `INSERT INTO post_events (post_id, kind, attempt, error_kind, message)
           SELECT id, 'recovered', attempt, 'transient', $3 FROM unnest($1::uuid[], $2::int[]) AS r(id, attempt)`,
          [rows.map((r) => r.id), rows.map((r) => r.attempts), RECOVERED_REASON],
        );
      }
      return rows;
    });

    // 4. Every scheduled post must have a queued job (a kill between two writes, an imported database…).
    const missing = await scheduledWithoutJob(this.ctx.db);
    for (let i = 0; i < missing.length; i += 1000) {
      const chunk = missing.slice(i, i + 1000);
      await this.ctx.db.write(async (tx) => {
        const jobs = await enqueuePublishMany(boss, tx, chunk.map((p) => ({ postId: p.id, runAt: new Date(p.run_at) })));
        await tx.query(
          `UPDATE posts p SET job_id = j.job_id FROM unnest($1::uuid[], $2::uuid[]) AS j(post_id, job_id) WHERE p.id = j.post_id`,
          [[...jobs.keys()], [...jobs.values()]],
        );
      });
    }
    for (const row of interrupted) this.ctx.emit('posts.changed', { id: row.id, status: 'scheduled' });
  }

  private async holdMissed(startedAt: Date): Promise<void> {
    const cutoff = new Date(startedAt.getTime() - this.options.missedGraceMs);
    const held = await this.ctx.db.write(async (tx) => {
      const { rows } = await tx.query<{ id: string; due: Date }>(
        `SELECT id, coalesce(retry_at, scheduled_at) AS due FROM posts
          WHERE status = 'scheduled' AND coalesce(retry_at, scheduled_at) < $1 FOR UPDATE`,
        [cutoff],
      );
      if (rows.length === 0) return rows;
      const ids = rows.map((r) => r.id);
      await dequeuePublish(this.queue, tx, ids);
      const reasons = rows.map(
        (r) => `Due at ${new Date(r.due).toISOString()} while Chorus was closed; held for review instead of publishing late.`,
      );
      await tx.query(
        `UPDATE posts p SET status = 'in_review', failure_kind = 'held', failure_reason = h.reason, retry_at = NULL, job_id = NULL, updated_at = now()
           FROM unnest($1::uuid[], $2::text[]) AS h(id, reason) WHERE p.id = h.id`,
        [ids, reasons],
      );
      await tx.query(
        `INSERT INTO post_events (post_id, kind, error_kind, message) SELECT id, 'held', 'held', reason FROM unnest($1::uuid[], $2::text[]) AS h(id, reason)`,
        [ids, reasons],
      );
      return rows;
    });
    for (const row of held) this.ctx.emit('posts.changed', { id: row.id, status: 'in_review' });
  }

  // ── the loop ──────────────────────────────────────────────────────────────

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      let fetched = 0;
      try {
        if (!this.paused()) fetched = await this.tick();
      } catch (error) {
        this.ctx.log('Publishing a batch of posts failed; it will be retried', error);
      }
      if (this.running && fetched < this.options.batchSize) await this.sleep(this.options.pollIntervalMs);
      // PGlite answers on the microtask queue: without this, a busy queue would
      // starve timers and I/O (the UI's calls) until it is empty.
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** One batch: fetch due jobs, claim their posts, publish, record. Returns how many jobs were fetched. */
  private async tick(): Promise<number> {
    const boss = this.queue;
    const jobs = await boss.fetch<PublishJobData>(PUBLISH_QUEUE, { batchSize: this.options.batchSize });
    if (jobs.length === 0) return 0;
    try {
      if (this.paused()) {
        await this.requeue(jobs);
        return jobs.length;
      }
      const claimed = await this.claim(jobs);
      const finished = await this.publishAll(claimed);
      await this.record(finished);
    } finally {
      await boss.complete(
        PUBLISH_QUEUE,
        jobs.map((j) => j.id),
      );
    }
    return jobs.length;
  }

  /** Paused between fetch and claim: give each post a fresh job at the same time, so it keeps its place. */
  private async requeue(jobs: PgBoss.Job<PublishJobData>[]): Promise<void> {
    await this.ctx.db.write(async (tx) => {
      for (const job of jobs) {
        const { rows } = await tx.query<PostRow>(`SELECT * FROM posts WHERE id = $1 AND job_id = $2 AND status = 'scheduled' FOR UPDATE`, [
          job.data.postId,
          job.id,
        ]);
        const row = rows[0];
        if (!row) continue;
        const jobId = await enqueuePublish(this.queue, tx, row.id, row.retry_at ?? row.scheduled_at ?? new Date());
        await postSql.set(tx, row.id, { job_id: jobId });
      }
    });
  }

  private async claim(jobs: PgBoss.Job<PublishJobData>[]): Promise<PostRow[]> {
    const claimed = await this.ctx.db.write(async (tx) => {
      const { rows } = await tx.query<PostRow>(
        `UPDATE posts p SET status = 'publishing', attempts = p.attempts + 1, updated_at = now()
           FROM unnest($1::uuid[], $2::uuid[]) AS j(post_id, job_id)
          WHERE p.id = j.post_id AND p.job_id = j.job_id AND p.status = 'scheduled'
          RETURNING p.*`,
        [jobs.map((j) => j.data.postId), jobs.map((j) => j.id)],
      );
      if (rows.length) {
        await tx.query(
          `INSERT INTO post_events (post_id, kind, attempt) SELECT id, 'attempt', attempt FROM unnest($1::uuid[], $2::int[]) AS a(id, attempt)`,
          [rows.map((r) => r.id), rows.map((r) => r.attempts)],
        );
      }
      return rows;
    });
    for (const row of claimed) this.ctx.emit('posts.changed', { id: row.id, status: 'publishing' });
    return claimed;
  }

  private async publishAll(rows: PostRow[]): Promise<Finished[]> {
    if (rows.length === 0) return [];
    const accountIds = [...new Set(rows.map((r) => r.account_id).filter((id): id is string => id !== null))];
    const accounts = new Map(
      (await this.ctx.db.query<PublishAccount>('SELECT * FROM accounts WHERE id = ANY($1::uuid[])', [accountIds])).map((a) => [a.id, a]),
    );
    const finished: Finished[] = [];
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        const account = row.account_id ? (accounts.get(row.account_id) ?? null) : null;
        const outcome = await attemptPublish(row, account, this.deps);
        // An account flagged during this batch stops publishing for its other posts too.
        if (!outcome.ok && outcome.kind === 'auth' && account) accounts.set(account.id, { ...account, status: 'needs_reconnect', status_reason: outcome.reason });
        finished.push({ row, outcome });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, rows.length) }, worker));
    return finished;
  }

  /** Writes every outcome of a batch in one transaction, then tells the UI. */
  private async record(finished: Finished[]): Promise<void> {
    if (finished.length === 0) return;
    const now = new Date();
    const events: { id: string; status: 'published' | 'failed' | 'scheduled'; url?: string; failureKind?: FailureKind; reason?: string }[] = [];
    const followUps: string[] = [];
    await this.ctx.db.write(async (tx) => {
      const published = finished.filter((f) => f.outcome.ok);
      if (published.length) await this.recordPublished(tx, published);
      for (const { row, outcome } of finished) {
        if (outcome.ok) {
          events.push({ id: row.id, status: 'published', url: outcome.published.url });
        } else {
          const decision = decide(outcome, row.attempts, now, this.options.retry);
          if (decision.action === 'retry') {
            const jobId = await enqueuePublish(this.queue, tx, row.id, decision.at);
            await postSql.set(tx, row.id, {
              status: 'scheduled',
              failure_kind: outcome.kind,
              failure_reason: outcome.reason,
              retry_at: decision.at,
              job_id: jobId,
            });
            await postSql.event(tx, row.id, {
              kind: 'retry',
              attempt: row.attempts,
              errorKind: outcome.kind,
              message: outcome.reason,
              detail: { retryAt: decision.at.toISOString() },
            });
            events.push({ id: row.id, status: 'scheduled', failureKind: outcome.kind, reason: outcome.reason });
          } else {
            await postSql.set(tx, row.id, { status: 'failed', failure_kind: outcome.kind, failure_reason: outcome.reason, retry_at: null, job_id: null });
            await postSql.event(tx, row.id, { kind: 'failed', attempt: row.attempts, errorKind: outcome.kind, message: outcome.reason });
            events.push({ id: row.id, status: 'failed', failureKind: outcome.kind, reason: outcome.reason });
          }
        }
        // A repeating post moves on once this occurrence is settled, whether it went out or failed for good.
        if (events.at(-1)?.status !== 'scheduled') {
          const next = await this.scheduleNextOccurrence(tx, row);
          if (next) followUps.push(next);
        }
      }
    });
    for (const e of events) {
      this.ctx.emit('posts.changed', { id: e.id, status: e.status });
      this.ctx.emit('publish.result', {
        postId: e.id,
        status: e.status,
        ...(e.url ? { url: e.url } : {}),
        ...(e.failureKind ? { failureKind: e.failureKind, reason: e.reason } : {}),
      });
    }
    for (const id of followUps) this.ctx.emit('posts.changed', { id, status: 'scheduled' });
  }

  private async recordPublished(tx: Queryable, published: Finished[]): Promise<void> {
    const ok = published.map((f) => ({ row: f.row, outcome: f.outcome as Extract<AttemptOutcome, { ok: true }> }));
    await tx.query(
      `UPDATE posts p SET status = 'published', published_at = now(), platform_post_id = u.pid, platform_url = u.url,
              failure_kind = NULL, failure_reason = NULL, retry_at = NULL, job_id = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, pid, url) WHERE p.id = u.id`,
      [ok.map((f) => f.row.id), ok.map((f) => f.outcome.published.platformPostId), ok.map((f) => f.outcome.published.url)],
    );
    await tx.query(
      `INSERT INTO post_events (post_id, kind, attempt, detail)
       SELECT id, 'published', attempt, detail FROM unnest($1::uuid[], $2::int[], $3::jsonb[]) AS e(id, attempt, detail)`,
      [
        ok.map((f) => f.row.id),
        ok.map((f) => f.row.attempts),
        ok.map((f) =>
          JSON.stringify({
            url: f.outcome.published.url,
            platformPostId: f.outcome.published.platformPostId,
            foundExisting: f.outcome.foundExisting,
            dueAt: (f.row.retry_at ?? f.row.scheduled_at)?.toISOString() ?? null,
          }),
        ),
      ],
    );
  }

  /** A recurring post's next occurrence: a new post in the same series, queued in the same transaction. */
  private async scheduleNextOccurrence(tx: Queryable, row: PostRow): Promise<string | null> {
    if (!row.recurrence || !row.series_id || row.series_index === null || !row.scheduled_at || !row.scheduled_time_zone) return null;
    const { rows: anchors } = await tx.query<{ scheduled_at: Date }>(
      'SELECT scheduled_at FROM posts WHERE series_id = $1 AND series_index = 0',
      [row.series_id],
    );
    const anchor = anchors[0]?.scheduled_at ?? row.scheduled_at;
    const next = nextOccurrence(row.recurrence, row.scheduled_time_zone, new Date(anchor), new Date(row.scheduled_at), row.series_index);
    if (!next) return null;
    const { rows: taken } = await tx.query('SELECT 1 FROM posts WHERE series_id = $1 AND series_index = $2', [row.series_id, next.index]);
    if (taken.length) return null;
    const inserted = await postSql.insert(tx, {
      brandId: row.brand_id,
      platform: row.platform,
      accountId: row.account_id,
      text: row.text,
      title: row.title,
      thread: row.thread,
      media: row.media,
      status: 'scheduled',
      schedule: { at: next.at.toISOString(), timeZone: row.scheduled_time_zone },
      series: { id: row.series_id, index: next.index, recurrence: row.recurrence },
    });
    const jobId = await enqueuePublish(this.queue, tx, inserted.id, next.at);
    await postSql.set(tx, inserted.id, { job_id: jobId });
    await postSql.event(tx, inserted.id, {
      kind: 'scheduled',
      message: `Occurrence ${next.index + 1} of a repeating post.`,
      detail: { at: next.at.toISOString(), timeZone: row.scheduled_time_zone, seriesId: row.series_id, previous: row.id },
    });
    return inserted.id;
  }
}
