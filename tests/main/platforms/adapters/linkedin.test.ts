import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLinkedInAdapter } from '../../../../src/main/engine/platforms/adapters/linkedin';
import type { HttpAdapterOptions } from '../../../../src/main/engine/platforms/adapters/adapterSupport';
import type { Credentials, PublishRequest } from '../../../../src/main/engine/platforms/PlatformAdapter';
import { LinkedInFake } from '../../../fakes/platforms/linkedinFake';
import { FakeTime, failure } from './adapterTestKit';

let fake: LinkedInFake;
let time: FakeTime;

function adapter(overrides: Partial<HttpAdapterOptions> = {}) {
  return createLinkedInAdapter({
    baseUrl: fake.baseUrl,
    ...time.adapterOptions(),
    timeoutMs: 5_000,
    ...overrides,
  });
}

function connected(): Credentials {
  const { accessToken, refreshToken } = fake.grant();
  return { accessToken, refreshToken, extra: { clientId: 'li-client', clientSecret: 'li-secret', authorUrn: 'urn:li:person:782bbtaQ' } };
}

function post(text: string, more: Partial<PublishRequest> = {}): PublishRequest {
  return { text, media: [], idempotencyKey: 'k-1', ...more };
}

beforeEach(async () => {
  time = new FakeTime(Date.parse('2026-11-24T12:00:00Z'));
  fake = new LinkedInFake();
  fake.clock = () => time.now;
  await fake.start();
});

afterEach(() => fake.stop());

