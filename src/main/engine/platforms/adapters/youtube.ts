// YouTube Data API v3 with Google OAuth 2 (PKCE, offline access): one video per
// post, uploaded with the resumable protocol in chunks so an interrupted upload
// continues from the last byte Google confirms instead of starting over (or
// creating a second video). Google's error reasons decide the failure kind;
// a spent daily quota is retried after midnight Pacific, when it resets.
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { TZDate } from '@date-fns/tz';
import { z } from 'zod';
import { classifyStatus, platformFetch } from '../http';
import {
  PublishError,
  type AccountIdentity,
  type Credentials,
  type Mention,
  type PlatformAdapter,
  type PublishedPost,
  type PublishRequest,
} from '../PlatformAdapter';
import { bearerCall, parseBody, refuseThread, sameText, type HttpAdapterOptions } from './adapterSupport';
import { buildAuthorizeUrl, refreshWithToken, requestToken, type TokenEndpoint } from './oauth2';

const PLATFORM = 'YouTube';
const AUTHORIZE = 'https://accounts.google.com/o/oauth2/v2/auth';
const TOKEN = 'https://oauth2.googleapis.com/token';
const API = 'https://www.googleapis.com';
const DEFAULT_SCOPES = ['https://www.googleapis.com/auth/youtube.upload', 'https://www.googleapis.com/auth/youtube.force-ssl'];
const MAX_TITLE = 100;
const MAX_DESCRIPTION = 5000;
/** Resumable chunks must be multiples of 256 KiB (except the last). */
const CHUNK_UNIT = 256 * 1024;
const DEFAULT_CHUNK_BYTES = 32 * CHUNK_UNIT; // 8 MiB
const MAX_UPLOAD_RETRIES = 5;
const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded', 'uploadLimitExceeded']);
const SHORT_RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

export interface YouTubeAdapterOptions extends HttpAdapterOptions {
  /** Bytes per resumable-upload request, rounded down to a multiple of 256 KiB. */
  uploadChunkBytes?: number;
}

const GoogleErrorBody = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional(), message: z.string().optional() })).optional(),
  }),
});
const Channel = z.object({
  id: z.string().min(1),
  snippet: z.object({ title: z.string(), customUrl: z.string().optional() }).optional(),
  contentDetails: z.object({ relatedPlaylists: z.object({ uploads: z.string().optional() }).optional() }).optional(),
});
const ChannelList = z.object({ items: z.array(Channel).optional() });
const Video = z.object({ id: z.string().min(1), snippet: z.object({ title: z.string().optional() }).optional() });
const VideoStatistics = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      statistics: z
        .object({ viewCount: z.coerce.number().optional(), likeCount: z.coerce.number().optional(), commentCount: z.coerce.number().optional() })
        .optional(),
    }),
  ),
});
const PlaylistItems = z.object({
  items: z.array(
    z.object({
      snippet: z.object({
        title: z.string(),
        description: z.string().optional(),
        resourceId: z.object({ videoId: z.string() }),
      }),
    }),
  ),
});
const CommentThreads = z.object({
  nextPageToken: z.string().optional(),
  items: z.array(
    z.object({
      id: z.string(),
      snippet: z.object({
        videoId: z.string().optional(),
        topLevelComment: z.object({
          id: z.string(),
          snippet: z.object({
            authorDisplayName: z.string(),
            textOriginal: z.string().optional(),
            textDisplay: z.string().optional(),
            publishedAt: z.string(),
            videoId: z.string().optional(),
          }),
        }),
      }),
    }),
  ),
});

type SessionOutcome = { kind: 'progress'; next: number } | { kind: 'done'; video: z.infer<typeof Video> } | { kind: 'expired' };

/** Google resets YouTube quotas at midnight Pacific time. */
export function nextPacificMidnight(now: number): Date {
  const here = new TZDate(now, 'America/Los_Angeles');
  return new Date(new TZDate(here.getFullYear(), here.getMonth(), here.getDate() + 1, 0, 0, 0, 'America/Los_Angeles').getTime());
}

