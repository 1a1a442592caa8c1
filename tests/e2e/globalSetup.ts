import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILT = join(ROOT, 'out/renderer/index.html');
// What ends up in the renderer bundle.
const SOURCES = ['src/renderer', 'src/shared'].map((dir) => join(ROOT, dir));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the app (the host serves out/renderer) unless the build is newer than its sources. */
export default function globalSetup(): void {
  if (process.env.CHORUS_E2E_SKIP_BUILD === '1') return;
  const builtAt = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0;
  const sourcesAt = Math.max(...SOURCES.map(newestMtime));
  if (builtAt > sourcesAt) return;

  console.log('e2e: out/renderer is missing or older than its sources; running electron-vite build…');
  const bin = join(ROOT, 'node_modules/.bin/electron-vite');
  const result = spawnSync(bin, ['build'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`electron-vite build failed with exit code ${result.status}.`);
  if (!existsSync(BUILT)) throw new Error(`electron-vite build did not produce ${BUILT}.`);
}
