import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedditAdapter, type RedditAdapterOptions } from '../../../../src/main/engine/platforms/adapters/reddit';
import type { Credentials, PublishRequest } from '../../../../src/main/engine/platforms/PlatformAdapter';
import { RedditFake } from '../../../fakes/platforms/redditFake';
import { FakeTime, failure } from './adapterTestKit';

let fake: RedditFake;
let time: FakeTime;

function adapter(overrides: Partial<RedditAdapterOptions> = {}) {
  return createRedditAdapter({
    baseUrl: fake.baseUrl,
    ...time.adapterOptions(),
    timeoutMs: 5_000,
    ...overrides,
  });
}

function connected(): Credentials {
  const { accessToken, refreshToken } = fake.grant();
  return { accessToken, refreshToken, extra: { clientId: 'reddit-client', username: 'chorusbrand' } };
}

function post(title: string, more: Partial<PublishRequest> = {}): PublishRequest {
  return { title, text: `Body of ${title}`, target: 'r/chorus', media: [], idempotencyKey: 'k', ...more };
}

beforeEach(async () => {
  time = new FakeTime(Date.parse('2026-11-24T12:00:00Z'));
  fake = new RedditFake();
  fake.clock = () => time.now;
  await fake.start();
});

afterEach(() => fake.stop());

