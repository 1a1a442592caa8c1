// TikTok Content Posting API (direct post) with TikTok Login Kit OAuth 2 + PKCE:
// creator_info/query decides the privacy level, video/init starts the post
// (FILE_UPLOAD in chunks, or PULL_FROM_URL from a verified domain), and
// status/fetch follows it until TikTok says it is public. TikTok answers with an
// envelope {data, error:{code,message,log_id}} whose code is "ok" on success,
// even on HTTP 200 failures, so the code decides the failure kind.
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { z } from 'zod';
import { classifyStatus, platformFetch, platformMessage } from '../http';
import {
  PublishError,
  type AccountIdentity,
  type Credentials,
  type PlatformAdapter,
  type PublishedPost,
  type PublishRequest,
} from '../PlatformAdapter';
import { isHttpsUrl, parseBody, refuseThread, sameText, type HttpAdapterOptions } from './adapterSupport';
import { buildAuthorizeUrl } from './oauth2';

const PLATFORM = 'TikTok';
const AUTHORIZE = 'https://www.tiktok.com/v2/auth/authorize/';
const API = 'https://open.tiktokapis.com';
const DEFAULT_SCOPES = ['user.info.basic', 'video.publish', 'video.list'];
const MAX_CAPTION = 2200;
const MB = 1024 * 1024;
/** TikTok's chunk rules: 5–64 MB per chunk, the last may hold up to 128 MB, files under 5 MB go whole. */
const MIN_CHUNK = 5 * MB;
const MAX_CHUNK = 64 * MB;
const DEFAULT_CHUNK = 10 * MB;
const MAX_CHUNK_RETRIES = 4;
const STATUS_POLLS = 30;
const STATUS_POLL_MS = 3000;
const PRIVACY_LEVELS = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'] as const;

export interface TikTokAdapterOptions extends HttpAdapterOptions {
  /** Bytes per upload chunk, kept within TikTok's 5–64 MB. */
  uploadChunkBytes?: number;
}

const ErrorEnvelope = z.object({ error: z.object({ code: z.string(), message: z.string().optional(), log_id: z.string().optional() }) });
const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
  open_id: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_expires_in: z.coerce.number().optional(),
  scope: z.string().optional(),
});
const OAuthError = z.object({ error: z.string().min(1), error_description: z.string().optional() });
const UserInfo = z.object({
  data: z.object({ user: z.object({ open_id: z.string().min(1), display_name: z.string().optional(), username: z.string().optional() }) }),
});
const CreatorInfo = z.object({
  data: z.object({
    creator_username: z.string().optional(),
    creator_nickname: z.string().optional(),
    privacy_level_options: z.array(z.string()),
    comment_disabled: z.boolean().optional(),
    duet_disabled: z.boolean().optional(),
    stitch_disabled: z.boolean().optional(),
    max_video_post_duration_sec: z.number().optional(),
  }),
});
const InitAnswer = z.object({ data: z.object({ publish_id: z.string().min(1), upload_url: z.string().optional() }) });
const StatusAnswer = z.object({
  data: z.object({
    status: z.string(),
    fail_reason: z.string().optional(),
    publicaly_available_post_id: z.array(z.union([z.string(), z.number()])).optional(),
    uploaded_bytes: z.number().optional(),
  }),
});
const VideoList = z.object({
  data: z.object({
    videos: z.array(z.object({ id: z.string(), title: z.string().optional(), video_description: z.string().optional(), share_url: z.string().optional() })),
  }),
});
const VideoQuery = z.object({
  data: z.object({
    videos: z.array(
      z.object({
        id: z.string(),
        like_count: z.number().optional(),
        comment_count: z.number().optional(),
        share_count: z.number().optional(),
        view_count: z.number().optional(),
      }),
    ),
  }),
});

