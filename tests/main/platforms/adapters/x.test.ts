import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createXAdapter } from '../../../../src/main/engine/platforms/adapters/x';
import type { HttpAdapterOptions } from '../../../../src/main/engine/platforms/adapters/adapterSupport';
import type { Credentials, PublishRequest } from '../../../../src/main/engine/platforms/PlatformAdapter';
import { XFake } from '../../../fakes/platforms/xFake';
import { FakeTime, failure } from './adapterTestKit';

let fake: XFake;
let time: FakeTime;

function adapter(overrides: Partial<HttpAdapterOptions> = {}) {
  return createXAdapter({
    baseUrl: fake.baseUrl,
    ...time.adapterOptions(),
    timeoutMs: 5_000,
    ...overrides,
  });
}

function connected(): Credentials {
  const { accessToken, refreshToken } = fake.grant();
  return { accessToken, refreshToken, extra: { clientId: 'client-1', userId: '2244994945', username: 'chorusbrand' } };
}

function post(text: string, more: Partial<PublishRequest> = {}): PublishRequest {
  return { text, media: [], idempotencyKey: `key-${text}`, ...more };
}

beforeEach(async () => {
  time = new FakeTime(Date.parse('2026-11-24T12:00:00Z'));
  fake = new XFake();
  fake.clock = () => time.now;
  await fake.start();
});

afterEach(() => fake.stop());