describe('Reddit adapter', () => {
  it('connects with duration=permanent and Basic auth, sending the User-Agent on every request', async () => {
    const url = new URL(createRedditAdapter().authorizeUrl!({ clientId: 'reddit-client', redirectUri: 'http://127.0.0.1:4567/callback', state: 's', codeChallenge: 'c', scopes: ['identity', 'submit'] }));
    expect(url.origin + url.pathname).toBe('https://www.reddit.com/api/v1/authorize');
    expect(url.searchParams.get('duration')).toBe('permanent');
    const credentials = await adapter().exchangeCode!({ code: 'reddit-code', codeVerifier: 'unused', redirectUri: 'http://127.0.0.1:4567/callback', clientId: 'reddit-client' });
    expect(credentials.extra).toEqual({ clientId: 'reddit-client', username: 'chorusbrand' });
    expect(fake.server.requests.every((r) => /^desktop:app\.chorus:/.test(String(r.headers['user-agent'])))).toBe(true);
  });

  it('is refused like Reddit refuses a generic User-Agent', async () => {
    const error = await failure(adapter({ userAgent: 'node' }).publish(connected(), post('Hello')));
    expect(error.kind).toBe('rate_limited');
    expect(error.message).toMatch(/Too Many Requests/);
  });

  it('submits a self post and posts the thread as a chain of comments', async () => {
    const result = await adapter().publish(connected(), post('Our launch', { thread: ['More details', 'Even more'] }));
    const [submission, first, second] = fake.things;
    expect(submission).toMatchObject({ kind: 't3', subreddit: 'chorus', title: 'Our launch', selftext: 'Body of Our launch' });
    expect(result.platformPostId).toBe(`t3_${submission!.id}`);
    expect(first!.parent_id).toBe(result.platformPostId);
    expect(second!.parent_id).toBe(`t1_${first!.id}`);
    expect(result.threadPostIds).toEqual([`t1_${first!.id}`, `t1_${second!.id}`]);
  });

  it('submits a link post for an https media URL and refuses a local file', async () => {
    await adapter().publish(connected(), post('A link', { media: [{ kind: 'image', uri: 'https://example.com/a.png', alt: '' }] }));
    expect(fake.things[0]).toMatchObject({ url: 'https://example.com/a.png' });
    const error = await failure(adapter().publish(connected(), post('Local', { media: [{ kind: 'image', uri: 'media/a.png', alt: '', path: '/tmp/a.png' }] })));
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(/public https URL/);
  });

  it("reads json.errors from an HTTP 200: Reddit's words become invalid, RATELIMIT becomes rate_limited", async () => {
    const missing = await failure(adapter().publish(connected(), post('Hi', { target: 'r/doesnotexist' })));
    expect([missing.kind, missing.message, missing.details.platformCode]).toEqual(['invalid', "that subreddit doesn't exist (sr)", 'SUBREDDIT_NOEXIST']);

    fake.server.failNext('POST', '/api/submit', { kind: 'status', status: 200, json: { json: { errors: [['RATELIMIT', 'Looks like you\'ve been doing that a lot. Take a break for 9 minutes before trying again.', 'ratelimit']] } } });
    const limited = await failure(adapter().publish(connected(), post('Again')));
    expect(limited.kind).toBe('rate_limited');
    expect(limited.details.retryAt).toEqual(new Date(time.now + 9 * 60_000));
  });

  it('waits out a 429 with a short X-Ratelimit-Reset and reports a long one', async () => {
    fake.server.failNext('POST', '/api/submit', { kind: 'status', status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '100', 'x-ratelimit-reset': '4' }, json: { message: 'Too Many Requests', error: 429 } });
    await adapter().publish(connected(), post('Patient'));
    expect(time.sleeps).toEqual([4_000]);
    fake.server.failNext('POST', '/api/submit', { kind: 'status', status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '400' }, json: { message: 'Too Many Requests', error: 429 } });
    const error = await failure(adapter().publish(connected(), post('Impatient')));
    expect([error.kind, error.message, error.details.retryAt]).toEqual(['rate_limited', 'Too Many Requests', new Date(time.now + 400_000)]);
  });

  it('classifies a 500 and a timeout as transient', async () => {
    fake.server.failNext('POST', '/api/submit', { kind: 'status', status: 500, json: { message: 'Internal Server Error', error: 500 } });
    expect((await failure(adapter().publish(connected(), post('One')))).kind).toBe('transient');
    fake.server.failNext('POST', '/api/submit', { kind: 'timeout' });
    const slow = await failure(adapter({ timeoutMs: 150 }).publish(connected(), post('Two')));
    expect([slow.kind, slow.message]).toEqual(['transient', 'Reddit did not answer in time.']);
  });

  it('reports an expired access token as auth', async () => {
    const credentials = connected();
    fake.accessTokens.get(credentials.accessToken)!.expired = true;
    const error = await failure(adapter().publish(credentials, post('Hi')));
    expect([error.kind, error.message]).toEqual(['auth', 'Reddit refused the access token (Unauthorized).']);
  });

  it('keeps the refresh token Reddit does not resend, and a revoked one is auth+revoked', async () => {
    const credentials = connected();
    const refreshed = await adapter().refresh(credentials);
    expect(refreshed.accessToken).not.toBe(credentials.accessToken);
    expect(refreshed.refreshToken).toBe(credentials.refreshToken);
    expect(refreshed.expiresAt).toBe(new Date(time.now + 86_400_000).toISOString());
    fake.refreshTokens.get(credentials.refreshToken!)!.revoked = true;
    const error = await failure(adapter().refresh(refreshed));
    expect([error.kind, error.details.revoked, error.message]).toEqual(['auth', true, 'Reddit refused the refresh token: invalid_grant']);
    expect(refreshed.refreshToken).toBe(credentials.refreshToken);
  });

  it('finds a submission whose response was lost', async () => {
    const request = post('Did it post?');
    fake.server.failNext('POST', '/api/submit', { kind: 'lose-response' });
    expect((await failure(adapter().publish(connected(), request))).kind).toBe('transient');
    expect(await adapter().findExisting(connected(), post('Did it post?', { target: 'r/u_chorusbrand' }))).toBeNull();
    const found = await adapter().findExisting(connected(), request);
    expect(found?.platformPostId).toBe(`t3_${fake.things[0]!.id}`);
    expect(fake.things).toHaveLength(1);
  });

  it('turns a malformed 200 into a clear error', async () => {
    fake.server.failNext('POST', '/api/submit', { kind: 'status', status: 200, json: { jquery: [] } });
    const error = await failure(adapter().publish(connected(), post('Hi')));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/^Reddit sent an unexpected answer to POST \/api\/submit \(json: /);
  });

  it('reads metrics with /api/info, inbox replies from a cursor, and deletes with /api/del', async () => {
    const credentials = connected();
    const { platformPostId } = await adapter().publish(credentials, post('Metrics'));
    const first = fake.reply(platformPostId, 'Nice post');
    expect(await adapter().metrics(credentials, platformPostId)).toMatchObject({ likes: 1, replies: 1 });
    const initial = await adapter().mentions(credentials, null);
    expect(initial).toEqual({ items: [expect.objectContaining({ author: 'u/curious_fan', text: 'Nice post', inReplyTo: platformPostId })], cursor: `t1_${first.id}` });
    fake.reply(platformPostId, 'Another one');
    expect((await adapter().mentions(credentials, initial.cursor)).items.map((m) => m.text)).toEqual(['Another one']);
    await adapter().delete(credentials, platformPostId);
    expect(fake.things.some((t) => t.kind === 't3')).toBe(false);
    expect((await failure(adapter().metrics(credentials, platformPostId))).kind).toBe('invalid');
  });
});
