import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, KeytarSecretStore, KEYCHAIN_SERVICE } from '../../../src/main/engine';
import { REPO_ROOT } from '../../fakes/cliProcess';
import { freshDataDir } from '../../fakes/tempDir';

// These tests talk to the real OS keychain. On Linux, `npm test` provides a
// throwaway gnome-keyring on a private D-Bus session (scripts/with-keyring.sh).
const onLinux = process.platform === 'linux';
if (onLinux && !process.env.CHORUS_TEST_KEYRING) {
  throw new Error('Run the keychain tests through `npm test` (or scripts/with-keyring.sh npx vitest run): they need a Secret Service.');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('KeytarSecretStore (real Secret Service)', () => {
  it('uses the service name Chorus', () => {
    expect(KEYCHAIN_SERVICE).toBe('Chorus');
  });

  it('stores, reads, lists and deletes a secret', async () => {
    const store = new KeytarSecretStore(onLinux ? KEYCHAIN_SERVICE : `Chorus-test-${process.pid}`);
    const key = `test.${Date.now()}`;
    await store.set(key, 'pa$$word with ünïcode ✓');
    expect(await store.get(key)).toBe('pa$$word with ünïcode ✓');
    expect(await store.keys()).toContain(key);
    expect(await store.delete(key)).toBe(true);
    expect(await store.get(key)).toBeNull();
    expect(await store.keys()).not.toContain(key);
    expect(await store.delete(key)).toBe(false);
  });

  it('never writes a secret into the data folder', async () => {
    const dir = await freshDataDir();
    const engine = createEngine({ dataDir: dir.path, host: 'cli', log: () => undefined });
    try {
      await engine.start();
      const value = `sk-unique-${Date.now()}-marker`;
      expect(await engine.call('secrets.set', { key: 'openai.apiKey', value })).toEqual({
        ok: true,
        data: { key: 'openai.apiKey', isSet: true },
      });
      await engine.stop();
      const leaked = filesUnder(dir.path).filter((file) => readFileSync(file).includes(value));
      expect(leaked).toEqual([]);
      await new KeytarSecretStore().delete('openai.apiKey');
    } finally {
      await engine.stop();
      dir.cleanup();
    }
  });

  it.runIf(onLinux)('gives a clear keychain_unavailable error when no Secret Service can be reached', async () => {
    // libsecret binds to the session bus once per process, so this runs in a child.
    const script = `
      import { KeytarSecretStore } from './src/main/engine/secrets/KeytarSecretStore.ts';
      try { await new KeytarSecretStore().set('probe', 'x'); console.log(JSON.stringify({ ok: true })); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: REPO_ROOT,
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/chorus-bus', DISPLAY: '' },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
    const result = JSON.parse(output.trim().split('\n').at(-1)!);
    expect(result.code).toBe('keychain_unavailable');
    expect(result.message).toMatch(/gnome-keyring/);
    expect(result.message).toMatch(/never written to disk/);
  });
});
