import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFacebookAdapter } from '../../../../src/main/engine/platforms/adapters/facebook';
import type { HttpAdapterOptions } from '../../../../src/main/engine/platforms/adapters/adapterSupport';
import type { Credentials, PublishRequest } from '../../../../src/main/engine/platforms/PlatformAdapter';
import { FacebookFake, PAGE_ID, metaError } from '../../../fakes/platforms/facebookFake';
import { FakeTime, failure } from './adapterTestKit';

let fake: FacebookFake;
let time: FakeTime;

function adapter(overrides: Partial<HttpAdapterOptions> = {}) {
  return createFacebookAdapter({
    baseUrl: fake.baseUrl,
    ...time.adapterOptions(),
    timeoutMs: 5_000,
    ...overrides,
  });
}

function connected(): Credentials {
  return { accessToken: fake.grant('page'), extra: { pageId: PAGE_ID, tokenKind: 'page' } };
}

function post(text: string, more: Partial<PublishRequest> = {}): PublishRequest {
  return { text, media: [], idempotencyKey: 'k', ...more };
}

const FEED = `/v21.0/${PAGE_ID}/feed`;

beforeEach(async () => {
  time = new FakeTime(Date.parse('2026-11-24T12:00:00Z'));
  fake = new FacebookFake();
  fake.clock = () => time.now;
  await fake.start();
});

afterEach(() => fake.stop());

