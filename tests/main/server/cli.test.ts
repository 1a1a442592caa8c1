import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/main/engine/db/migrations';
import { runCli, startServe, type ServeProcess } from '../../fakes/cliProcess';
import { freshDataDir, tempDir } from '../../fakes/tempDir';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dataDir() {
  const dir = await freshDataDir();
  cleanups.push(dir.cleanup);
  return dir.path;
}

async function serveOn(dir: string): Promise<ServeProcess> {
  const serve = await startServe(['--port', '0', '--data-dir', dir]);
  cleanups.push(() => serve.child.exitCode === null && serve.stop('SIGKILL'));
  return serve;
}

describe('chorus CLI', () => {
  it('serve prints its URL and data folder, answers /health, and stops cleanly on SIGTERM', async () => {
    const dir = await dataDir();
    const serve = await serveOn(dir);
    expect(serve.info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/);
    expect(serve.info.dataDir).toBe(dir);
    expect(serve.info.migrationsApplied).toEqual(MIGRATIONS.map((m) => m.version));
    const health = await fetch(`http://127.0.0.1:${serve.info.port}/health`);
    expect(health.status).toBe(200);
    expect(existsSync(join(dir, 'chorus.lock'))).toBe(true);

    expect(await serve.stop('SIGTERM')).toBe(0);
    expect(existsSync(join(dir, 'chorus.lock'))).toBe(false);
    expect(existsSync(join(dir, 'host.json'))).toBe(false);

    const again = await serveOn(dir);
    expect(again.info.migrationsApplied).toEqual([]);
    expect(await again.stop('SIGINT')).toBe(0);
  });

  it('creates and lists brands with --json, and the rows persist', async () => {
    const dir = await dataDir();
    const created = await runCli(['brands', 'create', '--name', 'Fjord Outdoors', '--timezone', 'Europe/Oslo', '--data-dir', dir, '--json']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'Fjord Outdoors', timezone: 'Europe/Oslo' });

    const listed = await runCli(['brands', 'list', '--json'], { CHORUS_DATA_DIR: dir });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ name: 'Fjord Outdoors' }]);

    const human = await runCli(['brands', 'list', '--data-dir', dir]);
    expect(human.stdout).toMatch(/Fjord Outdoors\s+Europe\/Oslo/);
  });

  it('reports invalid input with the field and a non-zero exit', async () => {
    const dir = await dataDir();
    const result = await runCli(['brands', 'create', '--name', 'Bad Zone', '--timezone', 'Moon/Tranquility', '--data-dir', dir, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'invalid_input', issues: [{ path: ['timezone'] }] } });
  });

  it('prints usage and exits 2 on bad arguments', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    for (const args of [['serve', '--port', 'eighty'], ['brands', 'create'], ['launch-rockets'], ['brands', 'list', '--colour']]) {
      const result = await runCli([...args, '--data-dir', dir.path]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/error|usage|help/i);
    }
  });

  it('talks to a running serve on the same folder instead of opening it twice; a second serve is refused', async () => {
    const dir = await dataDir();
    const serve = await serveOn(dir);
    const created = await runCli(['brands', 'create', '--name', 'Via Serve', '--data-dir', dir, '--json']);
    expect(created.code).toBe(0);
    const listed = await runCli(['brands', 'list', '--data-dir', dir, '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ name: 'Via Serve' }]);

    const second = await runCli(['serve', '--port', '0', '--data-dir', dir, '--json']);
    expect(second.code).toBe(1);
    expect(JSON.parse(second.stdout)).toMatchObject({ error: { code: 'data_dir_locked' } });
    expect(await serve.stop()).toBe(0);
  });

  it('doctor reports each check as JSON', async () => {
    const dir = await dataDir();
    const result = await runCli(['doctor', '--data-dir', dir, '--json']);
    const report = JSON.parse(result.stdout);
    expect(new Set(report.checks.map((c: { id: string }) => c.id))).toEqual(
      new Set(['chromium', 'database', 'dataDir', 'keychain', 'ollama']),
    );
    expect(report.checks.find((c: { id: string }) => c.id === 'database')).toMatchObject({ ok: true });
    // No Ollama runs on a test machine: the check must say so, not pass.
    expect(report.checks.find((c: { id: string }) => c.id === 'ollama')).toMatchObject({ ok: false });
    // Like `brew doctor`: a failed check makes the exit code non-zero.
    expect(report.ok).toBe(false);
    expect(result.code).toBe(1);
  });
});
