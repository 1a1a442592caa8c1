import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMastodonAdapter } from '../../../../src/main/engine/platforms/adapters/mastodon';
import type { HttpAdapterOptions } from '../../../../src/main/engine/platforms/adapters/adapterSupport';
import type { Credentials, PublishRequest } from '../../../../src/main/engine/platforms/PlatformAdapter';
import { MastodonFake } from '../../../fakes/platforms/mastodonFake';
import { FakeTime, failure } from './adapterTestKit';

let fake: MastodonFake;
let time: FakeTime;

function adapter(overrides: Partial<HttpAdapterOptions> = {}) {
  return createMastodonAdapter({
    ...time.adapterOptions(),
    timeoutMs: 5_000,
    ...overrides,
  });
}

function connected(): Credentials {
  return { accessToken: fake.grant(), extra: { instanceUrl: fake.baseUrl, accountId: '1' } };
}

function post(text: string, more: Partial<PublishRequest> = {}): PublishRequest {
  return { text, media: [], idempotencyKey: `key-${text}`, ...more };
}

beforeEach(async () => {
  time = new FakeTime(Date.parse('2026-11-24T12:00:00Z'));
  fake = new MastodonFake();
  fake.clock = () => time.now;
  await fake.start();
});

afterEach(() => fake.stop());

