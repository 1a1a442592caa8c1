import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AtpAgent } from '@atproto/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlueskyAdapter, recordKeyFor } from '../../../../src/main/engine/platforms/adapters/bluesky';
import { PublishError, type Credentials } from '../../../../src/main/engine/platforms/PlatformAdapter';
import { startLocalPds, type LocalPds, type LocalPdsAccount } from '../../../fakes/platforms/localPds';
import { tempDir } from '../../../fakes/tempDir';

// A 1×1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let pds: LocalPds;
let alice: LocalPdsAccount;
let bob: LocalPdsAccount;
let reader: AtpAgent;
let credentials: Credentials;
let files: { path: string; cleanup: () => void };

async function caught(promise: Promise<unknown>): Promise<PublishError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
}

function byteOffset(text: string, sub: string): { byteStart: number; byteEnd: number } {
  const index = text.indexOf(sub);
  const byteStart = Buffer.byteLength(text.slice(0, index), 'utf8');
  return { byteStart, byteEnd: byteStart + Buffer.byteLength(sub, 'utf8') };
}

async function getPost(uri: string) {
  const [, , repo, collection, rkey] = uri.split('/');
  return reader.com.atproto.repo.getRecord({ repo: repo!, collection: collection!, rkey: rkey! });
}

async function postCount(): Promise<number> {
  const res = await reader.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.post', limit: 100 });
  return res.data.records.length;
}

beforeAll(async () => {
  pds = await startLocalPds();
  alice = await pds.createAccount('alice');
  bob = await pds.createAccount('bob');
  reader = await pds.agentFor(alice);
  credentials = await createBlueskyAdapter({ baseUrl: pds.url }).login({ identifier: alice.handle, appPassword: alice.appPassword });
  files = tempDir('chorus-bsky-');
});

afterAll(async () => {
  files?.cleanup();
  await pds?.stop();
});

