#!/usr/bin/env node
// The `chorus` command. It runs a bundle of the TypeScript sources in out/cli,
// rebuilt with esbuild (a fraction of a second) whenever a source file is
// newer, so a clone works right after `npm install` and never runs stale code.
// Dependencies stay in node_modules; code splitting keeps the engine and its
// heavy dependencies out of commands that don't need them.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'src', 'main', 'server', 'cli', 'index.ts');
const outDir = join(root, 'out', 'cli');
const bundle = join(outDir, 'chorus.mjs');

function newestMtime(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    const mtime = item.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

function isFresh() {
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  const inputs = [join(root, 'src', 'main', 'engine'), join(root, 'src', 'main', 'server'), join(root, 'src', 'shared')];
  return inputs.every((dir) => newestMtime(dir) <= built) && statSync(join(root, 'package.json')).mtimeMs <= built;
}

if (!isFresh()) {
  const { build } = await import('esbuild');
  // Build beside the target and swap folders, so a command starting meanwhile never reads half a build.
  const temp = `${outDir}.${process.pid}.tmp`;
  await build({
    entryPoints: { chorus: entry },
    outdir: temp,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  const old = `${outDir}.${process.pid}.old`;
  if (existsSync(outDir)) renameSync(outDir, old);
  renameSync(temp, outDir);
  rmSync(old, { recursive: true, force: true });
}

process.setSourceMapsEnabled(true);
const { main } = await import(pathToFileURL(bundle).href);
await main(process.argv);