describe('LinkedIn adapter', () => {
  it('connects: authorize URL, code exchange, and the member URN from userinfo', async () => {
    const url = new URL(createLinkedInAdapter().authorizeUrl!({ clientId: 'li-client', redirectUri: 'http://127.0.0.1:4567/callback', state: 's', codeChallenge: 'c', scopes: ['openid', 'profile', 'w_member_social'] }));
    expect(url.origin + url.pathname).toBe('https://www.linkedin.com/oauth/v2/authorization');
    expect(url.searchParams.get('scope')).toBe('openid profile w_member_social');
    const credentials = await adapter().exchangeCode!({ code: 'li-code', codeVerifier: 'v', redirectUri: 'http://127.0.0.1:4567/callback', clientId: 'li-client', clientSecret: 'li-secret' });
    expect(credentials.extra).toMatchObject({ authorUrn: 'urn:li:person:782bbtaQ', clientId: 'li-client' });
    expect(credentials.expiresAt).toBe(new Date(time.now + 5_184_000_000).toISOString());
    expect(await adapter().me(credentials)).toEqual({ platformUserId: '782bbtaQ', handle: 'Ada Lovelace', displayName: 'Ada Lovelace' });
  });

  it('publishes through /rest/posts with the version headers, escaping little-text markup, and reads the URN from x-restli-id', async () => {
    const result = await adapter().publish(connected(), post('We are hiring (remote) #jobs @ Chorus'));
    expect(result.platformPostId).toBe(fake.posts[0]!.id);
    expect(result.url).toBe(`https://www.linkedin.com/feed/update/${fake.posts[0]!.id}/`);
    expect(fake.posts[0]!.commentary).toBe('We are hiring \\(remote\\) \\#jobs \\@ Chorus');
    const request = fake.server.requests.find((r) => r.path === '/rest/posts')!;
    expect(request.headers['linkedin-version']).toMatch(/^\d{6}$/);
    expect(request.headers['x-restli-protocol-version']).toBe('2.0.0');
  });

  it('uploads images through the Images API and posts them as a carousel', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chorus-li-'));
    try {
      await writeFile(join(dir, 'a.jpg'), Buffer.from([1, 2, 3]));
      await writeFile(join(dir, 'b.jpg'), Buffer.from([4, 5]));
      const media = ['a.jpg', 'b.jpg'].map((name) => ({ kind: 'image' as const, uri: `media/${name}`, alt: name, path: join(dir, name) }));
      await adapter().publish(connected(), post('Two pictures', { media }));
      expect(fake.posts[0]!.content).toEqual({ multiImage: { images: [...fake.images.keys()].map((id, i) => ({ id, altText: ['a.jpg', 'b.jpg'][i] })) } });
      expect([...fake.images.values()].map((i) => i.bytes)).toEqual([3, 2]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a thread and an unserved API version with clear reasons', async () => {
    expect((await failure(adapter().publish(connected(), post('a', { thread: ['b'] })))).kind).toBe('invalid');
    const credentials = { ...connected(), extra: { ...connected().extra, linkedinVersion: '202401' } };
    const old = await failure(adapter().publish(credentials, post('Hello')));
    expect([old.kind, old.message]).toEqual(['unavailable', 'Requested version 202401 is not active']);
  });

  it("reports LinkedIn's daily quota as rate_limited until midnight UTC, and waits out a short Retry-After", async () => {
    fake.server.failNext('POST', '/rest/posts', { kind: 'status', status: 429, headers: { 'retry-after': '2' }, json: { status: 429, code: 'TOO_MANY_REQUESTS', message: 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.' } });
    await adapter().publish(connected(), post('Eventually'));
    expect(time.sleeps).toEqual([2_000]);

    fake.server.failNext('POST', '/rest/posts', { kind: 'status', status: 429, json: { status: 429, code: 'TOO_MANY_REQUESTS', message: 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.' } });
    const error = await failure(adapter().publish(connected(), post('Tomorrow')));
    expect(error.kind).toBe('rate_limited');
    expect(error.message).toMatch(/APPLICATION DAY limit/);
    expect(error.details.retryAt).toEqual(new Date('2026-11-25T00:00:00Z'));
  });

  it('classifies a 500 and a timeout as transient', async () => {
    fake.server.failNext('POST', '/rest/posts', { kind: 'status', status: 500, json: { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal Server Error' } });
    const down = await failure(adapter().publish(connected(), post('One')));
    expect([down.kind, down.message]).toEqual(['transient', 'Internal Server Error']);
    fake.server.failNext('POST', '/rest/posts', { kind: 'timeout' });
    expect((await failure(adapter({ timeoutMs: 150 }).publish(connected(), post('Two')))).message).toBe('LinkedIn did not answer in time.');
  });

  it('reports an expired token as auth with LinkedIn’s code', async () => {
    const credentials = connected();
    fake.tokens.get(credentials.accessToken)!.state = 'expired';
    const error = await failure(adapter().publish(credentials, post('Hi')));
    expect([error.kind, error.message, error.details.platformCode]).toEqual(['auth', 'The token used in the request has expired', 'EXPIRED_ACCESS_TOKEN']);
  });

  it('refreshes keeping the refresh token, and a revoked one is auth+revoked with the stored token untouched', async () => {
    const credentials = connected();
    const refreshed = await adapter().refresh(credentials);
    expect(refreshed.accessToken).not.toBe(credentials.accessToken);
    expect(refreshed.refreshToken).toBe(credentials.refreshToken);
    fake.refreshTokens.get(credentials.refreshToken!)!.revoked = true;
    const error = await failure(adapter().refresh(refreshed));
    expect([error.kind, error.details.revoked]).toEqual(['auth', true]);
    expect(error.message).toContain('invalid, expired or revoked');
    expect(refreshed.refreshToken).toBe(credentials.refreshToken);
  });

  it("refuses an over-long post with LinkedIn's words", async () => {
    const error = await failure(adapter().publish(connected(), post('a'.repeat(3001))));
    expect([error.kind, error.message]).toEqual(['invalid', 'ERROR :: /commentary :: length of commentary exceeds 3000 characters']);
  });

  it('finds a post whose response was lost, so nothing is posted twice', async () => {
    const request = post('Did (it) go #through?');
    fake.server.failNext('POST', '/rest/posts', { kind: 'lose-response' });
    expect((await failure(adapter().publish(connected(), request))).kind).toBe('transient');
    expect(await adapter().findExisting(connected(), post('Another'))).toBeNull();
    expect(await adapter().findExisting(connected(), request)).toEqual({ platformPostId: fake.posts[0]!.id, url: `https://www.linkedin.com/feed/update/${fake.posts[0]!.id}/` });
  });

  it('turns a 201 without x-restli-id into a clear error', async () => {
    fake.server.failNext('POST', '/rest/posts', { kind: 'status', status: 201, json: {} });
    const error = await failure(adapter().publish(connected(), post('Hi')));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/no x-restli-id header/);
  });

  it('reads social actions, comments since a cursor, and deletes by encoded URN', async () => {
    const credentials = connected();
    const { platformPostId } = await adapter().publish(credentials, post('Talk to me'));
    fake.comment(platformPostId, 'Great news!');
    expect(await adapter().metrics(credentials, platformPostId)).toMatchObject({ likes: 12, replies: 1 });
    const first = await adapter().mentions(credentials, null);
    expect(first.items).toEqual([expect.objectContaining({ author: 'urn:li:person:someoneElse', text: 'Great news!', inReplyTo: platformPostId })]);
    time.now += 60_000;
    fake.comment(platformPostId, 'Second comment');
    const next = await adapter().mentions(credentials, first.cursor);
    expect(next.items.map((m) => m.text)).toEqual(['Second comment']);

    await adapter().delete(credentials, platformPostId);
    expect(fake.posts).toHaveLength(0);
    expect(fake.server.requests.at(-1)!.path).toBe(`/rest/posts/${encodeURIComponent(platformPostId)}`);
  });
});