/** Maps TikTok's error codes (and status/fetch fail reasons) to what the scheduler should do. */
export function classifyTikTok(status: number, body: unknown, headers: Headers, now: number): PublishError | null {
  const envelope = ErrorEnvelope.safeParse(body);
  if (!envelope.success || envelope.data.error.code === 'ok') return null;
  const { code } = envelope.data.error;
  return tikTokFailure(code, platformMessage(body, `TikTok refused the request (${code}).`), status, headers, now);
}

function tikTokFailure(code: string, message: string, status: number | undefined, headers: Headers, now: number): PublishError {
  const details = { status, platformCode: code };
  switch (code) {
    case 'access_token_invalid':
    case 'scope_not_authorized':
    case 'scope_permission_missed':
      return new PublishError('auth', message, details);
    case 'auth_removed':
      return new PublishError('auth', message, { ...details, revoked: true });
    case 'rate_limit_exceeded':
      return new PublishError('rate_limited', message, { ...details, retryAt: classifyStatus(429, null, headers, now, PLATFORM).details.retryAt });
    // Daily caps on posts and on pending inbox shares: come back tomorrow.
    case 'spam_risk_too_many_posts':
    case 'spam_risk_too_many_pending_share':
      return new PublishError('rate_limited', message, { ...details, retryAt: new Date(now + 24 * 3600_000) });
    case 'unaudited_client_can_only_post_to_private_accounts':
    case 'spam_risk_user_banned_from_posting':
    case 'url_ownership_unverified':
    case 'reached_active_user_cap':
      return new PublishError('unavailable', message, details);
    case 'internal_error':
    case 'internal':
    case 'video_pull_failed':
      return new PublishError('transient', message, details);
    default:
      if (status !== undefined && (status >= 500 || status === 408)) return new PublishError('transient', message, details);
      return new PublishError('invalid', message, details);
  }
}

/** Post ids are 64-bit integers, larger than a JS number holds exactly: quote them before JSON.parse sees them. */
function bigIntsAsStrings(doFetch: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await doFetch(input, init);
    const text = await response.text();
    const quoted = text.replace(/([:[,]\s*)(\d{16,})(?=\s*[,\]}])/g, '$1"$2"');
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    return new Response(quoted, { status: response.status, statusText: response.statusText, headers });
  };
}

