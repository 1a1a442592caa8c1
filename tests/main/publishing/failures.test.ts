import { afterEach, describe, expect, it } from 'vitest';
import type { Account, PostEvent } from '../../../src/shared/contract';
import { createAdapterRegistry } from '../../../src/main/engine/platforms/adapterRegistry';
import { PublishError } from '../../../src/main/engine/platforms/PlatformAdapter';
import { keychainCredentials } from '../../../src/main/engine/publishing/keychainCredentials';
import { ScriptedAdapter } from '../../fakes/ScriptedAdapter';
import { Harness, inSeconds, type HarnessOptions } from './harness';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.dispose();
});

/** A harness whose Mastodon accounts publish through `adapter`. */
async function withAdapter(adapter: ScriptedAdapter, options: HarnessOptions = {}) {
  const h = await Harness.create({
    ...options,
    adapters: (dataDir) => {
      const registry = createAdapterRegistry({ dataDir });
      registry.register('mastodon', () => adapter);
      return registry;
    },
  });
  harnesses.push(h);
  const brandId = await h.brand();
  const accountId = await h.platformAccount(brandId, 'mastodon');
  return { h, brandId, accountId };
}

async function scheduleOne(h: Harness, brandId: string, accountId: string) {
  const id = await h.draft(brandId, accountId, 'A post that meets trouble');
  await h.ok('posts.schedule', { id, at: inSeconds(0) });
  return id;
}

const kinds = (history: PostEvent[]) => history.map((e) => (e.errorKind ? `${e.kind}:${e.errorKind}` : e.kind));

