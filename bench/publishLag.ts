// Publish lag (actual − due) for 10,000 posts through the real engine and the
// sandbox adapter. Time is compressed by spreading the posts' due times over a
// shorter real window (default 60 s instead of one hour: 60× the arrival rate
// of 10,000 posts in an hour, ~167 posts/s), so the figure is a worst case for
// "10,000 posts due within one hour". Lag = published_at (the commit that
// records the post as published) − its due time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../src/main/engine';
import { Database } from '../src/main/engine/db/Database';
import { summary } from './stats';

const noSecrets = { get: async () => null, set: async () => {}, delete: async () => false, keys: async () => [] };

export async function benchPublishLag(posts = 10_000, windowSeconds = 60, startMarginSeconds = 15) {
  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-bench-lag-'));
  try {
    // Seeded before the engine starts: the scheduler queues every scheduled post at start-up.
    const seedDb = await Database.open(dataDir);
    await seedDb.migrate();
    await seedDb.write(async (tx) => {
      const { rows: brands } = await tx.query<{ id: string }>(`INSERT INTO brands (name, timezone) VALUES ('Lag', 'UTC') RETURNING id`);
      const { rows: accounts } = await tx.query<{ id: string }>(
        `INSERT INTO accounts (brand_id, platform, handle, connection) VALUES ($1, 'mastodon', 'sandbox:mastodon', 'sandbox') RETURNING id`,
        [brands[0]!.id],
      );
      await tx.query(
        `INSERT INTO posts (brand_id, account_id, platform, text, status, scheduled_at, scheduled_time_zone)
         SELECT $1, $2, 'mastodon', 'Post ' || n, 'scheduled',
                now() + $4::int * interval '1 second' + (n::float8 / $3::int) * $5::int * interval '1 second', 'UTC'
           FROM generate_series(1, $3::int) AS n`,
        [brands[0]!.id, accounts[0]!.id, posts, startMarginSeconds, windowSeconds],
      );
    });
    await seedDb.close();

    const engine = createEngine({ dataDir, host: 'cli', secrets: noSecrets, log: () => undefined });
    const started = performance.now();
    await engine.start();
    const startupMs = performance.now() - started;
    const { db } = engine.services();
    const deadline = Date.now() + (startMarginSeconds + windowSeconds + 120) * 1000;
    for (;;) {
      const [row] = await db.query<{ left: number }>(`SELECT count(*)::int AS left FROM posts WHERE status <> 'published'`);
      if (row?.left === 0) break;
      if (Date.now() > deadline) throw new Error(`${row?.left} posts were still not published.`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const lags = (
      await db.query<{ ms: number }>(`SELECT extract(epoch FROM published_at - scheduled_at)::float8 * 1000 AS ms FROM posts`)
    ).map((r) => r.ms);
    const late = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM posts WHERE published_at < scheduled_at`))[0]?.n ?? 0;
    await engine.stop();
    const stats = summary(lags);
    return {
      publishLagMs: {
        posts,
        compressedWindowSeconds: windowSeconds,
        note: `due times spread over ${windowSeconds} s of real time (${Math.round(3600 / windowSeconds)}× the rate of ${posts} posts in an hour)`,
        ...stats,
        publishedBeforeDue: late,
        engineStartupMs: Math.round(startupMs),
        targetP99Ms: 2000,
        met: stats.p99 < 2000 && late === 0,
      },
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
