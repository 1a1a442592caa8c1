// Packages the desktop app for real (electron-builder, Linux `dir` target) and
// checks what ships. The Electron binary cannot be downloaded here, so a stand-in
// "Electron distribution" — a folder with one executable named `electron` — takes
// its place: electron-builder copies that folder, renames the executable and adds
// resources/app.asar, which is what this test is about.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
// js-yaml is what electron-builder itself parses electron-builder.yml with.
const yaml = require('js-yaml') as { load(text: string): unknown };
const asar = require('@electron/asar') as { listPackage(archive: string, options: object): string[] };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (name: string) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const BUILD_TIMEOUT_MS = 240_000;

interface TargetEntry {
  target: string;
}
interface BuilderConfig {
  appId?: string;
  productName?: string;
  directories?: { output?: string; buildResources?: string };
  files?: string[];
  asarUnpack?: string[];
  extraResources?: { from: string; to: string }[];
  mac?: { target?: (string | TargetEntry)[]; category?: string; icon?: string };
  win?: { target?: (string | TargetEntry)[]; icon?: string };
  linux?: { target?: (string | TargetEntry)[]; category?: string; icon?: string; maintainer?: string; executableName?: string };
}

const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  build?: unknown;
  dependencies?: Record<string, string>;
};
const targets = (list: (string | TargetEntry)[] | undefined) =>
  (list ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.target));

/** Width and height from a PNG's IHDR chunk; throws if the file is not a PNG. */
function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file);
  if (bytes.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error(`${file} is not a PNG`);
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  it('names the app and is the only packaging config', () => {
    expect(config.appId).toBe('app.chorus.desktop');
    expect(config.productName).toBe('Chorus');
    // A "build" key in package.json would silently win over this file.
    expect(packageJson.build).toBeUndefined();
  });

  it('builds dmg+zip on macOS, nsis on Windows, AppImage+deb on Linux', () => {
    expect(targets(config.mac?.target)).toEqual(expect.arrayContaining(['dmg', 'zip']));
    expect(config.mac?.category).toBe('public.app-category.social-networking');
    expect(targets(config.win?.target)).toEqual(['nsis']);
    expect(targets(config.linux?.target)).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.linux?.category).toBe('Network');
    expect(config.linux?.maintainer).toMatch(/<[^@\s]+@[^@\s]+>/);
  });

  it('points every platform at a 1024 px PNG icon that exists', () => {
    for (const icon of [config.mac?.icon, config.win?.icon, config.linux?.icon]) {
      expect(icon).toBeTruthy();
      expect(pngSize(join(root, icon!))).toEqual([1024, 1024]);
    }
  });

  it('ships tray icons as plain files, template images for macOS at 1x and 2x', () => {
    expect(config.extraResources).toContainEqual({ from: 'resources/tray', to: 'tray' });
    expect(pngSize(join(root, 'resources/tray/trayTemplate.png'))).toEqual([16, 16]);
    expect(pngSize(join(root, 'resources/tray/trayTemplate@2x.png'))).toEqual([32, 32]);
    expect(pngSize(join(root, 'resources/tray/tray.png'))[0]).toBeGreaterThanOrEqual(16);
  });

  it('packs only the build output and package.json, and unpacks native addons', () => {
    expect(config.directories?.output).toBe('dist');
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json', '!**/*.map']));
    for (const folder of ['src', 'tests', 'bench', 'scripts']) {
      expect(config.files?.some((pattern) => pattern.startsWith(`!${folder}`))).toBe(true);
    }
    expect(config.asarUnpack).toContain('**/*.node');
    expect(packageJson.main.replace(/^\.\//, '')).toMatch(/^out\//);
  });
});

/** Newest modification time of any file under `path` (or of `path` itself). */
function newestMtime(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), 0);
}

const BUILD_OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

function buildIsFresh(): boolean {
  if (!BUILD_OUTPUTS.every((file) => existsSync(join(root, file)))) return false;
  const built = Math.min(...BUILD_OUTPUTS.map((file) => statSync(join(root, file)).mtimeMs));
  const sources = Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'electron.vite.config.ts')));
  return built >= sources;
}