describe('publishing failures', () => {
  it('fails an invalid post at once, with the platform’s words', async () => {
    const adapter = new ScriptedAdapter().then(new PublishError('invalid', 'Validation failed: Text character limit of 500 exceeded', { status: 422 }));
    const { h, brandId, accountId } = await withAdapter(adapter);
    const id = await scheduleOne(h, brandId, accountId);
    const post = await h.until(id, ['published', 'failed']);
    expect(post).toMatchObject({ status: 'failed', failureKind: 'invalid', failureReason: 'Validation failed: Text character limit of 500 exceeded' });
    expect(adapter.calls.publish).toBe(1);
    expect(kinds(await h.ctx.repos.posts.history(id))).toEqual(['created', 'scheduled', 'attempt', 'failed:invalid']);
    expect(h.events).toContainEqual({
      name: 'publish.result',
      payload: { postId: id, status: 'failed', failureKind: 'invalid', reason: 'Validation failed: Text character limit of 500 exceeded' },
    });
  });

  it('fails at once when the platform or feature is unavailable', async () => {
    const adapter = new ScriptedAdapter().then(new PublishError('unavailable', 'This app may only post privately until it is audited.'));
    const { h, brandId, accountId } = await withAdapter(adapter);
    const id = await scheduleOne(h, brandId, accountId);
    expect(await h.until(id, ['published', 'failed'])).toMatchObject({ status: 'failed', failureKind: 'unavailable' });
  });

  it('retries transient failures with backoff and publishes', async () => {
    const adapter = new ScriptedAdapter().then(new PublishError('transient', 'mastodon answered HTTP 503.'), new PublishError('transient', 'mastodon did not answer in time.'));
    const { h, brandId, accountId } = await withAdapter(adapter);
    const id = await scheduleOne(h, brandId, accountId);
    const post = await h.until(id, ['published', 'failed']);
    expect(post).toMatchObject({ status: 'published', attempts: 3, failureKind: null, platformUrl: 'https://example.test/p/1' });
    const history = await h.ctx.repos.posts.history(id);
    expect(kinds(history)).toEqual(['created', 'scheduled', 'attempt', 'retry:transient', 'attempt', 'retry:transient', 'attempt', 'published']);
    expect(history[3]!.message).toBe('mastodon answered HTTP 503.');
    // Each retry came after a transient failure, so the platform was asked first.
    expect(adapter.calls.findExisting).toBe(2);
  });

  it('never posts twice: a publish that went through before failing is found, not repeated', async () => {
    const adapter = new ScriptedAdapter().then({ wentThrough: true, then: new PublishError('transient', 'mastodon did not answer in time.') });
    const { h, brandId, accountId } = await withAdapter(adapter);
    const id = await scheduleOne(h, brandId, accountId);
    const post = await h.until(id, ['published', 'failed']);
    expect(post.status).toBe('published');
    expect(adapter.calls.publish).toBe(1);
    expect(adapter.posts.size).toBe(1);
    const published = (await h.ctx.repos.posts.history(id)).at(-1)!;
    expect(published).toMatchObject({ kind: 'published', detail: { foundExisting: true } });
  });

  it('gives up on transient failures after the last attempt, with the last reason', async () => {
    const adapter = new ScriptedAdapter().then(
      ...Array.from({ length: 3 }, (_, i) => new PublishError('transient', `mastodon answered HTTP 502 (try ${i + 1}).`)),
    );
    const { h, brandId, accountId } = await withAdapter(adapter);
    const id = await scheduleOne(h, brandId, accountId);
    const post = await h.until(id, ['published', 'failed']);
    expect(post).toMatchObject({ status: 'failed', failureKind: 'transient', failureReason: 'mastodon answered HTTP 502 (try 3).', attempts: 3 });
  });

  it('waits out a rate limit until the time the platform gave', async () => {
    const adapter = new ScriptedAdapter();
    const { h, brandId, accountId } = await withAdapter(adapter);
    // The platform's time is set once the host is up: starting it can take longer than the wait itself.
    const retryAt = new Date(Date.now() + 1500);
    adapter.then(new PublishError('rate_limited', 'Rate limit exceeded', { status: 429, retryAt }));
    const id = await scheduleOne(h, brandId, accountId);
    const post = await h.until(id, ['published', 'failed']);
    expect(post.status).toBe('published');
    expect(Date.parse(post.publishedAt!)).toBeGreaterThanOrEqual(retryAt.getTime());
    const retry = (await h.ctx.repos.posts.history(id)).find((e) => e.kind === 'retry')!;
    expect(retry).toMatchObject({ errorKind: 'rate_limited', message: 'Rate limit exceeded', detail: { retryAt: retryAt.toISOString() } });
  });

  it('refreshes once on auth, and flags the account when that does not fix it', async () => {
    const adapter = new ScriptedAdapter().then(
      new PublishError('auth', 'The access token was revoked', { status: 401 }),
      new PublishError('auth', 'The access token was revoked', { status: 401 }),
    );
    let refreshes = 0;
    const { h, brandId, accountId } = await withAdapter(adapter, {
      credentials: (ctx) => ({
        ...keychainCredentials(ctx),
        async refresh() {
          refreshes++;
          return { accessToken: 'token-2' };
        },
      }),
    });
    const id = await scheduleOne(h, brandId, accountId);
    const post = await h.until(id, ['published', 'failed']);
    expect(post).toMatchObject({ status: 'failed', failureKind: 'auth', failureReason: 'The access token was revoked' });
    expect(refreshes).toBe(1);
    expect(adapter.calls.tokens).toEqual(['token-1', 'token-2']);
    const [account] = (await h.ctx.repos.accounts.list(brandId)) as Account[];
    expect(account).toMatchObject({ status: 'needs_reconnect', statusReason: 'The access token was revoked' });
    expect(h.events).toContainEqual({ name: 'accounts.changed', payload: { id: accountId, status: 'needs_reconnect' } });
  });

  it('publishes after an auth failure that a refresh fixes', async () => {
    const adapter = new ScriptedAdapter().then(new PublishError('auth', 'Token expired', { status: 401 }));
    const { h, brandId, accountId } = await withAdapter(adapter, {
      credentials: (ctx) => ({ ...keychainCredentials(ctx), refresh: async () => ({ accessToken: 'token-2' }) }),
    });
    const id = await scheduleOne(h, brandId, accountId);
    expect(await h.until(id, ['published', 'failed'])).toMatchObject({ status: 'published' });
    expect((await h.ctx.repos.accounts.list(brandId))[0]!.status).toBe('connected');
  });

  it('fails with auth when no sign-in is stored, and leaves no post in publishing', async () => {
    const adapter = new ScriptedAdapter();
    const { h, brandId, accountId } = await withAdapter(adapter);
    await h.secrets.delete(`account.${accountId}.credentials`);
    const ids = [await scheduleOne(h, brandId, accountId), await scheduleOne(h, brandId, accountId)];
    for (const id of ids) expect(await h.until(id, ['published', 'failed'])).toMatchObject({ status: 'failed', failureKind: 'auth' });
    expect(adapter.calls.publish).toBe(0);
    expect(await h.ctx.repos.posts.count('publishing')).toBe(0);
  });
});
