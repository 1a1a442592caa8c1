import { afterEach, describe, expect, it } from 'vitest';
import type { Account, OAuthFlowStatus } from '../../../src/shared/contract';
import { fakeOAuthAdapter, FakeOAuthServer, followInBrowser } from '../../fakes/FakeOAuthServer';
import { startHarness, until, waitForEvent, type Harness } from './harness';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(openExternal?: (url: string) => Promise<void>) {
  const server = await new FakeOAuthServer().start();
  cleanups.push(() => server.stop());
  const pages: { status: number; body: string }[] = [];
  let clockNow = () => Date.now();
  const h: Harness = await startHarness({
    adapterFor: (platform) => fakeOAuthAdapter(server, { platform, now: () => clockNow() }),
    openExternal: openExternal ?? (async (url) => void pages.push(await followInBrowser(url))),
    signInTimeoutMs: 5_000,
  });
  clockNow = () => h.clock.now;
  cleanups.push(() => h.close());
  return { server, h, pages };
}

const finished = (h: Harness, flowId: string) =>
  waitForEvent(h, 'accounts.oauthFinished', (p) => (p as OAuthFlowStatus).flowId === flowId) as Promise<OAuthFlowStatus>;

describe('connecting through the browser (OAuth 2 + PKCE, loopback redirect)', () => {
  it('signs in end to end: PKCE checked by the server, tokens in the keychain only, account listed', async () => {
    const { server, h, pages } = await setUp();
    await h.secrets.set('platform.x.clientId', 'chorus-test-client');

    const started = await h.ok<{ flowId: string; authorizeUrl: string }>('accounts.startOAuth', { brandId: h.brandId, platform: 'x' });
    const authorize = new URL(started.authorizeUrl);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    const status = await finished(h, started.flowId);
    expect(status).toMatchObject({ state: 'connected', error: null });
    await until(() => pages.length > 0);
    expect(pages[0]).toMatchObject({ status: 200, body: expect.stringContaining('You can close this tab') });
    expect(server.verifiedPkce).toHaveLength(1);
    expect(await h.ok('accounts.oauthStatus', { flowId: started.flowId })).toEqual(status);

    const [account] = await h.ok<Account[]>('accounts.list', { brandId: h.brandId });
    expect(account).toMatchObject({
      id: status.accountId,
      platform: 'x',
      connection: 'oauth2-pkce',
      handle: 'northwind',
      displayName: 'Northwind Coffee',
      platformUserId: '1001',
      status: 'connected',
      tokenExpiresAt: expect.any(String),
    });
    expect(h.events).toContainEqual({ name: 'accounts.changed', payload: { id: account!.id, status: 'connected' } });

    const stored = JSON.parse(h.secrets.values.get(`account.${account!.id}.credentials`)!);
    expect(server.accessTokens.has(stored.accessToken)).toBe(true);
    expect(server.refreshTokens.has(stored.refreshToken)).toBe(true);

    // No token anywhere but the keychain: not in any table, API answer, event, or file of the data folder.
    const outputs = JSON.stringify([await h.ok('accounts.list', {}), h.events]);
    for (const secret of [stored.accessToken, stored.refreshToken]) {
      expect(await h.dbDump()).not.toContain(secret);
      expect(outputs).not.toContain(secret);
      expect(h.filesContain(secret)).toBe(false);
    }
  });

  it('asks for the platform’s client id when it is not set', async () => {
    const { h } = await setUp();
    const result = await h.call('accounts.startOAuth', { brandId: h.brandId, platform: 'linkedin' });
    expect(result).toMatchObject({ ok: false, error: { code: 'missing_client_credentials', message: expect.stringContaining('platform.linkedin.clientId') } });
  });

  it('reports access_denied with the platform’s reason and connects nothing', async () => {
    const { server, h, pages } = await setUp();
    await h.secrets.set('platform.x.clientId', 'chorus-test-client');
    server.nextDecision = 'deny';
    const started = await h.ok<{ flowId: string }>('accounts.startOAuth', { brandId: h.brandId, platform: 'x' });
    const status = await finished(h, started.flowId);
    expect(status).toMatchObject({ state: 'failed', accountId: null, error: { code: 'auth_failed', message: expect.stringContaining('The user denied the request') } });
    await until(() => pages.length > 0);
    expect(pages[0]!.body).toContain('The user denied the request');
    expect(await h.ok('accounts.list', {})).toEqual([]);
    expect(server.tokenRequests).toBe(0);
  });

  it('refuses an answer with a forged state and never redeems its code', async () => {
    const { server, h, pages } = await setUp();
    await h.secrets.set('platform.x.clientId', 'chorus-test-client');
    server.nextDecision = 'forge-state';
    const started = await h.ok<{ flowId: string }>('accounts.startOAuth', { brandId: h.brandId, platform: 'x' });
    const status = await finished(h, started.flowId);
    expect(status).toMatchObject({ state: 'failed', error: { code: 'auth_failed', message: expect.stringContaining('state did not match') } });
    await until(() => pages.length > 0);
    expect(pages[0]!.status).toBe(400);
    expect(server.tokenRequests).toBe(0);
    expect(await h.ok('accounts.list', {})).toEqual([]);
  });

  it('returns the link even when no browser can be opened; shutting down ends the wait with a clear error', async () => {
    const { h } = await setUp(async () => {
      throw new Error('no display');
    });
    await h.secrets.set('platform.x.clientId', 'chorus-test-client');
    const module = h.module;
    expect(module.name).toBe('accounts');
    const started = await h.ok<{ flowId: string; authorizeUrl: string }>('accounts.startOAuth', { brandId: h.brandId, platform: 'x' });
    expect(started.authorizeUrl).toContain('/authorize?');
    expect(await h.ok('accounts.oauthStatus', { flowId: started.flowId })).toMatchObject({ state: 'waiting' });
    await module.stop?.();
    const status = await finished(h, started.flowId);
    expect(status).toMatchObject({ state: 'failed', error: { code: 'auth_failed' } });
  });

  it('registers an app on the Mastodon server with the loopback redirect, then signs in', async () => {
    const { server, h } = await setUp();
    const started = await h.ok<{ flowId: string }>('accounts.startOAuth', { brandId: h.brandId, platform: 'mastodon', instanceUrl: `${server.baseUrl}/about` });
    const status = await finished(h, started.flowId);
    expect(status.state).toBe('connected');
    expect(server.registeredRedirects).toHaveLength(1);
    expect(server.registeredRedirects[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    const account = (await h.ok<Account[]>('accounts.list', {}))[0]!;
    expect(account).toMatchObject({ connection: 'mastodon-app', instanceUrl: server.baseUrl, handle: `northwind@${new URL(server.baseUrl).host}` });
    const stored = JSON.parse(h.secrets.values.get(`account.${account.id}.credentials`)!);
    expect(stored.extra).toMatchObject({ instanceUrl: server.baseUrl, clientId: expect.stringMatching(/^app_/), clientSecret: expect.any(String) });
    expect(await h.dbDump()).not.toContain(stored.extra.clientSecret);
  });

  it('asks for the Mastodon server when it is missing', async () => {
    const { h } = await setUp();
    const result = await h.call('accounts.startOAuth', { brandId: h.brandId, platform: 'mastodon' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: ['instanceUrl'] }] } });
  });

  it('reconnects an account that needs it, keeping its id, and refuses another identity', async () => {
    const { server, h } = await setUp();
    await h.secrets.set('platform.x.clientId', 'chorus-test-client');
    const first = await h.ok<{ flowId: string }>('accounts.startOAuth', { brandId: h.brandId, platform: 'x' });
    const accountId = (await finished(h, first.flowId)).accountId!;
    await h.module.credentials.markNeedsReconnect(accountId, 'X revoked the app.');
    expect((await h.ok<Account[]>('accounts.list', {}))[0]).toMatchObject({ status: 'needs_reconnect', statusReason: 'X revoked the app.' });

    const again = await h.ok<{ kind: string; flowId: string }>('accounts.reconnect', { id: accountId });
    expect(again.kind).toBe('oauth');
    expect(await finished(h, again.flowId)).toMatchObject({ state: 'connected', accountId });
    const list = await h.ok<Account[]>('accounts.list', {});
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: accountId, status: 'connected', statusReason: null });

    server.user = { id: '2002', username: 'someone_else', name: 'Someone Else' };
    const wrong = await h.ok<{ flowId: string }>('accounts.reconnect', { id: accountId });
    expect(await finished(h, wrong.flowId)).toMatchObject({ state: 'failed', error: { code: 'conflict', message: expect.stringContaining('someone_else') } });
  });

  it('disconnects: the keychain entry goes, the row stays marked disconnected', async () => {
    const { h } = await setUp();
    await h.secrets.set('platform.x.clientId', 'chorus-test-client');
    const started = await h.ok<{ flowId: string }>('accounts.startOAuth', { brandId: h.brandId, platform: 'x' });
    const accountId = (await finished(h, started.flowId)).accountId!;
    expect(h.secrets.values.has(`account.${accountId}.credentials`)).toBe(true);

    const account = await h.ok<Account>('accounts.disconnect', { id: accountId });
    expect(account).toMatchObject({ status: 'disconnected', tokenExpiresAt: null });
    expect(h.secrets.values.has(`account.${accountId}.credentials`)).toBe(false);
    await expect(h.module.credentials.forAccount(accountId)).rejects.toMatchObject({ name: 'PublishError', kind: 'auth' });
  });
});