describe('the packaged app (Linux dir target, stand-in Electron)', () => {
  const work = mkdtempSync(join(tmpdir(), 'chorus-packaging-'));
  const appOutDir = join(work, 'dist', 'linux-unpacked');
  const resourcesDir = join(appOutDir, 'resources');
  let files: string[] = [];

  beforeAll(async () => {
    if (!buildIsFresh()) await run(bin('electron-vite'), ['build'], { cwd: root, shell: process.platform === 'win32' });

    const electronDist = join(work, 'electron-dist');
    const fake = join(electronDist, 'electron');
    // The stand-in only needs to exist and be executable; nothing runs it.
    mkdirSync(electronDist);
    writeFileSync(fake, '#!/bin/sh\necho "stand-in for the Electron binary" >&2\nexit 1\n');
    chmodSync(fake, 0o755);

    await run(
      bin('electron-builder'),
      [
        '--linux',
        'dir',
        '--x64',
        '--publish',
        'never',
        `-c.electronDist=${electronDist}`,
        // keytar ships an N-API binary that loads in Node and Electron alike; a
        // rebuild would need Electron's headers from the network.
        '-c.npmRebuild=false',
        `-c.directories.output=${join(work, 'dist')}`,
      ],
      {
        cwd: root,
        env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
        maxBuffer: 32 * 1024 * 1024,
        shell: process.platform === 'win32',
      },
    );

    files = asar.listPackage(join(resourcesDir, 'app.asar'), {}).map((file) => file.replaceAll('\\', '/'));
  }, BUILD_TIMEOUT_MS);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const has = (path: string) => files.includes(path);
  const under = (folder: string) => files.filter((file) => file.startsWith(`${folder}/`));

  it('produces the renamed executable next to resources/app.asar', () => {
    expect(existsSync(join(appOutDir, config.linux?.executableName ?? 'chorus'))).toBe(true);
    expect(existsSync(join(resourcesDir, 'app.asar'))).toBe(true);
  });

  it('contains the main, preload and renderer builds and the runtime dependencies', () => {
    for (const file of ['/package.json', '/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/agents/content-creation.md']) {
      expect(has(file), file).toBe(true);
    }
    expect(has(`/${packageJson.main.replace(/^\.\//, '')}`)).toBe(true);
    expect(under('/node_modules/@electric-sql/pglite').length).toBeGreaterThan(0);
    expect(has('/node_modules/@electric-sql/pglite/dist/pglite.wasm')).toBe(true);
    expect(has('/node_modules/zod/package.json')).toBe(true);
  });

  it('leaves out sources, tests, dev tools and source maps', () => {
    for (const folder of ['/src', '/tests', '/bench', '/scripts', '/resources', '/out/cli']) {
      expect(under(folder), folder).toEqual([]);
    }
    for (const dev of ['react', 'react-dom', 'vite', 'electron', 'electron-builder', 'vitest', 'typescript', '@playwright/test']) {
      expect(under(`/node_modules/${dev}`), dev).toEqual([]);
    }
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
  });

  it('every package the main bundle imports is inside app.asar', () => {
    const bundle = readFileSync(join(root, 'out/main/index.js'), 'utf8');
    const specifiers = new Set(
      [...bundle.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g)].map((m) => m[1]!),
    );
    const packages = [...specifiers]
      .filter((specifier) => !specifier.startsWith('node:') && !builtinModules.includes(specifier.split('/')[0]!))
      .filter((specifier) => specifier !== 'electron')
      .map((specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
    expect(packages.length).toBeGreaterThan(0);
    for (const name of new Set(packages)) {
      expect(has(`/node_modules/${name}/package.json`), `${name} is imported by out/main/index.js`).toBe(true);
      expect(packageJson.dependencies?.[name], `${name} must be in "dependencies"`).toBeDefined();
    }
  });

  it('keeps the preload free of npm packages (a sandboxed preload can only require electron)', () => {
    const preload = readFileSync(join(root, 'out/preload/index.cjs'), 'utf8');
    const required = [...preload.matchAll(/\brequire\s*\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/zod/i);
  });

  it('unpacks keytar.node so the OS loader can open it', () => {
    expect(existsSync(join(resourcesDir, 'app.asar.unpacked/node_modules/keytar/build/Release/keytar.node'))).toBe(true);
  });

  it('puts the tray and window icons beside app.asar, where process.resourcesPath points', () => {
    for (const name of ['tray/trayTemplate.png', 'tray/trayTemplate@2x.png', 'tray/tray.png', 'icon.png']) {
      expect(existsSync(join(resourcesDir, name)), relative(appOutDir, join(resourcesDir, name))).toBe(true);
    }
  });
});