/** Reads Google's error body ({error:{code,message,errors:[{reason}]}}); null leaves the HTTP status to decide. */
export function classifyGoogle(status: number, body: unknown, headers: Headers, now: number): PublishError | null {
  const parsed = GoogleErrorBody.safeParse(body);
  if (!parsed.success) return null;
  const reason = parsed.data.error.errors?.find((e) => e.reason)?.reason;
  const message = parsed.data.error.message ?? parsed.data.error.errors?.[0]?.message ?? `${PLATFORM} answered HTTP ${status}.`;
  const details = { status, platformCode: reason };
  if (reason && QUOTA_REASONS.has(reason)) return new PublishError('rate_limited', message, { ...details, retryAt: nextPacificMidnight(now) });
  if ((reason && SHORT_RATE_REASONS.has(reason)) || status === 429) {
    return new PublishError('rate_limited', message, { ...details, retryAt: classifyStatus(429, body, headers, now, PLATFORM).details.retryAt });
  }
  if (status === 401 || reason === 'authError') return new PublishError('auth', message, details);
  if (reason === 'backendError' || status >= 500) return new PublishError('transient', message, details);
  if (status === 403) return new PublishError('unavailable', message, details);
  return new PublishError('invalid', message, details);
}

function videoUrl(id: string): string {
  return `https://www.youtube.com/watch?v=${id}`;
}

function checkText(request: PublishRequest): { title: string; description: string } {
  refuseThread(request, PLATFORM);
  const title = (request.title ?? '').trim();
  const description = request.text;
  if (!title) throw new PublishError('invalid', 'A YouTube video needs a title.');
  if ([...title].length > MAX_TITLE) throw new PublishError('invalid', `YouTube titles are limited to ${MAX_TITLE} characters; this one has ${[...title].length}.`);
  if ([...description].length > MAX_DESCRIPTION) {
    throw new PublishError('invalid', `YouTube descriptions are limited to ${MAX_DESCRIPTION} characters; this one has ${[...description].length}.`);
  }
  if (/[<>]/.test(title) || /[<>]/.test(description)) throw new PublishError('invalid', 'YouTube does not allow "<" or ">" in a title or description.');
  return { title, description };
}

