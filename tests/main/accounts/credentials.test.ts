import { afterEach, describe, expect, it } from 'vitest';
import type { Account, AccountRefreshResult, OAuthFlowStatus } from '../../../src/shared/contract';
import { PublishError } from '../../../src/main/engine/platforms/PlatformAdapter';
import { fakeOAuthAdapter, FakeOAuthServer, followInBrowser } from '../../fakes/FakeOAuthServer';
import { startHarness, waitForEvent, type Harness } from './harness';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const MINUTE = 60_000;

/** A connected X account whose access token expires two hours after the fake clock's start. */
async function connected(): Promise<{ server: FakeOAuthServer; h: Harness; id: string; key: string }> {
  const server = await new FakeOAuthServer().start();
  cleanups.push(() => server.stop());
  let now = () => Date.now();
  const h = await startHarness({
    adapterFor: (platform) => fakeOAuthAdapter(server, { platform, now: () => now() }),
    openExternal: (url) => followInBrowser(url).then(() => undefined),
  });
  now = () => h.clock.now;
  cleanups.push(() => h.close());
  await h.secrets.set('platform.x.clientId', 'chorus-test-client');
  const { flowId } = await h.ok<{ flowId: string }>('accounts.startOAuth', { brandId: h.brandId, platform: 'x' });
  const status = (await waitForEvent(h, 'accounts.oauthFinished', (p) => (p as OAuthFlowStatus).flowId === flowId)) as OAuthFlowStatus;
  expect(status.state).toBe('connected');
  return { server, h, id: status.accountId!, key: `account.${status.accountId}.credentials` };
}

const stored = (h: Harness, key: string) => JSON.parse(h.secrets.values.get(key)!) as { accessToken: string; refreshToken: string; expiresAt: string };