describe('Mastodon adapter', () => {
  it('registers an app on the instance, then connects with a PKCE authorization code', async () => {
    const mastodon = adapter();
    const app = await mastodon.registerApp(fake.baseUrl, { clientName: 'Chorus', redirectUri: 'http://127.0.0.1:4567/callback', scopes: ['read', 'write'] });
    const url = new URL(mastodon.authorizeUrlFor(fake.baseUrl, { clientId: app.clientId, redirectUri: 'http://127.0.0.1:4567/callback', state: 's', codeChallenge: 'ch', scopes: ['read', 'write'] }));
    expect(url.pathname).toBe('/oauth/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('client_id')).toBe(app.clientId);

    fake.codes.set('code-1', { accountId: '1', clientId: app.clientId, codeChallengeVerifier: 'verifier' });
    const credentials = await mastodon.exchangeCodeAt(fake.baseUrl, { code: 'code-1', codeVerifier: 'verifier', redirectUri: 'http://127.0.0.1:4567/callback', ...app });
    expect(credentials.extra).toMatchObject({ instanceUrl: fake.baseUrl, accountId: '1', clientId: app.clientId });
    expect(await mastodon.me(credentials)).toEqual({ platformUserId: '1', handle: `@chorus@${new URL(fake.baseUrl).host}`, displayName: 'Chorus Brand' });

    const reused = await failure(mastodon.exchangeCodeAt(fake.baseUrl, { code: 'code-1', codeVerifier: 'verifier', redirectUri: 'http://127.0.0.1:4567/callback', ...app }));
    expect(reused.kind).toBe('auth');
    expect(reused.message).toMatch(/^The provided authorization grant is invalid/);
  });

  it("reads the instance's limits", async () => {
    fake.maxCharacters = 1000;
    expect(await adapter().instanceLimits(fake.baseUrl)).toEqual({ maxCharacters: 1000, charactersReservedPerUrl: 23, maxMediaAttachments: 4 });
  });

  it('publishes a thread with an Idempotency-Key per part, and a retry creates nothing new', async () => {
    const request = post('Hello fediverse', { thread: ['Second', 'Third'], idempotencyKey: '6f1c2a7e-post-42' });
    const first = await adapter().publish(connected(), request);
    expect(fake.statuses.map((s) => s.text)).toEqual(['Hello fediverse', 'Second', 'Third']);
    expect(fake.statuses[1]!.in_reply_to_id).toBe(first.platformPostId);
    const keys = fake.server.requests.filter((r) => r.path === '/api/v1/statuses').map((r) => r.headers['idempotency-key']);
    expect(keys).toEqual(['6f1c2a7e-post-42', '6f1c2a7e-post-42:1', '6f1c2a7e-post-42:2']);

    const again = await adapter().publish(connected(), request);
    expect(again).toEqual(first);
    expect(fake.statuses).toHaveLength(3);
  });

  it('uploads media, waits for processing, and attaches it with its description', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chorus-masto-'));
    try {
      await writeFile(join(dir, 'a.png'), Buffer.from([1, 2, 3, 4]));
      await adapter().publish(connected(), post('Picture', { media: [{ kind: 'image', uri: 'media/a.png', alt: 'A red square', path: join(dir, 'a.png') }] }));
      const [id] = fake.statuses[0]!.media_ids;
      expect(fake.media.get(id!)).toEqual({ description: 'A red square', processed: true, bytes: 4 });
      expect(time.sleeps).toEqual([2_000]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('waits out a short 429 using the ISO reset time, and reports a long one with retryAt', async () => {
    const soon = new Date(time.now + 3_000).toISOString();
    fake.server.failNext('POST', '/api/v1/statuses', { kind: 'status', status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': soon }, json: { error: 'Too many requests' } });
    await adapter().publish(connected(), post('Patience'));
    expect(time.sleeps).toEqual([3_000]);

    const later = new Date(time.now + 240_000).toISOString();
    fake.server.failNext('POST', '/api/v1/statuses', { kind: 'status', status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': later }, json: { error: 'Too many requests' } });
    const error = await failure(adapter().publish(connected(), post('Later')));
    expect([error.kind, error.message, error.details.retryAt]).toEqual(['rate_limited', 'Too many requests', new Date(later)]);
  });

  it('classifies a 503 and a timeout as transient', async () => {
    fake.server.failNext('POST', '/api/v1/statuses', { kind: 'status', status: 503, json: { error: 'Service Unavailable' } });
    const down = await failure(adapter().publish(connected(), post('One')));
    expect([down.kind, down.message]).toEqual(['transient', 'Service Unavailable']);
    fake.server.failNext('POST', '/api/v1/statuses', { kind: 'timeout' });
    const slow = await failure(adapter({ timeoutMs: 150 }).publish(connected(), post('Two')));
    expect([slow.kind, slow.message]).toEqual(['transient', 'Mastodon did not answer in time.']);
  });

  it('reports a revoked token as auth, and refresh (tokens never expire) confirms it is revoked', async () => {
    const credentials = connected();
    expect(await adapter().refresh(credentials)).toEqual(credentials);
    fake.tokens.get(credentials.accessToken)!.revoked = true;
    const error = await failure(adapter().publish(credentials, post('Hi')));
    expect([error.kind, error.message]).toEqual(['auth', 'The access token was revoked']);
    const refresh = await failure(adapter().refresh(credentials));
    expect([refresh.kind, refresh.details.revoked]).toEqual(['auth', true]);
  });

  it("refuses a post over the instance's limit with Mastodon's words", async () => {
    const error = await failure(adapter().publish(connected(), post('a'.repeat(501))));
    expect([error.kind, error.message, error.details.status]).toEqual(['invalid', 'Validation failed: Text character limit of 500 exceeded', 422]);
  });

  it('finds a post whose response was lost (and a retry with the same key is safe too)', async () => {
    const request = post('Lost & found: https://example.com/x\n\nSecond paragraph');
    fake.server.failNext('POST', '/api/v1/statuses', { kind: 'lose-response' });
    const lost = await failure(adapter().publish(connected(), request));
    expect([lost.kind, lost.message]).toEqual(['transient', 'Could not reach Mastodon: fetch failed']);
    const found = await adapter().findExisting(connected(), request);
    expect(found?.platformPostId).toBe(fake.statuses[0]!.id);
    expect(await adapter().findExisting(connected(), post('Never posted'))).toBeNull();
    expect((await adapter().publish(connected(), request)).platformPostId).toBe(found?.platformPostId);
    expect(fake.statuses).toHaveLength(1);
  });

  it('turns a malformed 200 into a clear error', async () => {
    fake.server.failNext('POST', '/api/v1/statuses', { kind: 'status', status: 200, json: { ok: true } });
    const error = await failure(adapter().publish(connected(), post('Hi')));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/^Mastodon sent an unexpected answer to POST \/api\/v1\/statuses \(id: /);
  });

  it('reads metrics, deletes, and pages mention notifications from a since_id cursor', async () => {
    const credentials = connected();
    const { platformPostId } = await adapter().publish(credentials, post('Count me'));
    fake.statuses[0]!.favourites_count = 7;
    expect(await adapter().metrics(credentials, platformPostId)).toMatchObject({ likes: 7, replies: 0, reposts: 0 });

    const first = fake.mention('@chorus hello');
    const initial = await adapter().mentions(credentials, null);
    expect(initial.items).toEqual([expect.objectContaining({ platformPostId: first.id, author: '@fan@other.example', text: '@chorus hello' })]);
    for (let i = 0; i < 45; i++) fake.mention(`@chorus n${i}`);
    const next = await adapter().mentions(credentials, initial.cursor);
    expect(next.items.map((m) => m.text)).toEqual(Array.from({ length: 45 }, (_, i) => `@chorus n${44 - i}`));
    expect(next.cursor).toBe(fake.notifications.at(-1)!.id);

    await adapter().delete(credentials, platformPostId);
    expect(fake.statuses.some((s) => s.id === platformPostId)).toBe(false);
  });
});
