#!/usr/bin/env node
// The `chorus` command. It runs a bundle of the TypeScript sources in out/cli,
// rebuilt with esbuild (about 0.1 s) whenever a source file is newer, so a
// clone works right after `npm install` and never runs stale code.
// Dependencies stay in node_modules; only our own files are bundled.
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'src', 'main', 'server', 'cli', 'index.ts');
const bundle = join(root, 'out', 'cli', 'chorus.mjs');

function newestSourceMtime(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    const mtime = item.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

function isFresh() {
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  const sources = [join(root, 'src', 'main', 'engine'), join(root, 'src', 'main', 'server'), join(root, 'src', 'shared')];
  return sources.every((dir) => newestSourceMtime(dir) <= built) && statSync(join(root, 'package.json')).mtimeMs <= built;
}

if (!isFresh()) {
  const { build } = await import('esbuild');
  // Build beside the target and rename, so two commands starting at once never read half a file.
  const temp = `${bundle}.${process.pid}.tmp.mjs`;
  await build({
    entryPoints: [entry],
    outfile: temp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  renameSync(temp, bundle);
}

process.setSourceMapsEnabled(true);
const { main } = await import(pathToFileURL(bundle).href);
await main(process.argv);
