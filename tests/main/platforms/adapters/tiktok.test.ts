import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTikTokAdapter, type TikTokAdapterOptions } from '../../../../src/main/engine/platforms/adapters/tiktok';
import type { Credentials, PublishRequest } from '../../../../src/main/engine/platforms/PlatformAdapter';
import { TikTokFake, tiktokError } from '../../../fakes/platforms/tiktokFake';
import { tempDir } from '../../../fakes/tempDir';
import { failure } from './adapterTestKit';

const MB = 1024 * 1024;
let fake: TikTokFake;
let files: { path: string; cleanup: () => void };
let smallPath: string;
let smallBytes: Buffer;
let bigPath: string;
let bigBytes: Buffer;
let credentials: Credentials;
let slept: number[];
let clock: number;

function adapter(extra: TikTokAdapterOptions = {}) {
  return createTikTokAdapter({
    baseUrl: fake.baseUrl,
    timeoutMs: 300,
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    ...extra,
  });
}

function request(overrides: Partial<PublishRequest> = {}): PublishRequest {
  return {
    text: 'Three ways to brew our new roast ☕ #coffee #brewing',
    media: [{ kind: 'video', uri: 'media/small.mp4', alt: '', path: smallPath, mimeType: 'video/mp4' }],
    idempotencyKey: 'tt-1',
    ...overrides,
  };
}

const pulled = (url = 'https://media.chorus.example/roast.mp4'): PublishRequest['media'] => [{ kind: 'video', uri: url, alt: '' }];

beforeAll(async () => {
  fake = await new TikTokFake().start();
  files = tempDir('chorus-tt-');
  smallPath = join(files.path, 'small.mp4');
  smallBytes = randomBytes(300_000);
  writeFileSync(smallPath, smallBytes);
  bigPath = join(files.path, 'big.mp4');
  bigBytes = randomBytes(11 * MB + 123);
  writeFileSync(bigPath, bigBytes);
});

afterAll(async () => {
  await fake.stop();
  files.cleanup();
});

beforeEach(() => {
  const tokens = fake.grant();
  credentials = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, extra: { clientId: fake.clientKey, clientSecret: fake.clientSecret } };
  slept = [];
  clock = Date.parse('2025-06-01T12:00:00Z');
  fake.now = () => clock;
});

afterEach(() => {
  fake.server.requests.length = 0;
  fake.posts.clear();
  fake.audited = true;
  fake.processingPolls = 1;
});