describe('X adapter', () => {
  it('builds a PKCE authorize URL that asks for offline.access', () => {
    const url = new URL(adapter({ baseUrl: undefined }).authorizeUrl!({ clientId: 'c', redirectUri: 'http://127.0.0.1:4567/callback', state: 's', codeChallenge: 'ch', scopes: ['tweet.write'] }));
    expect(url.origin + url.pathname).toBe('https://twitter.com/i/oauth2/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')!.split(' ')).toEqual(['tweet.write', 'offline.access']);
  });

  it('exchanges a code for tokens and remembers who the account is', async () => {
    fake.codes.set('code-1', { userId: '2244994945', codeVerifier: 'verifier' });
    const credentials = await adapter().exchangeCode!({ code: 'code-1', codeVerifier: 'verifier', redirectUri: 'http://127.0.0.1/cb', clientId: 'client-1' });
    expect(credentials.refreshToken).toMatch(/^rt-/);
    expect(credentials.expiresAt).toBe(new Date(time.now + 7_200_000).toISOString());
    expect(credentials.extra).toMatchObject({ clientId: 'client-1', userId: '2244994945', username: 'chorusbrand' });
  });

  it('publishes a thread as a chain of replies', async () => {
    const result = await adapter().publish(connected(), post('Launch day!', { thread: ['Part two', 'Part three'] }));
    expect(fake.tweets.map((t) => t.text)).toEqual(['Launch day!', 'Part two', 'Part three']);
    expect(fake.tweets[1]!.in_reply_to).toBe(result.platformPostId);
    expect(fake.tweets[2]!.in_reply_to).toBe(result.threadPostIds![0]);
    expect(result.url).toBe(`https://x.com/chorusbrand/status/${result.platformPostId}`);
  });

  it('uploads an image and attaches its media id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chorus-x-'));
    try {
      await writeFile(join(dir, 'a.png'), Buffer.from([137, 80, 78, 71, 1, 2, 3]));
      await adapter().publish(connected(), post('With a picture', { media: [{ kind: 'image', uri: 'media/a.png', alt: '', path: join(dir, 'a.png') }] }));
      const [mediaId] = fake.tweets[0]!.media_ids!;
      expect(fake.media.get(mediaId!)).toEqual({ category: 'tweet_image', bytes: 7 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('waits out a 429 whose x-rate-limit-reset is a few seconds away', async () => {
    fake.server.failNext('POST', '/2/tweets', {
      kind: 'status',
      status: 429,
      headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(time.now / 1000 + 5) },
      json: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
    });
    await adapter().publish(connected(), post('After the wait'));
    expect(time.sleeps).toEqual([5_000]);
    expect(fake.tweets).toHaveLength(1);
  });

  it('reports a long rate limit as rate_limited with the reset time', async () => {
    const reset = time.now / 1000 + 900;
    fake.server.failNext('POST', '/2/tweets', {
      kind: 'status',
      status: 429,
      headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
      json: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
    });
    const error = await failure(adapter().publish(connected(), post('Too soon')));
    expect(error.kind).toBe('rate_limited');
    expect(error.message).toBe('Too Many Requests');
    expect(error.details.retryAt).toEqual(new Date(reset * 1000));
    expect(time.sleeps).toEqual([]);
  });

  it('classifies a 500 and a timeout as transient', async () => {
    fake.server.failNext('POST', '/2/tweets', { kind: 'status', status: 500, json: { title: 'Internal Server Error', detail: 'Something went wrong', type: 'about:blank', status: 500 } });
    const serverError = await failure(adapter().publish(connected(), post('One')));
    expect([serverError.kind, serverError.message]).toEqual(['transient', 'Something went wrong']);

    fake.server.failNext('POST', '/2/tweets', { kind: 'timeout' });
    const timeout = await failure(adapter({ timeoutMs: 150 }).publish(connected(), post('Two')));
    expect([timeout.kind, timeout.message]).toEqual(['transient', 'X did not answer in time.']);
  });

  it('reports an expired access token as auth', async () => {
    const credentials = connected();
    fake.accessTokens.get(credentials.accessToken)!.expired = true;
    const error = await failure(adapter().publish(credentials, post('Hello')));
    expect([error.kind, error.message, error.details.status]).toEqual(['auth', 'Unauthorized', 401]);
  });

  it('refreshes with rotation, and a revoked refresh token is auth+revoked without losing the stored one', async () => {
    const credentials = connected();
    const refreshed = await adapter().refresh(credentials);
    expect(refreshed.refreshToken).not.toBe(credentials.refreshToken);
    expect(refreshed.extra).toEqual(credentials.extra);

    const stale = { ...credentials }; // its refresh token was rotated away above
    const error = await failure(adapter().refresh(stale));
    expect(error.kind).toBe('auth');
    expect(error.details.revoked).toBe(true);
    expect(error.message).toContain('Value passed for the token was invalid.');
    expect(stale.refreshToken).toBe(credentials.refreshToken);
  });

  it('treats a network failure during refresh as transient, not revoked', async () => {
    fake.server.failNext('POST', '/2/oauth2/token', { kind: 'timeout' });
    const error = await failure(adapter({ timeoutMs: 150 }).refresh(connected()));
    expect(error.kind).toBe('transient');
    expect(error.details.revoked).toBeUndefined();
  });

  it("refuses an invalid post with X's own words", async () => {
    const error = await failure(adapter().publish(connected(), post('x'.repeat(281))));
    expect([error.kind, error.message]).toEqual(['invalid', 'Tweet text is too long.']);
    await adapter().publish(connected(), post('Same words'));
    const duplicate = await failure(adapter().publish(connected(), post('Same words')));
    expect([duplicate.kind, duplicate.message]).toEqual(['invalid', 'You are not allowed to create a Tweet with duplicate content.']);
  });

  it('finds a thread whose response was lost, so nothing is posted twice', async () => {
    const request = post('Did it go through? https://example.com/a', { thread: ['Second part'] });
    fake.server.failNext('POST', '/2/tweets', { kind: 'lose-response' });
    const lost = await failure(adapter().publish(connected(), request));
    expect(lost.kind).toBe('transient');
    expect(fake.tweets).toHaveLength(1);
    expect(await adapter().findExisting(connected(), post('Something else'))).toBeNull();
    const found = await adapter().findExisting(connected(), request);
    expect(found?.platformPostId).toBe(fake.tweets[0]!.id);
    expect(found?.threadPostIds).toEqual([]); // the second part never went out
  });

  it('turns a malformed 200 into a clear error', async () => {
    fake.server.failNext('POST', '/2/tweets', { kind: 'status', status: 200, json: { data: { text: 'no id' } } });
    const error = await failure(adapter().publish(connected(), post('Hello')));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/^X sent an unexpected answer to POST \/2\/tweets \(data\.id: /);
  });

  it('reads metrics, deletes, and pages through mentions from a since_id cursor', async () => {
    const credentials = connected();
    const { platformPostId } = await adapter().publish(credentials, post('Measure me'));
    expect(await adapter().metrics(credentials, platformPostId)).toMatchObject({ likes: 0, replies: 1, reposts: 3, impressions: 140 });

    const first = fake.mention('@chorusbrand hi');
    const initial = await adapter().mentions(credentials, null);
    expect(initial).toEqual({ items: [expect.objectContaining({ platformPostId: first.id, author: '@fan', text: '@chorusbrand hi' })], cursor: first.id });
    for (let i = 0; i < 150; i++) fake.mention(`@chorusbrand number ${i}`);
    const next = await adapter().mentions(credentials, initial.cursor);
    expect(next.items).toHaveLength(150);
    expect(next.items[0]!.text).toBe('@chorusbrand number 149');
    expect(next.cursor).toBe(fake.tweets.at(-1)!.id);

    await adapter().delete(credentials, platformPostId);
    expect(fake.tweets.some((t) => t.id === platformPostId)).toBe(false);
    const gone = await failure(adapter().delete(credentials, platformPostId));
    expect([gone.kind, gone.message]).toEqual(['invalid', `Could not find tweet with id: [${platformPostId}].`]);
  });
});