export function createYouTubeAdapter(options: YouTubeAdapterOptions = {}): PlatformAdapter {
  const api = options.baseUrl ?? API;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const doFetch = options.fetch ?? fetch;
  const chunkBytes = Math.max(CHUNK_UNIT, Math.floor((options.uploadChunkBytes ?? DEFAULT_CHUNK_BYTES) / CHUNK_UNIT) * CHUNK_UNIT);

  function tokenEndpoint(): TokenEndpoint {
    return { platform: PLATFORM, url: options.baseUrl ? `${options.baseUrl}/token` : TOKEN };
  }

  const call = bearerCall({ platform: PLATFORM, api, classify: classifyGoogle, options });

  async function myChannel(credentials: Credentials, part: string): Promise<z.infer<typeof Channel>> {
    const list = await call(credentials, { url: `/youtube/v3/channels?part=${part}&mine=true` }, ChannelList, 'channels.list');
    const channel = list.items?.[0];
    if (!channel) throw new PublishError('unavailable', 'This Google account has no YouTube channel; create one on youtube.com, then reconnect.');
    return channel;
  }

  async function me(credentials: Credentials): Promise<AccountIdentity> {
    const channel = await myChannel(credentials, 'snippet');
    const title = channel.snippet?.title ?? channel.id;
    return { platformUserId: channel.id, handle: channel.snippet?.customUrl ?? title, displayName: title };
  }

  /** One request to the upload session, outside platformFetch: Google answers 308 for "keep going". */
  async function sessionRequest(credentials: Credentials, sessionUrl: string, headers: Record<string, string>, body?: Uint8Array<ArrayBuffer>): Promise<SessionOutcome> {
    let response: Response;
    try {
      response = await doFetch(sessionUrl, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${credentials.accessToken}`, ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new PublishError('transient', timedOut ? 'YouTube did not answer the upload in time.' : `The upload to YouTube was interrupted: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (response.status === 308) {
      // "Range: bytes=0-N" is what Google holds; no Range means nothing yet.
      const range = /bytes=0-(\d+)/.exec(response.headers.get('range') ?? '');
      return { kind: 'progress', next: range ? Number(range[1]) + 1 : 0 };
    }
    let data: unknown = text;
    try {
      data = text ? JSON.parse(text) : text;
    } catch {
      // not JSON: keep the text for the message
    }
    if (response.status === 200 || response.status === 201) return { kind: 'done', video: parseBody(Video, data, PLATFORM, 'the finished upload') };
    if (response.status === 404 || response.status === 410) return { kind: 'expired' };
    throw classifyGoogle(response.status, data, response.headers, now()) ?? classifyStatus(response.status, data, response.headers, now(), PLATFORM);
  }

  async function startSession(credentials: Credentials, size: number, mimeType: string, metadata: unknown): Promise<string> {
    const response = await platformFetch(
      PLATFORM,
      {
        method: 'POST',
        url: `${api}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`,
        headers: {
          Authorization: `Bearer ${credentials.accessToken}`,
          'X-Upload-Content-Length': String(size),
          'X-Upload-Content-Type': mimeType,
        },
        json: metadata,
        timeoutMs: options.timeoutMs,
        classify: classifyGoogle,
      },
      options,
    );
    const location = response.headers.get('location');
    if (!location) throw new PublishError('transient', 'YouTube started an upload without saying where to send the video.');
    return new URL(location, api).toString();
  }

  async function uploadVideo(credentials: Credentials, path: string, mimeType: string, metadata: unknown): Promise<z.infer<typeof Video>> {
    const size = (await stat(path).catch((error: Error) => {
      throw new PublishError('invalid', `The video file ${path} could not be read: ${error.message}`);
    })).size;
    if (size === 0) throw new PublishError('invalid', `The video file ${path} is empty.`);
    const file = await open(path, 'r');
    try {
      let sessionUrl = await startSession(credentials, size, mimeType, metadata);
      let offset = 0;
      let confirmed = true; // false after an interruption: ask Google what it holds before sending more
      let failures = 0;
      let restarted = false;
      for (;;) {
        let outcome: SessionOutcome;
        try {
          if (confirmed) {
            const end = Math.min(offset + chunkBytes, size);
            const chunk = new Uint8Array(new ArrayBuffer(end - offset));
            await file.read(chunk, 0, chunk.length, offset);
            outcome = await sessionRequest(credentials, sessionUrl, { 'Content-Type': mimeType, 'Content-Range': `bytes ${offset}-${end - 1}/${size}` }, chunk);
          } else {
            outcome = await sessionRequest(credentials, sessionUrl, { 'Content-Range': `bytes */${size}` });
          }
        } catch (error) {
          if (!(error instanceof PublishError) || error.kind !== 'transient' || ++failures > MAX_UPLOAD_RETRIES) throw error;
          await sleep(Math.min(1000 * 2 ** (failures - 1), 30_000));
          confirmed = false;
          continue;
        }
        if (outcome.kind === 'done') return outcome.video;
        if (outcome.kind === 'expired') {
          // Sessions last about a week; a gone session never finished, so one fresh start is safe.
          if (restarted) throw new PublishError('transient', 'YouTube dropped the upload session twice; try again later.');
          restarted = true;
          sessionUrl = await startSession(credentials, size, mimeType, metadata);
          offset = 0;
          confirmed = true;
          continue;
        }
        offset = outcome.next;
        confirmed = true;
      }
    } finally {
      await file.close();
    }
  }

  return {
    platform: 'youtube',
    connection: 'oauth2-pkce',

    authorizeUrl(start) {
      return buildAuthorizeUrl(options.baseUrl ? `${options.baseUrl}/o/oauth2/v2/auth` : AUTHORIZE, {
        client_id: start.clientId,
        redirect_uri: start.redirectUri,
        response_type: 'code',
        scope: (start.scopes.length ? start.scopes : DEFAULT_SCOPES).join(' '),
        state: start.state,
        code_challenge: start.codeChallenge,
        code_challenge_method: 'S256',
        // A refresh token only comes with offline access, and Google sends it again only on a fresh consent.
        access_type: 'offline',
        prompt: 'consent',
      });
    },

    async exchangeCode(input) {
      const credentials = await requestToken(
        tokenEndpoint(),
        {
          grant_type: 'authorization_code',
          code: input.code,
          redirect_uri: input.redirectUri,
          code_verifier: input.codeVerifier,
          client_id: input.clientId,
          client_secret: input.clientSecret,
        },
        undefined,
        options,
      );
      const extra: Record<string, string> = { clientId: input.clientId };
      if (input.clientSecret) extra.clientSecret = input.clientSecret;
      const identity = await me({ ...credentials, extra });
      return { ...credentials, extra: { ...extra, channelId: identity.platformUserId } };
    },

    async refresh(credentials) {
      const clientId = credentials.extra?.clientId;
      if (!clientId) throw new PublishError('auth', 'This YouTube account has no client id stored with it; reconnect it.');
      return refreshWithToken(tokenEndpoint(), credentials, { client_id: clientId, client_secret: credentials.extra?.clientSecret }, options);
    },

    me,

    async publish(credentials, request) {
      const { title, description } = checkText(request);
      const videos = request.media.filter((m) => m.kind === 'video');
      if (request.media.length !== 1 || videos.length !== 1) {
        throw new PublishError('invalid', `A YouTube post is exactly one video; this post has ${videos.length} video(s) and ${request.media.length - videos.length} other item(s).`);
      }
      const video = videos[0]!;
      if (!video.path) throw new PublishError('invalid', `The video ${video.uri} has no local file to upload.`);
      const mimeType = video.mimeType ?? (extname(video.path).toLowerCase() === '.mov' ? 'video/quicktime' : 'video/mp4');
      const metadata = {
        snippet: { title, description, categoryId: '22' },
        status: { privacyStatus: 'public', selfDeclaredMadeForKids: false },
      };
      const uploaded = await uploadVideo(credentials, video.path, mimeType, metadata);
      return { platformPostId: uploaded.id, url: videoUrl(uploaded.id) };
    },

    async findExisting(credentials, request) {
      // YouTube takes no idempotency key: look for a recent upload with the same title and description.
      const channel = await myChannel(credentials, 'contentDetails');
      const uploads = channel.contentDetails?.relatedPlaylists?.uploads;
      if (!uploads) return null;
      const page = await call(
        credentials,
        { url: `/youtube/v3/playlistItems?part=snippet&maxResults=50&playlistId=${encodeURIComponent(uploads)}` },
        PlaylistItems,
        'playlistItems.list',
      );
      const title = (request.title ?? '').trim();
      const match = page.items.find((item) => sameText(item.snippet.title, title) && sameText(item.snippet.description ?? '', request.text));
      if (!match) return null;
      const post: PublishedPost = { platformPostId: match.snippet.resourceId.videoId, url: videoUrl(match.snippet.resourceId.videoId) };
      return post;
    },

    async delete(credentials, platformPostId) {
      await call(credentials, { method: 'DELETE', url: `/youtube/v3/videos?id=${encodeURIComponent(platformPostId)}` }, z.unknown(), 'videos.delete');
    },

    async metrics(credentials, platformPostId) {
      const list = await call(
        credentials,
        { url: `/youtube/v3/videos?part=statistics&id=${encodeURIComponent(platformPostId)}` },
        VideoStatistics,
        'videos.list',
      );
      const item = list.items.find((v) => v.id === platformPostId);
      if (!item) throw new PublishError('invalid', `YouTube has no video ${platformPostId} (deleted, or not on this channel).`);
      return {
        views: item.statistics?.viewCount ?? 0,
        likes: item.statistics?.likeCount ?? 0,
        replies: item.statistics?.commentCount ?? 0,
        fetchedAt: new Date(now()).toISOString(),
      };
    },

    async mentions(credentials, cursor) {
      const channelId = credentials.extra?.channelId ?? (await me(credentials)).platformUserId;
      const query = new URLSearchParams({ part: 'snippet', allThreadsRelatedToChannelId: channelId, order: 'time', maxResults: '50', textFormat: 'plainText' });
      if (cursor) query.set('pageToken', cursor);
      const page = await call(credentials, { url: `/youtube/v3/commentThreads?${query.toString()}` }, CommentThreads, 'commentThreads.list');
      const items: Mention[] = page.items.map((thread) => {
        const comment = thread.snippet.topLevelComment;
        const videoId = thread.snippet.videoId ?? comment.snippet.videoId;
        return {
          platformPostId: comment.id,
          author: comment.snippet.authorDisplayName,
          text: comment.snippet.textOriginal ?? comment.snippet.textDisplay ?? '',
          createdAt: comment.snippet.publishedAt,
          ...(videoId ? { url: `${videoUrl(videoId)}&lc=${comment.id}`, inReplyTo: videoId } : {}),
        };
      });
      return { items, cursor: page.nextPageToken ?? null };
    },
  };
}