describe('Facebook Pages adapter', () => {
  it('connects through Facebook Login: code, long-lived user token, then the Pages with their tokens', async () => {
    const url = new URL(createFacebookAdapter().authorizeUrl!({ clientId: 'fb-app', redirectUri: 'http://127.0.0.1:4567/callback', state: 's', codeChallenge: 'c', scopes: ['pages_manage_posts', 'pages_read_engagement'] }));
    expect(url.origin + url.pathname).toBe('https://www.facebook.com/v21.0/dialog/oauth');
    expect(url.searchParams.get('scope')).toBe('pages_manage_posts,pages_read_engagement');
    const facebook = adapter();
    const user = await facebook.exchangeCode!({ code: 'fb-code', codeVerifier: 'v', redirectUri: 'http://127.0.0.1:4567/callback', clientId: 'fb-app', clientSecret: 'fb-secret' });
    expect(user.expiresAt).toBe(new Date(time.now + 5_183_944_000).toISOString()); // the long-lived one
    const [page] = await facebook.pages(user);
    expect(page).toMatchObject({ id: PAGE_ID, name: 'Chorus Coffee', instagram_business_account: { id: '17841405822304914' } });
    const refreshed = await facebook.refresh(user);
    expect(refreshed.accessToken).not.toBe(user.accessToken);
    expect(refreshed.extra).toEqual(user.extra);
  });

  it('publishes text to /feed, one photo to /photos, and several photos as attached_media', async () => {
    const text = await adapter().publish(connected(), post('Fresh roast today'));
    expect(text).toEqual({ platformPostId: fake.posts[0]!.id, url: `https://www.facebook.com/${fake.posts[0]!.id}` });

    const one = await adapter().publish(connected(), post('A photo', { media: [{ kind: 'image', uri: 'https://cdn.example.com/a.jpg', alt: '' }] }));
    expect(one.platformPostId).toBe(fake.posts[1]!.id);

    const dir = await mkdtemp(join(tmpdir(), 'chorus-fb-'));
    try {
      await writeFile(join(dir, 'b.jpg'), Buffer.from([9, 9, 9]));
      await adapter().publish(connected(), post('Two photos', { media: [{ kind: 'image', uri: 'https://cdn.example.com/a.jpg', alt: '' }, { kind: 'image', uri: 'media/b.jpg', alt: '', path: join(dir, 'b.jpg') }] }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const album = fake.posts[2]!;
    expect(album.photoIds.map((id) => fake.photos.get(id))).toEqual([
      { pageId: PAGE_ID, url: 'https://cdn.example.com/a.jpg', bytes: undefined, published: false },
      { pageId: PAGE_ID, url: undefined, bytes: 3, published: false },
    ]);
  });

  it('reads Meta rate-limit codes with retryAt from X-Business-Use-Case-Usage, waiting out one that lifts soon', async () => {
    const throttle = (minutes: number) => ({
      kind: 'status' as const,
      status: 400,
      headers: { 'x-business-use-case-usage': JSON.stringify({ [PAGE_ID]: [{ type: 'pages', call_count: 100, total_cputime: 20, total_time: 30, estimated_time_to_regain_access: minutes }] }) },
      json: metaError(400, 32, 'Page request limit reached', 'OAuthException').json,
    });
    fake.server.failNext('POST', FEED, throttle(0));
    const limited = await failure(adapter().publish(connected(), post('Busy')));
    expect([limited.kind, limited.message, limited.details.platformCode]).toEqual(['rate_limited', 'Page request limit reached', '32']);
    expect(limited.details.retryAt).toEqual(new Date(time.now + 3_600_000)); // no estimate: Meta's one-hour window

    fake.server.failNext('POST', FEED, throttle(12));
    const later = await failure(adapter().publish(connected(), post('Busy again')));
    expect(later.details.retryAt).toEqual(new Date(time.now + 12 * 60_000));

    fake.server.failNext('POST', FEED, throttle(1));
    await adapter({ maxInlineWaitMs: 2 * 60_000 }).publish(connected(), post('Short wait'));
    expect(time.sleeps).toEqual([60_000]);
    expect(fake.posts.map((p) => p.message)).toEqual(['Short wait']);
  });

  it('classifies code 1/2 and a 5xx as transient, and a timeout too', async () => {
    fake.server.failNext('POST', FEED, { kind: 'status', status: 500, json: metaError(500, 2, 'An unexpected error has occurred. Please retry your request later.', 'OAuthException').json });
    const down = await failure(adapter().publish(connected(), post('One')));
    expect([down.kind, down.message]).toEqual(['transient', 'An unexpected error has occurred. Please retry your request later.']);
    fake.server.failNext('POST', FEED, { kind: 'timeout' });
    expect((await failure(adapter({ timeoutMs: 150 }).publish(connected(), post('Two')))).message).toBe('Facebook did not answer in time.');
  });

  it('reports an expired Page token (190/463) as auth needing reconnection', async () => {
    const credentials = connected();
    fake.tokens.get(credentials.accessToken)!.state = 'expired';
    const error = await failure(adapter().publish(credentials, post('Hi')));
    expect([error.kind, error.details.platformCode, error.details.revoked]).toEqual(['auth', '190/463', true]);
    expect(error.message).toMatch(/^Error validating access token: Session has expired/);
  });

  it('refresh of a revoked long-lived user token is auth+revoked; a Page token refresh confirms it still works', async () => {
    const page = connected();
    expect(await adapter().refresh(page)).toEqual(page);
    const user: Credentials = { accessToken: fake.grant('user', '10223344'), extra: { tokenKind: 'user', clientId: 'fb-app', clientSecret: 'fb-secret' } };
    fake.tokens.get(user.accessToken)!.state = 'revoked';
    const error = await failure(adapter().refresh(user));
    expect([error.kind, error.details.revoked]).toEqual(['auth', true]);
    expect(error.message).toMatch(/changed their password/);
    fake.tokens.get(page.accessToken)!.state = 'revoked';
    expect((await failure(adapter().refresh(page))).details.revoked).toBe(true);
  });

  it("refuses an invalid post with Meta's words (code 100, duplicate 506, missing permission 200)", async () => {
    const long = await failure(adapter().publish(connected(), post('x'.repeat(63_207))));
    expect([long.kind, long.message]).toEqual(['invalid', '(#100) The message is too long.']);
    await adapter().publish(connected(), post('Same'));
    expect((await failure(adapter().publish(connected(), post('Same')))).message).toBe('Duplicate status message');
    const userToken: Credentials = { accessToken: fake.grant('user', '10223344'), extra: { pageId: PAGE_ID } };
    const denied = await failure(adapter().publish(userToken, post('Not a page token')));
    expect(denied.kind).toBe('unavailable');
    expect(denied.message).toMatch(/pages_manage_posts/);
  });

  it('finds a post whose response was lost', async () => {
    fake.server.failNext('POST', FEED, { kind: 'lose-response' });
    expect((await failure(adapter().publish(connected(), post('Maybe posted')))).kind).toBe('transient');
    expect(await adapter().findExisting(connected(), post('Never'))).toBeNull();
    expect((await adapter().findExisting(connected(), post('Maybe posted')))?.platformPostId).toBe(fake.posts[0]!.id);
  });

  it('turns a malformed 200 into a clear error', async () => {
    fake.server.failNext('POST', FEED, { kind: 'status', status: 200, json: { success: true } });
    const error = await failure(adapter().publish(connected(), post('Hi')));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/^Facebook sent an unexpected answer to POST \/104680235215411\/feed \(id: /);
  });

  it('reads metrics, comments since a cursor, and deletes', async () => {
    const credentials = connected();
    const { platformPostId } = await adapter().publish(credentials, post('Comment on me'));
    fake.comment(platformPostId, 'Love it');
    expect(await adapter().metrics(credentials, platformPostId)).toMatchObject({ likes: 4, replies: 1, reposts: 2 });
    const first = await adapter().mentions(credentials, null);
    expect(first.items).toEqual([expect.objectContaining({ author: 'Grace Hopper', text: 'Love it', inReplyTo: platformPostId })]);
    time.now += 60_000;
    fake.comment(platformPostId, 'Still love it');
    expect((await adapter().mentions(credentials, first.cursor)).items.map((m) => m.text)).toEqual(['Still love it']);
    await adapter().delete(credentials, platformPostId);
    expect(fake.posts).toHaveLength(0);
  });
});
