import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../src/main/engine';
import type { NewPost } from '../src/main/engine/repositories/PostRepository';
import { PLATFORMS } from '../src/shared/platforms';
import { round, summary } from './stats';

const BIN = fileURLToPath(new URL('../bin/chorus.mjs', import.meta.url));
const noSecrets = { get: async () => null, set: async () => {}, delete: async () => false, keys: async () => [] };

/** Spawns `chorus serve` and returns milliseconds from spawn to the first 200 from /health. */
async function timeToHealth(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    // The port is only known once the host prints it; /health is then polled.
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line).port);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    for (;;) {
      const response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
      if (response?.status === 200) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function seedPosts(dataDir: string, count: number): Promise<void> {
  const engine = createEngine({ dataDir, host: 'cli', secrets: noSecrets });
  await engine.start();
  const { brands, posts } = engine.services();
  const brand = await brands.create({ name: 'Bench Brand' }, 'Europe/Paris');
  const batch: NewPost[] = [];
  for (let i = 0; i < count; i++) {
    batch.push({
      brandId: brand.id,
      platform: PLATFORMS[i % PLATFORMS.length]!,
      text: `Post ${i}: a line of copy long enough to look like a real draft, with a #hashtag and a link https://example.com/${i}`,
      status: i % 3 === 0 ? 'scheduled' : 'draft',
      schedule: i % 3 === 0 ? { at: new Date(Date.UTC(2027, 0, 1) + i * 60_000).toISOString(), timeZone: 'Europe/Paris' } : null,
    });
  }
  for (let i = 0; i < batch.length; i += 1000) await posts.createMany(batch.slice(i, i + 1000));
  if ((await posts.count()) !== count) throw new Error('seeding lost posts');
  await engine.stop();
}

export async function benchStartup(runs = 5) {
  const scratch = mkdtempSync(join(tmpdir(), 'chorus-bench-'));
  try {
    const fresh: number[] = [];
    for (let i = 0; i < 2; i++) fresh.push(await timeToHealth(join(scratch, `fresh-${i}`)));

    const seeded = join(scratch, 'seeded');
    const seedStart = performance.now();
    await seedPosts(seeded, 10_000);
    const seedMs = performance.now() - seedStart;
    await timeToHealth(seeded); // warm the OS file cache and tsx's transform cache once
    const withPosts: number[] = [];
    for (let i = 0; i < runs; i++) withPosts.push(await timeToHealth(seeded));

    return {
      startToHealthFreshFolderMs: summary(fresh),
      startToHealth10kPostsMs: { ...summary(withPosts), targetMs: 1500, met: Math.max(...withPosts) < 1500 },
      seed10kPostsMs: round(seedMs),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
