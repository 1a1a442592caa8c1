import { afterEach, describe, expect, it } from 'vitest';
import type { Account } from '../../../src/shared/contract';
import { createEngine, type CreatedEngine } from '../../../src/main/engine';
import { PublishError, type Credentials, type PlatformAdapter } from '../../../src/main/engine/platforms/PlatformAdapter';
import { runCli } from '../../fakes/cliProcess';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { freshDataDir, tempDir } from '../../fakes/tempDir';
import { startHarness } from './harness';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function engine(): Promise<{ engine: CreatedEngine; secrets: MemorySecretStore; brandId: string }> {
  const dir = await freshDataDir();
  cleanups.push(dir.cleanup);
  const secrets = new MemorySecretStore();
  const created = createEngine({ dataDir: dir.path, host: 'cli', secrets, log: () => undefined, openExternal: () => undefined });
  cleanups.push(() => created.stop());
  await created.start();
  const brand = await created.call('brands.create', { name: 'Northwind' });
  if (!brand.ok) throw new Error(brand.error.message);
  return { engine: created, secrets, brandId: (brand.data as { id: string }).id };
}

describe('accounts in the engine', () => {
  it('connects sandbox accounts and lists them, without touching the keychain', async () => {
    const { engine: e, secrets, brandId } = await engine();
    const first = await e.call('accounts.connectSandbox', { brandId, platform: 'x' });
    expect(first).toMatchObject({ ok: true, data: { platform: 'x', connection: 'sandbox', handle: 'sandbox', status: 'connected', tokenExpiresAt: null } });
    const second = await e.call('accounts.connectSandbox', { brandId, platform: 'x' });
    expect(second).toMatchObject({ ok: true, data: { handle: 'sandbox-2' } });
    const named = await e.call('accounts.connectSandbox', { brandId, platform: 'mastodon', handle: 'demo' });
    expect(named).toMatchObject({ ok: true, data: { handle: 'demo', instanceUrl: null } });
    expect(await e.call('accounts.connectSandbox', { brandId, platform: 'mastodon', handle: 'demo' })).toMatchObject({
      ok: false,
      error: { code: 'conflict', issues: [{ path: ['handle'] }] },
    });

    const list = await e.call('accounts.list', { brandId });
    expect(list.ok && (list.data as Account[]).map((a) => `${a.platform}:${a.handle}`)).toEqual(['mastodon:demo', 'x:sandbox', 'x:sandbox-2']);
    expect(await secrets.keys()).toEqual([]);

    const id = (first as { data: Account }).data.id;
    expect(await e.call('accounts.refresh', { id })).toMatchObject({ ok: true, data: { outcome: 'not_needed' } });
    expect(await e.call('accounts.disconnect', { id })).toMatchObject({ ok: true, data: { status: 'disconnected' } });
    expect(await e.call('accounts.reconnect', { id })).toMatchObject({ ok: true, data: { kind: 'done', account: { status: 'connected' } } });
  });

  it('refuses unknown brands and bad platforms at the boundary', async () => {
    const { engine: e } = await engine();
    expect(await e.call('accounts.connectSandbox', { brandId: '00000000-0000-4000-8000-000000000000', platform: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await e.call('accounts.connectSandbox', { brandId: '00000000-0000-4000-8000-000000000000', platform: 'myspace' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: ['platform'] }] },
    });
    expect(await e.call('accounts.connectAppPassword', { brandId: '00000000-0000-4000-8000-000000000000', platform: 'x', identifier: 'a', appPassword: 'b' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('tells which secret to set before a browser sign-in to a platform without a client id', async () => {
    const { engine: e, brandId } = await engine();
    expect(await e.call('accounts.startOAuth', { brandId, platform: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'missing_client_credentials', message: expect.stringContaining('platform.x.clientId') },
    });
  });
});

describe('Bluesky app passwords', () => {
  function fakeBluesky(calls: { identifier: string; appPassword: string; service?: string }[]): PlatformAdapter & { login(i: { identifier: string; appPassword: string; service?: string }): Promise<Credentials> } {
    const refuse = async (): Promise<never> => {
      throw new PublishError('unavailable', 'not in this fake');
    };
    return {
      platform: 'bluesky',
      connection: 'app-password',
      async login(input) {
        calls.push(input);
        if (input.appPassword !== 'abcd-efgh-ijkl-mnop') throw new PublishError('auth', 'Invalid identifier or password', { status: 401 });
        return { accessToken: 'jwt-access-SECRET', refreshToken: 'jwt-refresh-SECRET', expiresAt: '2026-03-01T14:00:00.000Z', extra: { did: 'did:plc:abc', service: 'https://pds.example' } };
      },
      refresh: refuse,
      me: async () => ({ platformUserId: 'did:plc:abc', handle: 'northwind.bsky.social', displayName: 'Northwind' }),
      publish: refuse,
      findExisting: refuse,
      delete: refuse,
      metrics: refuse,
      mentions: refuse,
    };
  }

  it('signs in with createSession, keeps only the session in the keychain, and reconnects the same row', async () => {
    const calls: { identifier: string; appPassword: string; service?: string }[] = [];
    const h = await startHarness({ adapterFor: (p) => (p === 'bluesky' ? fakeBluesky(calls) : null), openExternal: () => undefined });
    cleanups.push(() => h.close());
    const input = { brandId: h.brandId, platform: 'bluesky', identifier: 'northwind.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' };

    const account = await h.ok<Account>('accounts.connectAppPassword', input);
    expect(account).toMatchObject({ connection: 'app-password', handle: 'northwind.bsky.social', platformUserId: 'did:plc:abc', tokenExpiresAt: '2026-03-01T14:00:00.000Z' });
    expect(calls).toEqual([{ identifier: 'northwind.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop', service: undefined }]);
    const stored = h.secrets.values.get(`account.${account.id}.credentials`)!;
    expect(JSON.parse(stored)).toMatchObject({ accessToken: 'jwt-access-SECRET', refreshToken: 'jwt-refresh-SECRET' });
    expect(stored).not.toContain('abcd-efgh-ijkl-mnop');
    expect([...h.secrets.values.values()].join()).not.toContain('abcd-efgh-ijkl-mnop');
    for (const text of ['jwt-access-SECRET', 'jwt-refresh-SECRET', 'abcd-efgh-ijkl-mnop']) {
      expect(await h.dbDump()).not.toContain(text);
      expect(JSON.stringify(await h.ok('accounts.list', {}))).not.toContain(text);
    }

    const wrong = await h.call('accounts.connectAppPassword', { ...input, appPassword: 'nope' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'auth_failed', message: expect.stringContaining('Invalid identifier or password') } });

    await h.module.credentials.markNeedsReconnect(account.id, 'Bluesky: session revoked');
    const again = await h.ok<Account>('accounts.connectAppPassword', input);
    expect(again).toMatchObject({ id: account.id, status: 'connected', statusReason: null });
    expect(await h.ok<Account[]>('accounts.list', {})).toHaveLength(1);
  });
});

describe('chorus accounts', () => {
  it('connects a sandbox account and lists it, as text and as JSON', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const env = { CHORUS_DATA_DIR: dir.path };
    expect((await runCli(['brands', 'create', '--name', 'Northwind Coffee', '--timezone', 'UTC'], env)).code).toBe(0);

    const connect = await runCli(['accounts', 'connect-sandbox', '--brand', 'northwind coffee', '--platform', 'linkedin', '--json'], env);
    expect(connect.code, connect.stderr).toBe(0);
    expect(JSON.parse(connect.stdout)).toMatchObject({ platform: 'linkedin', connection: 'sandbox', handle: 'sandbox' });

    const list = await runCli(['accounts', 'list', '--brand', 'Northwind Coffee', '--json'], env);
    expect(JSON.parse(list.stdout)).toMatchObject([{ platform: 'linkedin', status: 'connected' }]);
    const human = await runCli(['accounts', 'list'], env);
    expect(human.stdout).toMatch(/Northwind Coffee\s+LinkedIn\s+sandbox\s+sandbox\s+connected/);

    const missing = await runCli(['accounts', 'list', '--brand', 'Nope', '--json'], env);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 'not_found' } });
    expect((await runCli(['accounts', 'connect-sandbox', '--brand', 'Northwind Coffee', '--platform', 'myspace'], env)).code).toBe(2);
  });
});
