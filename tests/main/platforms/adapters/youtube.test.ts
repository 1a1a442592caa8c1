import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createYouTubeAdapter, nextPacificMidnight, type YouTubeAdapterOptions } from '../../../../src/main/engine/platforms/adapters/youtube';
import type { Credentials, PublishRequest } from '../../../../src/main/engine/platforms/PlatformAdapter';
import { googleError, YouTubeFake } from '../../../fakes/platforms/youtubeFake';
import { tempDir } from '../../../fakes/tempDir';
import { failure } from './adapterTestKit';

const CHUNK = 256 * 1024;
let fake: YouTubeFake;
let files: { path: string; cleanup: () => void };
let videoPath: string;
let videoBytes: Buffer;
let credentials: Credentials;
let slept: number[];

function adapter(extra: YouTubeAdapterOptions = {}) {
  return createYouTubeAdapter({
    baseUrl: fake.baseUrl,
    uploadChunkBytes: CHUNK,
    timeoutMs: 300,
    sleep: async (ms) => void slept.push(ms),
    ...extra,
  });
}

function request(overrides: Partial<PublishRequest> = {}): PublishRequest {
  return {
    title: 'Our new roast, brewed three ways',
    text: 'Pour-over, AeroPress and cold brew — which one wins? #coffee',
    media: [{ kind: 'video', uri: 'media/roast.mp4', alt: '', path: videoPath, mimeType: 'video/mp4' }],
    idempotencyKey: 'yt-1',
    ...overrides,
  };
}

const uploadPuts = () => fake.server.requests.filter((r) => r.method === 'PUT' && r.path === '/upload/youtube/v3/videos');

beforeAll(async () => {
  fake = await new YouTubeFake().start();
  files = tempDir('chorus-yt-');
  videoPath = join(files.path, 'roast.mp4');
  videoBytes = randomBytes(2 * CHUNK + 12_345); // three chunks, the last one short
  writeFileSync(videoPath, videoBytes);
});

afterAll(async () => {
  await fake.stop();
  files.cleanup();
});

beforeEach(() => {
  const tokens = fake.grant();
  credentials = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, extra: { clientId: fake.clientId, clientSecret: fake.clientSecret, channelId: fake.channel.id } };
  slept = [];
});

afterEach(() => {
  fake.server.requests.length = 0;
  fake.videos.clear();
  fake.unitsRemaining = 10_000;
  fake.insertsRemaining = 100;
});

