import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type CreatedEngine } from '../../../src/main/engine';
import { MIGRATIONS } from '../../../src/main/engine/db/migrations';
import { LOCK_FILE } from '../../../src/main/engine/system/DataDirLock';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { freshDataDir, tempDir } from '../../fakes/tempDir';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function engineIn(dataDir: string, secrets = new MemorySecretStore()): CreatedEngine {
  const engine = createEngine({ dataDir, host: 'cli', secrets, log: () => undefined });
  cleanups.push(() => engine.stop());
  return engine;
}

async function started(): Promise<{ engine: CreatedEngine; dataDir: string }> {
  const dir = await freshDataDir();
  cleanups.push(dir.cleanup);
  const engine = engineIn(dir.path);
  await engine.start();
  return { engine, dataDir: dir.path };
}

describe('engine', () => {
  it('answers `unavailable` before start instead of throwing', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const result = await engineIn(dir.path).call('brands.list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('rejects an invalid brand with field issues and writes nothing', async () => {
    const { engine } = await started();
    const result = await engine.call('brands.create', { name: '  ', timezone: 'Mars/Olympus_Mons', extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    const paths = result.error.issues!.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['name', 'timezone']));
    expect(await engine.services().brands.list()).toEqual([]);
  });

  it('creates, updates and deletes a brand, normalising its lists', async () => {
    const { engine } = await started();
    const created = await engine.call('brands.create', {
      name: 'Acme Coffee',
      timezone: 'America/New_York',
      defaultHashtags: ['#coffee', 'Coffee', 'roastery'],
      contentPillars: ['Origins', ' origins ', 'Brewing'],
    });
    expect(created).toMatchObject({
      ok: true,
      data: { name: 'Acme Coffee', defaultHashtags: ['coffee', 'roastery'], contentPillars: ['Origins', 'Brewing'] },
    });
    if (!created.ok) return;
    const id = (created.data as { id: string }).id;

    const updated = await engine.call('brands.update', { id, patch: { voice: 'Warm, precise, never smug.' } });
    expect(updated).toMatchObject({ ok: true, data: { voice: 'Warm, precise, never smug.', name: 'Acme Coffee' } });

    const badPatch = await engine.call('brands.update', { id, patch: { timezone: 'Nowhere/Else' } });
    expect(badPatch).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: ['patch', 'timezone'] }] } });

    expect(await engine.call('brands.delete', { id })).toEqual({ ok: true, data: { id } });
    expect(await engine.call('brands.get', { id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses a second brand with the same name in any case, pointing at the name field', async () => {
    const { engine } = await started();
    await engine.call('brands.create', { name: 'Northwind' });
    const again = await engine.call('brands.create', { name: 'NORTHWIND' });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', issues: [{ path: ['name'] }] } });
  });

  it('emits brands.changed after a write', async () => {
    const { engine } = await started();
    const seen: unknown[] = [];
    engine.subscribe((name, payload) => seen.push({ name, payload }));
    const created = await engine.call('brands.create', { name: 'Evented' });
    expect(created.ok).toBe(true);
    expect(seen).toEqual([{ name: 'brands.changed', payload: { id: (created as { data: { id: string } }).data.id, change: 'created' } }]);
  });

  it('keeps rows across a restart and applies no migration the second time', async () => {
    const { engine, dataDir } = await started();
    expect(engine.appliedMigrations).toEqual(MIGRATIONS.map((m) => m.version));
    await engine.call('brands.create', { name: 'Persistent' });
    await engine.stop();

    const again = engineIn(dataDir);
    await again.start();
    expect(again.appliedMigrations).toEqual([]);
    const list = await again.call('brands.list', {});
    expect(list).toMatchObject({ ok: true, data: [{ name: 'Persistent' }] });
  });

  it('refuses a second engine on a data folder that is in use, and takes over a stale lock', async () => {
    const { engine, dataDir } = await started();
    const second = engineIn(dataDir);
    await expect(second.start()).rejects.toMatchObject({ code: 'data_dir_locked' });
    await engine.stop();
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);

    // A lock left by a process that no longer exists.
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 7, host: 'server', startedAt: new Date().toISOString() }));
    const third = engineIn(dataDir);
    await third.start();
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
  });

  it('keeps settings in <dataDir>/settings.json and survives a hand-broken value', async () => {
    const { engine, dataDir } = await started();
    const updated = await engine.call('settings.update', { theme: 'dark', publishingPaused: true });
    expect(updated).toMatchObject({ ok: true, data: { theme: 'dark', publishingPaused: true } });
    const file = join(dataDir, 'settings.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ theme: 'dark', publishingPaused: true });

    writeFileSync(file, JSON.stringify({ theme: 'purple', publishingPaused: true }));
    const read = await engine.call('settings.get', {});
    expect(read).toMatchObject({ ok: true, data: { theme: 'system', publishingPaused: true } });
    expect(await engine.call('settings.update', { theme: 'sepia' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('tells the renderer whether a secret is set, never its value', async () => {
    const { engine } = await started();
    const set = await engine.call('secrets.set', { key: 'openai.apiKey', value: 'sk-very-secret' });
    expect(set).toEqual({ ok: true, data: { key: 'openai.apiKey', isSet: true } });
    const list = await engine.call('secrets.list', {});
    expect(JSON.stringify(list)).not.toContain('sk-very-secret');
    expect(list).toEqual({ ok: true, data: [{ key: 'openai.apiKey', isSet: true }] });
  });

  it('reports an unknown route by name', async () => {
    const { engine } = await started();
    expect(await engine.call('brands.explode', {})).toMatchObject({ ok: false, error: { code: 'unknown_route' } });
  });
});