describe('account credentials (CredentialProvider)', () => {
  it('returns the stored token while it is fresh and refreshes it five minutes before expiry', async () => {
    const { server, h, id, key } = await connected();
    const first = stored(h, key);
    expect(Date.parse(first.expiresAt)).toBe(h.clock.now + 2 * 60 * MINUTE);

    h.clock.now += 2 * 60 * MINUTE - 6 * MINUTE;
    expect((await h.module.credentials.forAccount(id)).accessToken).toBe(first.accessToken);
    expect(server.refreshRequests).toBe(0);

    h.clock.now += 2 * MINUTE; // 4 minutes left
    const fresh = await h.module.credentials.forAccount(id);
    expect(server.refreshRequests).toBe(1);
    expect(fresh.accessToken).not.toBe(first.accessToken);
    expect(server.accessTokens.has(fresh.accessToken)).toBe(true);
    expect(stored(h, key)).toMatchObject({ accessToken: fresh.accessToken, refreshToken: fresh.refreshToken });
    const account = await h.accounts.get(id);
    expect(account.tokenExpiresAt).toBe(new Date(h.clock.now + 2 * 60 * MINUTE).toISOString());
    expect(account.lastRefreshedAt).toBe(new Date(h.clock.now).toISOString());
  });

  it('shares one refresh among five concurrent callers', async () => {
    const { server, h, id } = await connected();
    h.clock.now += 2 * 60 * MINUTE + MINUTE; // expired
    const results = await Promise.all(Array.from({ length: 5 }, () => h.module.credentials.forAccount(id)));
    expect(server.refreshRequests).toBe(1);
    expect(new Set(results.map((c) => c.accessToken)).size).toBe(1);
  });

  it('keeps the refresh token and the connection when a refresh fails for a passing reason', async () => {
    const { server, h, id, key } = await connected();
    const before = stored(h, key);
    h.clock.now += 2 * 60 * MINUTE + MINUTE; // expired: nothing to fall back on
    server.http.failNext('POST', '/token', { kind: 'status', status: 503, json: { error: 'temporarily_unavailable', error_description: 'Try again later' } });

    const failure = await h.module.credentials.forAccount(id).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PublishError);
    expect(failure).toMatchObject({ kind: 'transient' });
    expect(stored(h, key)).toEqual(before);
    expect(server.refreshTokens.has(before.refreshToken)).toBe(true);
    expect(await h.accounts.get(id)).toMatchObject({ status: 'connected', lastRefreshError: expect.stringContaining('Try again later') });

    // The next call refreshes with the same refresh token and clears the warning.
    const fresh = await h.module.credentials.forAccount(id);
    expect(server.accessTokens.has(fresh.accessToken)).toBe(true);
    expect(await h.accounts.get(id)).toMatchObject({ status: 'connected', lastRefreshError: null });
  });

  it('uses the still-valid token when an early refresh fails for a passing reason', async () => {
    const { server, h, id, key } = await connected();
    const before = stored(h, key);
    h.clock.now += 2 * 60 * MINUTE - 2 * MINUTE;
    server.http.failNext('POST', '/token', { kind: 'status', status: 502 });
    expect((await h.module.credentials.forAccount(id)).accessToken).toBe(before.accessToken);
    expect(stored(h, key)).toEqual(before);
    expect((await h.accounts.get(id)).status).toBe('connected');
  });

  it('marks a revoked grant needs_reconnect with the platform’s reason and never drops the refresh token', async () => {
    const { server, h, id, key } = await connected();
    const before = stored(h, key);
    server.revokeAll();
    h.clock.now += 2 * 60 * MINUTE + MINUTE;

    await expect(h.module.credentials.forAccount(id)).rejects.toMatchObject({ kind: 'auth', details: { revoked: true } });
    const account = await h.accounts.get(id);
    expect(account).toMatchObject({ status: 'needs_reconnect', statusReason: expect.stringContaining('Token has been revoked') });
    expect(h.events).toContainEqual({ name: 'accounts.changed', payload: { id, status: 'needs_reconnect' } });
    expect(h.secrets.values.has(key)).toBe(true);
    expect(stored(h, key).refreshToken).toBe(before.refreshToken);

    // Publishing stops asking the platform until the person reconnects.
    const requests = server.refreshRequests;
    await expect(h.module.credentials.forAccount(id)).rejects.toMatchObject({ kind: 'auth', message: account.statusReason });
    expect(server.refreshRequests).toBe(requests);
  });

  it('refreshes on demand (accounts.refresh) and says what happened', async () => {
    const { server, h, id, key } = await connected();
    const refreshed = await h.ok<AccountRefreshResult>('accounts.refresh', { id });
    expect(refreshed).toMatchObject({ outcome: 'refreshed', message: null, account: { id, status: 'connected' } });
    expect(server.refreshRequests).toBe(1);

    server.http.failNext('POST', '/token', { kind: 'status', status: 500, json: { error: 'server_error', error_description: 'Upstream broke' } });
    expect(await h.ok<AccountRefreshResult>('accounts.refresh', { id })).toMatchObject({ outcome: 'failed', message: expect.stringContaining('Upstream broke') });

    const kept = stored(h, key).refreshToken;
    server.revokeAll();
    const revoked = await h.ok<AccountRefreshResult>('accounts.refresh', { id });
    expect(revoked).toMatchObject({ outcome: 'needs_reconnect', account: { status: 'needs_reconnect' } });
    expect(stored(h, key).refreshToken).toBe(kept);
    expect(JSON.stringify(revoked)).not.toContain(kept);
  });

  it('asks for a reconnect when the keychain lost the account’s entry', async () => {
    const { h, id, key } = await connected();
    h.secrets.values.delete(key);
    await expect(h.module.credentials.forAccount(id)).rejects.toMatchObject({ kind: 'auth' });
    expect(await h.accounts.get(id)).toMatchObject({ status: 'needs_reconnect', statusReason: expect.stringContaining('keychain') });
  });

  it('marks an account for reconnecting on the publisher’s word, keeping its tokens', async () => {
    const { h, id, key } = await connected();
    await h.module.credentials.markNeedsReconnect(id, 'X: Your app was suspended.');
    expect((await h.ok<Account[]>('accounts.list', {}))[0]).toMatchObject({ status: 'needs_reconnect', statusReason: 'X: Your app was suspended.' });
    expect(h.secrets.values.has(key)).toBe(true);
  });
});