export function createTikTokAdapter(options: TikTokAdapterOptions = {}): PlatformAdapter {
  const api = options.baseUrl ?? API;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const doFetch = options.fetch ?? fetch;
  const chunkBytes = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, options.uploadChunkBytes ?? DEFAULT_CHUNK));

  async function call<T>(credentials: Credentials, method: 'GET' | 'POST', path: string, json: unknown, schema: z.ZodType<T>, what: string, fetchImpl?: typeof fetch): Promise<T> {
    const response = await platformFetch(
      PLATFORM,
      {
        method,
        url: `${api}${path}`,
        headers: { Authorization: `Bearer ${credentials.accessToken}` },
        ...(json === undefined ? {} : { json }),
        timeoutMs: options.timeoutMs,
        classify: classifyTikTok,
      },
      fetchImpl ? { ...options, fetch: fetchImpl } : options,
    );
    // HTTP 200 is not success by itself: the envelope's code must be "ok".
    const failure = classifyTikTok(response.status, response.data, response.headers, now());
    if (failure) throw failure;
    return parseBody(schema, response.data, PLATFORM, what);
  }

  async function tokenRequest(params: Record<string, string | undefined>, previous: Credentials | undefined): Promise<Credentials> {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) form.set(key, value);
    const isRefresh = params.grant_type === 'refresh_token';
    const oauthFailure = (status: number, body: unknown): PublishError | null => {
      const parsed = OAuthError.safeParse(body);
      if (!parsed.success) return null;
      const revoked = parsed.data.error === 'invalid_grant' && isRefresh;
      const message = parsed.data.error_description || parsed.data.error;
      return new PublishError('auth', revoked ? `TikTok refused the refresh token: ${message}` : message, { status, platformCode: parsed.data.error, revoked: revoked || undefined });
    };
    const response = await platformFetch(
      PLATFORM,
      {
        method: 'POST',
        url: `${api}/v2/oauth/token/`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Cache-Control': 'no-cache' },
        body: form.toString(),
        timeoutMs: options.timeoutMs,
        classify: (status, body) => (status >= 500 || status === 429 ? null : oauthFailure(status, body)),
      },
      options,
    );
    // TikTok also reports grant errors with HTTP 200.
    const failure = oauthFailure(response.status, response.data);
    if (failure) throw failure;
    const token = parseBody(TokenResponse, response.data, PLATFORM, 'the token request');
    return {
      ...previous,
      accessToken: token.access_token,
      refreshToken: token.refresh_token ?? previous?.refreshToken,
      expiresAt: token.expires_in !== undefined ? new Date(now() + token.expires_in * 1000).toISOString() : undefined,
      scope: token.scope ?? previous?.scope,
      extra: { ...previous?.extra, ...(token.open_id ? { openId: token.open_id } : {}) },
    };
  }

  async function me(credentials: Credentials): Promise<AccountIdentity> {
    const scopes = (credentials.scope ?? '').split(/[\s,]+/);
    const fields = ['open_id', 'union_id', 'avatar_url', 'display_name', ...(scopes.includes('user.info.profile') ? ['username'] : [])];
    const { data } = await call(credentials, 'GET', `/v2/user/info/?fields=${fields.join(',')}`, undefined, UserInfo, 'user info');
    const displayName = data.user.display_name ?? data.user.username ?? data.user.open_id;
    return { platformUserId: data.user.open_id, handle: data.user.username ? `@${data.user.username}` : displayName, displayName };
  }

  /** One chunk PUT to TikTok's upload URL: 206 means "more please", 201 means the file is complete. */
  async function putChunk(uploadUrl: string, bytes: Uint8Array<ArrayBuffer>, first: number, size: number, mimeType: string): Promise<void> {
    let response: Response;
    try {
      response = await doFetch(uploadUrl, {
        method: 'PUT',
        headers: { 'Content-Type': mimeType, 'Content-Length': String(bytes.byteLength), 'Content-Range': `bytes ${first}-${first + bytes.byteLength - 1}/${size}` },
        body: bytes,
        signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new PublishError('transient', timedOut ? 'TikTok did not answer the upload in time.' : `The upload to TikTok was interrupted: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (response.status === 201 || response.status === 206 || response.ok) return;
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : text;
    } catch {
      // keep the text for the message
    }
    throw classifyTikTok(response.status, body, response.headers, now()) ?? classifyStatus(response.status, body, response.headers, now(), PLATFORM);
  }

  async function uploadFile(uploadUrl: string, path: string, size: number, chunk: number, count: number, mimeType: string): Promise<void> {
    const file = await open(path, 'r');
    try {
      for (let index = 0; index < count; index++) {
        const first = index * chunk;
        // The last chunk takes the remainder (up to 128 MB).
        const end = index === count - 1 ? size : first + chunk;
        const bytes = new Uint8Array(new ArrayBuffer(end - first));
        await file.read(bytes, 0, bytes.byteLength, first);
        for (let attempt = 0; ; attempt++) {
          try {
            await putChunk(uploadUrl, bytes, first, size, mimeType);
            break;
          } catch (error) {
            if (!(error instanceof PublishError) || error.kind !== 'transient' || attempt >= MAX_CHUNK_RETRIES) throw error;
            await sleep(Math.min(1000 * 2 ** attempt, 30_000));
          }
        }
      }
    } finally {
      await file.close();
    }
  }

  function choosePrivacy(request: PublishRequest, offered: string[]): string {
    // `target` may name the privacy level the person picked; otherwise public when the creator allows it.
    if (request.target && (PRIVACY_LEVELS as readonly string[]).includes(request.target)) return request.target;
    return offered.includes('PUBLIC_TO_EVERYONE') ? 'PUBLIC_TO_EVERYONE' : (offered[0] ?? 'SELF_ONLY');
  }

  return {
    platform: 'tiktok',
    connection: 'oauth2-pkce',

    authorizeUrl(start) {
      return buildAuthorizeUrl(options.baseUrl ? `${options.baseUrl}/v2/auth/authorize/` : AUTHORIZE, {
        client_key: start.clientId,
        response_type: 'code',
        scope: (start.scopes.length ? start.scopes : DEFAULT_SCOPES).join(','),
        redirect_uri: start.redirectUri,
        state: start.state,
        code_challenge: start.codeChallenge,
        code_challenge_method: 'S256',
      });
    },

    async exchangeCode(input) {
      const credentials = await tokenRequest(
        {
          client_key: input.clientId,
          client_secret: input.clientSecret,
          code: input.code,
          grant_type: 'authorization_code',
          redirect_uri: input.redirectUri,
          code_verifier: input.codeVerifier,
        },
        undefined,
      );
      const extra: Record<string, string> = { ...credentials.extra, clientId: input.clientId };
      if (input.clientSecret) extra.clientSecret = input.clientSecret;
      const identity = await me(credentials);
      return { ...credentials, extra: { ...extra, openId: identity.platformUserId, handle: identity.handle } };
    },

    async refresh(credentials) {
      const clientId = credentials.extra?.clientId;
      if (!clientId) throw new PublishError('auth', 'This TikTok account has no client key stored with it; reconnect it.');
      if (!credentials.refreshToken) throw new PublishError('auth', 'TikTok did not give this account a refresh token; reconnect it to continue.');
      return tokenRequest(
        { client_key: clientId, client_secret: credentials.extra?.clientSecret, grant_type: 'refresh_token', refresh_token: credentials.refreshToken },
        credentials,
      );
    },

    me,

    async publish(credentials, request) {
      refuseThread(request, PLATFORM);
      if ([...request.text].length > MAX_CAPTION) {
        throw new PublishError('invalid', `TikTok captions are limited to ${MAX_CAPTION} characters; this one has ${[...request.text].length}.`);
      }
      const videos = request.media.filter((m) => m.kind === 'video');
      if (videos.length !== 1 || request.media.length !== 1) {
        if (request.media.length > 0 && videos.length === 0) throw new PublishError('unavailable', 'Chorus publishes videos to TikTok; photo posts are not supported yet.');
        throw new PublishError('invalid', `A TikTok post is exactly one video; this post has ${videos.length} video(s) and ${request.media.length - videos.length} other item(s).`);
      }
      const video = videos[0]!;

      const creator = await call(credentials, 'POST', '/v2/post/publish/creator_info/query/', {}, CreatorInfo, 'creator_info/query');
      const postInfo = {
        title: request.text,
        privacy_level: choosePrivacy(request, creator.data.privacy_level_options),
        disable_comment: creator.data.comment_disabled ?? false,
        disable_duet: creator.data.duet_disabled ?? false,
        disable_stitch: creator.data.stitch_disabled ?? false,
      };

      let init: z.infer<typeof InitAnswer>;
      if (video.path) {
        const size = (await stat(video.path).catch((error: Error) => {
          throw new PublishError('invalid', `The video file ${video.path} could not be read: ${error.message}`);
        })).size;
        if (size === 0) throw new PublishError('invalid', `The video file ${video.path} is empty.`);
        const chunk = size < MIN_CHUNK ? size : Math.min(chunkBytes, size);
        const count = Math.max(1, Math.floor(size / chunk));
        init = await call(
          credentials,
          'POST',
          '/v2/post/publish/video/init/',
          { post_info: postInfo, source_info: { source: 'FILE_UPLOAD', video_size: size, chunk_size: chunk, total_chunk_count: count } },
          InitAnswer,
          'video/init',
        );
        if (!init.data.upload_url) throw new PublishError('transient', 'TikTok accepted the upload without giving an upload URL.');
        const mimeType = video.mimeType ?? (extname(video.path).toLowerCase() === '.mov' ? 'video/quicktime' : 'video/mp4');
        await uploadFile(init.data.upload_url, video.path, size, chunk, count, mimeType);
      } else if (isHttpsUrl(video.uri)) {
        init = await call(
          credentials,
          'POST',
          '/v2/post/publish/video/init/',
          { post_info: postInfo, source_info: { source: 'PULL_FROM_URL', video_url: video.uri } },
          InitAnswer,
          'video/init',
        );
      } else {
        throw new PublishError('invalid', `The video ${video.uri} has no local file or https URL to post from.`);
      }

      const publishId = init.data.publish_id;
      const username = creator.data.creator_username;
      const profile = username ? `https://www.tiktok.com/@${username}` : 'https://www.tiktok.com/';
      for (let poll = 0; poll < STATUS_POLLS; poll++) {
        const status = await call(credentials, 'POST', '/v2/post/publish/status/fetch/', { publish_id: publishId }, StatusAnswer, 'status/fetch', bigIntsAsStrings(doFetch));
        if (status.data.status === 'FAILED') {
          const reason = status.data.fail_reason ?? 'unknown reason';
          throw tikTokFailure(reason, `TikTok could not publish the video: ${reason}.`, undefined, new Headers(), now());
        }
        if (status.data.status === 'PUBLISH_COMPLETE') {
          const postId = status.data.publicaly_available_post_id?.[0];
          // Private posts, and public ones still in moderation, have no public id yet.
          if (postId !== undefined) return { platformPostId: String(postId), url: `${profile}/video/${String(postId)}` };
          return { platformPostId: publishId, url: profile };
        }
        await sleep(STATUS_POLL_MS);
      }
      // TikTok accepted the video and keeps processing it; the publish id is the handle on it.
      const accepted: PublishedPost = { platformPostId: publishId, url: profile };
      return accepted;
    },

    async findExisting(credentials, request) {
      // TikTok takes no idempotency key: look for a recent video with the same caption.
      const list = await call(
        credentials,
        'POST',
        '/v2/video/list/?fields=id,title,video_description,share_url',
        { max_count: 20 },
        VideoList,
        'video/list',
        bigIntsAsStrings(doFetch),
      );
      const match = list.data.videos.find((v) => sameText(v.video_description ?? v.title ?? '', request.text));
      return match ? { platformPostId: match.id, url: match.share_url ?? `https://www.tiktok.com/video/${match.id}` } : null;
    },

    async delete() {
      throw new PublishError('unavailable', "TikTok's API does not let apps delete posts; delete it in the TikTok app.");
    },

    async metrics(credentials, platformPostId) {
      if (!/^\d+$/.test(platformPostId)) {
        throw new PublishError('unavailable', 'TikTok has not made this video public yet (private videos and videos in review have no statistics).');
      }
      const answer = await call(
        credentials,
        'POST',
        '/v2/video/query/?fields=id,like_count,comment_count,share_count,view_count',
        { filters: { video_ids: [platformPostId] } },
        VideoQuery,
        'video/query',
        bigIntsAsStrings(doFetch),
      );
      const video = answer.data.videos.find((v) => v.id === platformPostId);
      if (!video) throw new PublishError('invalid', `TikTok has no video ${platformPostId} on this account.`);
      return {
        likes: video.like_count ?? 0,
        replies: video.comment_count ?? 0,
        reposts: video.share_count ?? 0,
        views: video.view_count ?? 0,
        fetchedAt: new Date(now()).toISOString(),
      };
    },

    async mentions() {
      throw new PublishError('unavailable', "TikTok's API does not give apps a creator's comments or mentions.");
    },
  };
}