describe('Bluesky adapter against a real PDS', () => {
  const adapter = () => createBlueskyAdapter({ baseUrl: pds.url });

  it('logs in with an app password and reports who the account is', async () => {
    expect(credentials.extra).toMatchObject({ did: alice.did, handle: alice.handle });
    expect(credentials.refreshToken).toBeTruthy();
    expect(Date.parse(credentials.expiresAt!)).toBeGreaterThan(Date.now());
    const me = await adapter().me(credentials);
    expect(me).toEqual({ platformUserId: alice.did, handle: alice.handle, displayName: alice.handle });
  });

  it('publishes a post whose link, tag and mention facets carry UTF-8 byte ranges', async () => {
    const text = 'Café ☕ 日本語 — launch day 🎉 with @bob.test, see https://example.com/launch?x=1 #launch2025';
    const post = await adapter().publish(credentials, { text, media: [], idempotencyKey: 'facets-1' });
    expect(post.platformPostId).toBe(`at://${alice.did}/app.bsky.feed.post/${recordKeyFor('facets-1', 0)}`);
    expect(post.url).toBe(`https://bsky.app/profile/${alice.handle}/post/${recordKeyFor('facets-1', 0)}`);

    const record = (await getPost(post.platformPostId)).data.value as { text: string; facets: { index: object; features: Record<string, string>[] }[] };
    expect(record.text).toBe(text);
    const find = (type: string) => record.facets.find((f) => f.features[0]!.$type === type);
    expect(find('app.bsky.richtext.facet#link')).toMatchObject({
      index: byteOffset(text, 'https://example.com/launch?x=1'),
      features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/launch?x=1' }],
    });
    expect(find('app.bsky.richtext.facet#tag')).toMatchObject({
      index: byteOffset(text, '#launch2025'),
      features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'launch2025' }],
    });
    expect(find('app.bsky.richtext.facet#mention')).toMatchObject({
      index: byteOffset(text, '@bob.test'),
      features: [{ $type: 'app.bsky.richtext.facet#mention', did: bob.did }],
    });
    // Multi-byte characters come first, so character offsets would be wrong.
    expect(byteOffset(text, '#launch2025').byteStart).toBeGreaterThan(text.indexOf('#launch2025'));
  });

  it('publishes a thread as replies pointing at the root and the previous post', async () => {
    const post = await adapter().publish(credentials, { text: 'Thread 1/3', thread: ['Thread 2/3', 'Thread 3/3'], media: [], idempotencyKey: 'thread-1' });
    expect(post.threadPostIds).toHaveLength(2);
    const root = await getPost(post.platformPostId);
    const second = await getPost(post.threadPostIds![0]!);
    const third = await getPost(post.threadPostIds![1]!);
    expect((root.data.value as { reply?: unknown }).reply).toBeUndefined();
    expect((second.data.value as { reply: unknown }).reply).toEqual({ root: { uri: root.data.uri, cid: root.data.cid }, parent: { uri: root.data.uri, cid: root.data.cid } });
    expect((third.data.value as { reply: unknown }).reply).toEqual({ root: { uri: root.data.uri, cid: root.data.cid }, parent: { uri: second.data.uri, cid: second.data.cid } });
  });

  it('does not post twice when retried with the same idempotency key, even after a lost response', async () => {
    let loseNextCreate = true;
    const lossy: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (loseNextCreate && String(input).includes('com.atproto.repo.createRecord')) {
        loseNextCreate = false;
        throw new TypeError('socket hang up'); // the record was written; the answer never arrived
      }
      return response;
    };
    const request = { text: 'Posted exactly once', thread: ['and its reply, once'], media: [], idempotencyKey: 'retry-1' };
    const before = await postCount();
    const first = await caught(createBlueskyAdapter({ baseUrl: pds.url, fetch: lossy }).publish(credentials, request));
    expect(first.kind).toBe('transient');
    expect(await postCount()).toBe(before + 1);

    const found = await adapter().findExisting(credentials, request);
    expect(found?.platformPostId).toBe(`at://${alice.did}/app.bsky.feed.post/${recordKeyFor('retry-1', 0)}`);
    expect(found?.threadPostIds).toBeUndefined();

    const retried = await adapter().publish(credentials, request);
    const again = await adapter().publish(credentials, request);
    expect(retried.platformPostId).toBe(found!.platformPostId);
    expect(again).toEqual(retried);
    expect(retried.threadPostIds).toHaveLength(1);
    expect(await postCount()).toBe(before + 2);
    expect(await adapter().findExisting(credentials, { ...request, idempotencyKey: 'never-published' })).toBeNull();
  });

  it('uploads images with their alt text', async () => {
    const path = join(files.path, 'dot.png');
    writeFileSync(path, PNG);
    const post = await adapter().publish(credentials, {
      text: 'With a picture',
      media: [{ kind: 'image', uri: 'media/dot.png', alt: 'A single transparent pixel', path, mimeType: 'image/png' }],
      idempotencyKey: 'image-1',
    });
    const record = (await getPost(post.platformPostId)).data.value as { embed: { $type: string; images: { alt: string; image: { mimeType: string; size: number } }[] } };
    expect(record.embed.$type).toBe('app.bsky.embed.images');
    expect(record.embed.images).toHaveLength(1);
    expect(record.embed.images[0]!.alt).toBe('A single transparent pixel');
    expect(record.embed.images[0]!.image.mimeType).toBe('image/png');
    expect(record.embed.images[0]!.image.size).toBe(PNG.byteLength);
  });

  it('deletes a post so the record is gone', async () => {
    const post = await adapter().publish(credentials, { text: 'Short-lived', media: [], idempotencyKey: 'delete-1' });
    await getPost(post.platformPostId);
    await adapter().delete(credentials, post.platformPostId);
    await expect(getPost(post.platformPostId)).rejects.toMatchObject({ error: 'RecordNotFound' });
    expect(await adapter().findExisting(credentials, { text: 'Short-lived', media: [], idempotencyKey: 'delete-1' })).toBeNull();
  });

  it('refuses a post over 300 graphemes as invalid, before sending it', async () => {
    const error = await caught(adapter().publish(credentials, { text: 'é'.repeat(301), media: [], idempotencyKey: 'long-1' }));
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(/300/);
    expect(await adapter().findExisting(credentials, { text: '', media: [], idempotencyKey: 'long-1' })).toBeNull();
  });

  it('passes on the PDS refusing a request as invalid, in its words', async () => {
    const error = await caught(adapter().delete(credentials, `at://${alice.did}/app.bsky.feed.post/..`));
    expect(error.kind).toBe('invalid');
    expect(error.details.status).toBe(400);
    expect(error.message).toMatch(/rkey|record key/i);
  });

  it('fails with auth on a wrong app password', async () => {
    const error = await caught(adapter().login({ identifier: alice.handle, appPassword: 'aaaa-bbbb-cccc-dddd' }));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/password/i);
  });

  it('fails with auth when the access token is not valid', async () => {
    const error = await caught(adapter().publish({ ...credentials, accessToken: `${credentials.accessToken}x` }, { text: 'x', media: [], idempotencyKey: 'tok-1' }));
    expect(error.kind).toBe('auth');
  });

  it('refreshes the session, and reports a revoked refresh token as auth with revoked', async () => {
    const session = await adapter().login({ identifier: alice.handle, appPassword: alice.appPassword });
    const refreshed = await adapter().refresh(session);
    expect(refreshed.refreshToken).toBeTruthy();
    expect(refreshed.refreshToken).not.toBe(session.refreshToken);
    expect(refreshed.extra).toEqual(session.extra);
    await adapter().me(refreshed);

    // Logging out revokes the refresh token on the server.
    const logout = await fetch(`${pds.url}/xrpc/com.atproto.server.deleteSession`, { method: 'POST', headers: { authorization: `Bearer ${refreshed.refreshToken}` } });
    expect(logout.ok).toBe(true);
    const error = await caught(adapter().refresh(refreshed));
    expect(error.kind).toBe('auth');
    expect(error.details.revoked).toBe(true);
  });

  it('waits out a short rate limit, and reports a long one as rate_limited with the reset time', async () => {
    let limited = 0;
    const resetAt = Math.floor(Date.now() / 1000) + 3600;
    const limiter: typeof fetch = async (input, init) => {
      if (limited > 0 && String(input).includes('com.atproto.repo.createRecord')) {
        limited--;
        return new Response(JSON.stringify({ error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }), {
          status: 429,
          headers: { 'content-type': 'application/json', 'ratelimit-reset': String(resetAt) },
        });
      }
      return fetch(input, init);
    };
    limited = 1;
    const error = await caught(createBlueskyAdapter({ baseUrl: pds.url, fetch: limiter, maxInlineWaitMs: 1000 }).publish(credentials, { text: 'limited', media: [], idempotencyKey: 'rl-1' }));
    expect(error.kind).toBe('rate_limited');
    expect(error.details.retryAt).toEqual(new Date(resetAt * 1000));
    expect(error.message).toBe('Rate Limit Exceeded');

    limited = 1;
    const slept: number[] = [];
    const clock = resetAt * 1000 - 2000;
    const waited = createBlueskyAdapter({ baseUrl: pds.url, fetch: limiter, now: () => clock, sleep: async (ms) => void slept.push(ms), maxInlineWaitMs: 5000 });
    const post = await waited.publish(credentials, { text: 'limited, then through', media: [], idempotencyKey: 'rl-2' });
    expect(slept).toEqual([2000]);
    expect((await getPost(post.platformPostId)).data.uri).toBe(post.platformPostId);
  });

  it('reads metrics and mentions from the AppView answers the PDS proxies', async () => {
    // The local PDS has no AppView behind it; these answers follow the app.bsky lexicons.
    const post = await adapter().publish(credentials, { text: 'Counted', media: [], idempotencyKey: 'metrics-1' });
    const author = { did: bob.did, handle: bob.handle };
    const appView: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      if (url.pathname === '/xrpc/app.bsky.feed.getPosts') {
        expect(url.searchParams.getAll('uris')).toEqual([post.platformPostId]);
        return json({
          posts: [{ uri: post.platformPostId, cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm', author: { did: alice.did, handle: alice.handle }, record: { $type: 'app.bsky.feed.post', text: 'Counted', createdAt: '2025-05-01T10:00:00.000Z' }, indexedAt: '2025-05-01T10:00:01.000Z', likeCount: 12, repostCount: 3, quoteCount: 1, replyCount: 2 }],
        });
      }
      if (url.pathname === '/xrpc/app.bsky.notification.listNotifications') {
        expect(url.searchParams.getAll('reasons')).toEqual(['mention', 'reply']);
        const cursor = url.searchParams.get('cursor');
        const notification = (n: number, reason: string, record: object) => ({
          uri: `at://${bob.did}/app.bsky.feed.post/3kabc${n}`,
          cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm',
          author,
          reason,
          record: { $type: 'app.bsky.feed.post', createdAt: '2025-05-01T11:00:00.000Z', ...record },
          isRead: false,
          indexedAt: '2025-05-01T11:00:01.000Z',
        });
        return cursor
          ? json({ notifications: [notification(3, 'mention', { text: 'hey @alice.test' })] })
          : json({
              cursor: 'page-2',
              notifications: [
                notification(1, 'reply', { text: 'Love it', reply: { root: { uri: post.platformPostId, cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm' }, parent: { uri: post.platformPostId, cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm' } } }),
                notification(2, 'like', { text: '' }),
              ],
            });
      }
      return fetch(input, init);
    };
    const viaAppView = createBlueskyAdapter({ baseUrl: pds.url, fetch: appView, now: () => Date.parse('2025-05-02T00:00:00Z') });
    expect(await viaAppView.metrics(credentials, post.platformPostId)).toEqual({ likes: 12, reposts: 4, replies: 2, fetchedAt: '2025-05-02T00:00:00.000Z' });

    const first = await viaAppView.mentions(credentials, null);
    expect(first).toEqual({
      cursor: 'page-2',
      items: [{ platformPostId: `at://${bob.did}/app.bsky.feed.post/3kabc1`, author: bob.handle, text: 'Love it', createdAt: '2025-05-01T11:00:00.000Z', url: `https://bsky.app/profile/${bob.handle}/post/3kabc1`, inReplyTo: post.platformPostId }],
    });
    const second = await viaAppView.mentions(credentials, first.cursor);
    expect(second.cursor).toBeNull();
    expect(second.items.map((m) => m.text)).toEqual(['hey @alice.test']);
  });

  it('reports network failures and 5xx answers as transient', async () => {
    const down: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    expect((await caught(createBlueskyAdapter({ baseUrl: pds.url, fetch: down }).publish(credentials, { text: 'x', media: [], idempotencyKey: 'net-1' }))).kind).toBe('transient');
    const broken: typeof fetch = async () =>
      new Response(JSON.stringify({ error: 'InternalServerError', message: 'Internal Server Error' }), { status: 500, headers: { 'content-type': 'application/json' } });
    const error = await caught(createBlueskyAdapter({ baseUrl: pds.url, fetch: broken }).me(credentials));
    expect(error.kind).toBe('transient');
    expect(error.details.status).toBe(500);
  });
});