describe('YouTube adapter', () => {
  it('builds a Google consent URL with PKCE, offline access and forced consent', () => {
    const url = new URL(adapter().authorizeUrl!({ clientId: fake.clientId, redirectUri: 'http://127.0.0.1:5123/callback', state: 's1', codeChallenge: 'ch', scopes: [] }));
    expect(url.pathname).toBe('/o/oauth2/v2/auth');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: fake.clientId,
      response_type: 'code',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
      state: 's1',
    });
    expect(url.searchParams.get('scope')).toContain('https://www.googleapis.com/auth/youtube.upload');
  });

  it('exchanges a code for tokens and remembers the channel', async () => {
    fake.codes.set('code-1', 'ch');
    const connected = await adapter().exchangeCode!({ code: 'code-1', codeVerifier: 'verifier', redirectUri: 'http://127.0.0.1:5123/callback', clientId: fake.clientId, clientSecret: fake.clientSecret });
    expect(fake.accessTokens.has(connected.accessToken)).toBe(true);
    expect(connected.refreshToken).toMatch(/^1\/\//);
    expect(connected.extra).toEqual({ clientId: fake.clientId, clientSecret: fake.clientSecret, channelId: fake.channel.id });
    expect(await adapter().me(connected)).toEqual({ platformUserId: fake.channel.id, handle: '@choruscoffee', displayName: 'Chorus Coffee' });
  });

  it('publishes one video through a chunked resumable upload', async () => {
    const post = await adapter().publish(credentials, request());
    const video = fake.videos.get(post.platformPostId)!;
    expect(post.url).toBe(`https://www.youtube.com/watch?v=${post.platformPostId}`);
    expect(video.bytes.equals(videoBytes)).toBe(true);
    expect(video).toMatchObject({ title: 'Our new roast, brewed three ways', description: request().text, privacyStatus: 'public' });
    const init = fake.server.requests.find((r) => r.method === 'POST' && r.path === '/upload/youtube/v3/videos')!;
    expect(init.query.get('part')).toBe('snippet,status');
    expect(init.headers['x-upload-content-length']).toBe(String(videoBytes.length));
    expect(uploadPuts().map((r) => r.headers['content-range'])).toEqual([
      `bytes 0-${CHUNK - 1}/${videoBytes.length}`,
      `bytes ${CHUNK}-${2 * CHUNK - 1}/${videoBytes.length}`,
      `bytes ${2 * CHUNK}-${videoBytes.length - 1}/${videoBytes.length}`,
    ]);
  });

  it('resumes after a PUT whose answer was lost, asking Google how much arrived', async () => {
    fake.server.failNext('PUT', '/upload/youtube/v3/videos', { kind: 'lose-response' });
    const post = await adapter().publish(credentials, request());
    expect(fake.videos.size).toBe(1);
    expect(fake.videos.get(post.platformPostId)!.bytes.equals(videoBytes)).toBe(true);
    const ranges = uploadPuts().map((r) => r.headers['content-range']);
    // chunk 1 (answer lost), status query, then chunk 2 — not chunk 1 again
    expect(ranges.slice(0, 3)).toEqual([`bytes 0-${CHUNK - 1}/${videoBytes.length}`, `bytes */${videoBytes.length}`, `bytes ${CHUNK}-${2 * CHUNK - 1}/${videoBytes.length}`]);
    expect(slept).toEqual([1000]);
  });

  it('resumes after a PUT that timed out before reaching Google, resending that chunk', async () => {
    fake.server.failNext('PUT', '/upload/youtube/v3/videos', { kind: 'timeout' });
    const post = await adapter().publish(credentials, request());
    expect(fake.videos.get(post.platformPostId)!.bytes.equals(videoBytes)).toBe(true);
    const ranges = uploadPuts().map((r) => r.headers['content-range']);
    expect(ranges.slice(0, 3)).toEqual([`bytes 0-${CHUNK - 1}/${videoBytes.length}`, `bytes */${videoBytes.length}`, `bytes 0-${CHUNK - 1}/${videoBytes.length}`]);
  });

  it('finishes an upload whose last answer was lost without a second video, and findExisting sees it', async () => {
    let puts = 0;
    const losesLastAnswer: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'PUT' && ++puts === 3) throw new TypeError('other side closed');
      return response;
    };
    const post = await adapter({ fetch: losesLastAnswer }).publish(credentials, request());
    expect(fake.videos.size).toBe(1);
    expect(uploadPuts().map((r) => r.headers['content-range']).slice(2)).toEqual([`bytes ${2 * CHUNK}-${videoBytes.length - 1}/${videoBytes.length}`, `bytes */${videoBytes.length}`]);
    const found = await adapter().findExisting(credentials, request());
    expect(found).toEqual({ platformPostId: post.platformPostId, url: post.url });
    expect(await adapter().findExisting(credentials, request({ title: 'Another video' }))).toBeNull();
  });

  it('retries an upload chunk after a 503, and gives up as transient when it keeps failing', async () => {
    const unavailable = { kind: 'status' as const, status: 503, json: googleError(503, 'backendError', 'Backend Error').json };
    fake.server.failNext('PUT', '/upload/youtube/v3/videos', unavailable);
    const post = await adapter().publish(credentials, request());
    expect(fake.videos.get(post.platformPostId)!.bytes.equals(videoBytes)).toBe(true);
    fake.videos.clear();

    slept = [];
    for (let i = 0; i < 6; i++) fake.server.failNext('PUT', '/upload/youtube/v3/videos', unavailable);
    const error = await failure(adapter().publish(credentials, request()));
    expect(error).toMatchObject({ kind: 'transient', message: 'Backend Error' });
    expect(slept).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(fake.videos.size).toBe(0);
  });

  it('reports a spent daily quota as rate_limited until midnight Pacific', async () => {
    fake.insertsRemaining = 0;
    const now = Date.parse('2025-07-01T20:00:00Z'); // 13:00 PDT
    const error = await failure(adapter({ now: () => now }).publish(credentials, request()));
    expect(error.kind).toBe('rate_limited');
    expect(error.details.platformCode).toBe('quotaExceeded');
    expect(error.message).toContain('exceeded your');
    expect(error.details.retryAt).toEqual(new Date('2025-07-02T07:00:00Z'));
    expect(nextPacificMidnight(Date.parse('2025-01-15T09:00:00Z'))).toEqual(new Date('2025-01-16T08:00:00Z'));
    expect(nextPacificMidnight(Date.parse('2025-01-15T07:59:00Z'))).toEqual(new Date('2025-01-15T08:00:00Z'));
    expect(fake.videos.size).toBe(0);
  });

  it('waits out a short 429 and reports a long one with its reset time', async () => {
    const now = 1_750_000_000_000;
    fake.server.failNext('GET', '/youtube/v3/channels', { kind: 'status', status: 429, headers: { 'retry-after': '2' }, json: googleError(429, 'rateLimitExceeded', 'The request was rate limited.').json });
    expect((await adapter({ now: () => now, maxInlineWaitMs: 5000 }).me(credentials)).platformUserId).toBe(fake.channel.id);
    expect(slept).toEqual([2000]);

    fake.server.failNext('GET', '/youtube/v3/channels', { kind: 'status', status: 429, headers: { 'retry-after': '120' }, json: googleError(429, 'rateLimitExceeded', 'The request was rate limited.').json });
    const error = await failure(adapter({ now: () => now, maxInlineWaitMs: 5000 }).me(credentials));
    expect(error).toMatchObject({ kind: 'rate_limited', message: 'The request was rate limited.' });
    expect(error.details.retryAt).toEqual(new Date(now + 120_000));
  });

  it('reports a 500 and a timeout as transient', async () => {
    fake.server.failNext('GET', '/youtube/v3/channels', { kind: 'status', status: 500, json: googleError(500, 'backendError', 'Backend Error').json });
    const error = await failure(adapter().me(credentials));
    expect(error).toMatchObject({ kind: 'transient', message: 'Backend Error' });
    fake.server.failNext('GET', '/youtube/v3/channels', { kind: 'timeout' });
    expect((await failure(adapter({ timeoutMs: 100 }).me(credentials))).kind).toBe('transient');
  });

  it('reports an expired access token as auth', async () => {
    const error = await failure(adapter().publish({ ...credentials, accessToken: 'ya29.expired' }, request()));
    expect(error.kind).toBe('auth');
    expect(error.details.status).toBe(401);
    expect(error.message).toContain('invalid authentication credentials');
  });

  it('refreshes without losing the refresh token Google does not resend', async () => {
    const refreshed = await adapter().refresh(credentials);
    expect(refreshed.accessToken).not.toBe(credentials.accessToken);
    expect(fake.accessTokens.has(refreshed.accessToken)).toBe(true);
    expect(refreshed.refreshToken).toBe(credentials.refreshToken);
    expect(refreshed.extra).toEqual(credentials.extra);
    const form = fake.server.requests.find((r) => r.path === '/token')!.body as Record<string, string>;
    expect(form).toMatchObject({ grant_type: 'refresh_token', client_id: fake.clientId, client_secret: fake.clientSecret });
  });

  it('reports a revoked refresh token as auth with revoked, keeping the stored token', async () => {
    fake.refreshTokens.delete(credentials.refreshToken!);
    const before = structuredClone(credentials);
    const error = await failure(adapter().refresh(credentials));
    expect(error.kind).toBe('auth');
    expect(error.details.revoked).toBe(true);
    expect(error.message).toContain('Token has been expired or revoked.');
    expect(credentials).toEqual(before);
  });

  it('refuses what YouTube would refuse, and passes on YouTube’s own words', async () => {
    expect((await failure(adapter().publish(credentials, request({ title: 'a'.repeat(101) })))).message).toMatch(/100/);
    expect((await failure(adapter().publish(credentials, request({ text: 'Best <b>coffee</b>' })))).kind).toBe('invalid');
    expect((await failure(adapter().publish(credentials, request({ media: [] })))).message).toMatch(/exactly one video/);
    expect(fake.server.requests).toHaveLength(0);

    fake.server.failNext('POST', '/upload/youtube/v3/videos', {
      kind: 'status',
      status: 400,
      json: googleError(400, 'invalidCategoryId', 'The snippet.categoryId property specifies an invalid category ID.').json,
    });
    const error = await failure(adapter().publish(credentials, request()));
    expect(error).toMatchObject({ kind: 'invalid', message: 'The snippet.categoryId property specifies an invalid category ID.' });
    expect(error.details.platformCode).toBe('invalidCategoryId');
  });

  it('reads statistics, deletes, and pages through comments', async () => {
    const post = await adapter().publish(credentials, request());
    fake.videos.get(post.platformPostId)!.statistics = { viewCount: 1200, likeCount: 87, commentCount: 9 };
    const metrics = await adapter({ now: () => Date.parse('2025-05-01T10:00:00Z') }).metrics(credentials, post.platformPostId);
    expect(metrics).toEqual({ views: 1200, likes: 87, replies: 9, fetchedAt: '2025-05-01T10:00:00.000Z' });

    fake.comments.push(
      ...Array.from({ length: 51 }, (_, i) => ({ id: `c${i}`, videoId: post.platformPostId, author: `Viewer ${i}`, text: `Comment ${i}`, publishedAt: '2025-05-01T09:00:00Z' })),
    );
    const first = await adapter().mentions(credentials, null);
    expect(first.items).toHaveLength(50);
    expect(first.items[0]).toEqual({
      platformPostId: 'c0',
      author: 'Viewer 0',
      text: 'Comment 0',
      createdAt: '2025-05-01T09:00:00Z',
      url: `https://www.youtube.com/watch?v=${post.platformPostId}&lc=c0`,
      inReplyTo: post.platformPostId,
    });
    const second = await adapter().mentions(credentials, first.cursor);
    expect(second).toMatchObject({ items: [{ platformPostId: 'c50' }], cursor: null });
    fake.comments.length = 0;

    await adapter().delete(credentials, post.platformPostId);
    expect(fake.videos.has(post.platformPostId)).toBe(false);
    expect((await failure(adapter().metrics(credentials, post.platformPostId))).kind).toBe('invalid');
  });
});