describe('TikTok adapter', () => {
  it('builds the TikTok authorize URL with client_key, comma-separated scopes and PKCE', () => {
    const url = new URL(adapter().authorizeUrl!({ clientId: fake.clientKey, redirectUri: 'http://127.0.0.1:5123/callback', state: 's1', codeChallenge: 'ch', scopes: [] }));
    expect(url.pathname).toBe('/v2/auth/authorize/');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_key: fake.clientKey,
      response_type: 'code',
      scope: 'user.info.basic,video.publish,video.list',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      state: 's1',
    });
  });

  it('exchanges a code and reads who the account is', async () => {
    fake.codes.add('code-1');
    const connected = await adapter().exchangeCode!({ code: 'code-1', codeVerifier: 'v', redirectUri: 'http://127.0.0.1:5123/callback', clientId: fake.clientKey, clientSecret: fake.clientSecret });
    expect(fake.accessTokens.has(connected.accessToken)).toBe(true);
    expect(connected.expiresAt).toBe(new Date(clock + 86_400_000).toISOString());
    expect(connected.extra).toEqual({ clientId: fake.clientKey, clientSecret: fake.clientSecret, openId: fake.user.open_id, handle: 'Chorus Coffee' });
    expect(await adapter().me(connected)).toEqual({ platformUserId: fake.user.open_id, handle: 'Chorus Coffee', displayName: 'Chorus Coffee' });
  });

  it('publishes a small video in one chunk and returns the 64-bit post id exactly', async () => {
    const post = await adapter().publish(credentials, request());
    const stored = [...fake.posts.values()][0]!;
    expect(Buffer.concat(stored.received).equals(smallBytes)).toBe(true);
    expect(stored).toMatchObject({ caption: request().text, privacyLevel: 'PUBLIC_TO_EVERYONE', chunkCount: 1, chunkSize: smallBytes.length });
    expect(post.platformPostId).toBe(stored.videoId);
    expect(BigInt(post.platformPostId)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(post.url).toBe(`https://www.tiktok.com/@choruscoffee/video/${stored.videoId}`);
    const init = fake.server.requests.find((r) => r.path === '/v2/post/publish/video/init/')!;
    expect(init.headers.authorization).toBe(`Bearer ${credentials.accessToken}`);
    expect(init.body).toMatchObject({ source_info: { source: 'FILE_UPLOAD', video_size: smallBytes.length, total_chunk_count: 1 } });
    expect(slept).toEqual([3000]); // one "still processing" answer, then complete
  });

  it('uploads a large video in TikTok-sized chunks, the last one taking the remainder', async () => {
    const post = await adapter({ uploadChunkBytes: 5 * MB, timeoutMs: 15_000 }).publish(credentials, request({ media: [{ kind: 'video', uri: 'media/big.mp4', alt: '', path: bigPath }] }));
    const stored = fake.posts.get([...fake.posts.keys()][0]!)!;
    expect(stored).toMatchObject({ chunkSize: 5 * MB, chunkCount: 2 });
    expect(Buffer.concat(stored.received).equals(bigBytes)).toBe(true);
    const ranges = fake.server.requests.filter((r) => r.method === 'PUT').map((r) => r.headers['content-range']);
    expect(ranges).toEqual([`bytes 0-${5 * MB - 1}/${bigBytes.length}`, `bytes ${5 * MB}-${bigBytes.length - 1}/${bigBytes.length}`]);
    expect(post.platformPostId).toBe(stored.videoId);
  });

  it('sends a chunk again when its answer was lost', async () => {
    fake.server.failNext('PUT', '/upload/', { kind: 'lose-response' });
    const post = await adapter({ uploadChunkBytes: 5 * MB, timeoutMs: 15_000 }).publish(credentials, request({ media: [{ kind: 'video', uri: 'media/big.mp4', alt: '', path: bigPath }] }));
    const stored = [...fake.posts.values()][0]!;
    expect(Buffer.concat(stored.received).equals(bigBytes)).toBe(true);
    expect(fake.server.requests.filter((r) => r.method === 'PUT')).toHaveLength(3);
    expect(post.platformPostId).toBe(stored.videoId);
  });

  it('posts from a verified URL, and reports an unverified domain as unavailable', async () => {
    const post = await adapter().publish(credentials, request({ media: pulled() }));
    expect(post.platformPostId).toBe([...fake.posts.values()][0]!.videoId);
    const error = await failure(adapter().publish(credentials, request({ media: pulled('https://elsewhere.example/roast.mp4') })));
    expect(error).toMatchObject({ kind: 'unavailable', message: 'The domain or URL prefix of video_url has not been verified by the developer.' });
    expect(error.details.platformCode).toBe('url_ownership_unverified');
  });

  it('keeps to 6 video/init calls a minute: the 7th is rate_limited, or waited out when allowed', async () => {
    for (let i = 0; i < 6; i++) await adapter().publish(credentials, request({ media: pulled(), text: `Post ${i}` }));
    const error = await failure(adapter().publish(credentials, request({ media: pulled(), text: 'Post 6' })));
    expect(error).toMatchObject({ kind: 'rate_limited', message: 'The API rate limit was exceeded. Please try again later.' });
    expect(error.details.retryAt).toEqual(new Date(clock + 60_000));

    slept = [];
    const post = await adapter({ maxInlineWaitMs: 60_000 }).publish(credentials, request({ media: pulled(), text: 'Post 7' }));
    expect(slept[0]).toBe(60_000);
    expect(post.platformPostId).toMatch(/^\d{19}$/);
  });

  it('reads error codes TikTok sends with HTTP 200 (daily post cap → rate_limited tomorrow)', async () => {
    fake.server.failNext('POST', '/v2/post/publish/video/init/', { kind: 'status', status: 200, json: tiktokError(200, 'spam_risk_too_many_posts', 'The daily post cap from the current user has been reached.').json });
    const error = await failure(adapter().publish(credentials, request()));
    expect(error).toMatchObject({ kind: 'rate_limited', message: 'The daily post cap from the current user has been reached.' });
    expect(error.details.retryAt).toEqual(new Date(clock + 24 * 3600_000));
  });

  it('reports a 500 and a timeout as transient', async () => {
    fake.server.failNext('POST', '/v2/post/publish/creator_info/query/', { kind: 'status', status: 500, json: tiktokError(500, 'internal_error', 'Something went wrong. Please try again later.').json });
    expect(await failure(adapter().publish(credentials, request()))).toMatchObject({ kind: 'transient', message: 'Something went wrong. Please try again later.' });
    fake.server.failNext('POST', '/v2/post/publish/creator_info/query/', { kind: 'timeout' });
    expect((await failure(adapter({ timeoutMs: 100 }).publish(credentials, request()))).kind).toBe('transient');
    expect(fake.posts.size).toBe(0);
  });

  it('reports an invalid access token as auth', async () => {
    const error = await failure(adapter().publish({ ...credentials, accessToken: 'act.expired' }, request()));
    expect(error).toMatchObject({ kind: 'auth', message: 'The access token is invalid or not found in the request.' });
    expect(error.details.platformCode).toBe('access_token_invalid');
  });

  it('refreshes, keeping the refresh token; a revoked one is auth + revoked and the stored token stays', async () => {
    const refreshed = await adapter().refresh(credentials);
    expect(fake.accessTokens.has(refreshed.accessToken)).toBe(true);
    expect(refreshed.refreshToken).toBe(credentials.refreshToken);
    expect(refreshed.extra).toMatchObject({ clientId: fake.clientKey, openId: fake.user.open_id });

    fake.refreshTokens.delete(credentials.refreshToken!);
    const before = structuredClone(credentials);
    const error = await failure(adapter().refresh(credentials));
    expect(error.kind).toBe('auth');
    expect(error.details.revoked).toBe(true);
    expect(error.message).toContain('Refresh token is invalid or expired.');
    expect(credentials).toEqual(before);

    // The same refusal with HTTP 200, which TikTok also uses.
    fake.server.failNext('POST', '/v2/oauth/token/', { kind: 'status', status: 200, json: { error: 'invalid_grant', error_description: 'Refresh token is invalid or expired.', log_id: 'x' } });
    expect((await failure(adapter().refresh(before))).details.revoked).toBe(true);
  });

  it('reports refusals in TikTok’s words: privacy mismatch is invalid, unaudited apps are unavailable', async () => {
    const mismatch = await failure(adapter().publish(credentials, request({ target: 'FOLLOWER_OF_CREATOR' })));
    expect(mismatch).toMatchObject({ kind: 'invalid', message: 'privacy_level is not one of the privacy_level_options returned by creator_info.' });
    expect(mismatch.details.platformCode).toBe('privacy_level_option_mismatch');

    fake.audited = false;
    const unaudited = await failure(adapter().publish(credentials, request()));
    expect(unaudited).toMatchObject({ kind: 'unavailable', message: 'Unaudited clients can only post to a private account.' });

    // Private posting still works for an unaudited app; private posts have no public id.
    const post = await adapter().publish(credentials, request({ target: 'SELF_ONLY' }));
    expect(post.platformPostId).toMatch(/^v_pub_file~/);
    expect((await failure(adapter().metrics(credentials, post.platformPostId))).kind).toBe('unavailable');

    expect((await failure(adapter().publish(credentials, request({ text: 'x'.repeat(2201) })))).kind).toBe('invalid');
    expect((await failure(adapter().publish(credentials, request({ thread: ['second'] })))).kind).toBe('invalid');
  });

  it('reports a video TikTok fails while processing with its fail reason', async () => {
    fake.failNextPublishWith = 'duration_check_failed';
    const error = await failure(adapter().publish(credentials, request()));
    expect(error).toMatchObject({ kind: 'invalid', message: 'TikTok could not publish the video: duration_check_failed.' });
  });

  it('finds an earlier post by its caption, reads its metrics, and says plainly what TikTok cannot do', async () => {
    const post = await adapter().publish(credentials, request());
    expect(await adapter().findExisting(credentials, request())).toEqual({ platformPostId: post.platformPostId, url: post.url });
    expect(await adapter().findExisting(credentials, request({ text: 'Something else' }))).toBeNull();

    const stored = [...fake.posts.values()][0]!;
    stored.stats = { like_count: 40, comment_count: 3, share_count: 5, view_count: 900 };
    expect(await adapter().metrics(credentials, post.platformPostId)).toEqual({ likes: 40, replies: 3, reposts: 5, views: 900, fetchedAt: new Date(clock).toISOString() });

    expect((await failure(adapter().delete(credentials, post.platformPostId))).kind).toBe('unavailable');
    expect((await failure(adapter().mentions(credentials, null))).kind).toBe('unavailable');
  });
});
