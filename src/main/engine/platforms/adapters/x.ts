// X (Twitter) API v2: OAuth 2 with PKCE, POST /2/tweets with threads as reply
// chains, media through POST /2/media/upload, x-rate-limit-* headers.
import { z } from 'zod';
import {
  PublishError,
  type AccountIdentity,
  type Credentials,
  type Mention,
  type PlatformAdapter,
  type PostMetrics,
  type PublishRequest,
  type PublishedPost,
} from '../PlatformAdapter';
import { classifyStatus } from '../http';
import { bearerCall, loadMedia, sameText, type HttpAdapterOptions } from './adapterSupport';
import { buildAuthorizeUrl, refreshWithToken, requestToken, type TokenEndpoint } from './oauth2';

const PLATFORM = 'X';
const API = 'https://api.x.com';
const AUTHORIZE = 'https://twitter.com/i/oauth2/authorize';
/** Media processing (video) is polled at most this often before giving up. */
const MAX_MEDIA_POLLS = 60;

/** X's v2 error bodies: a problem document, sometimes with per-parameter `errors`. */
const XProblem = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  type: z.string().optional(),
  errors: z.array(z.object({ message: z.string() }).loose()).optional(),
});

function xMessage(body: unknown, status: number): string {
  const problem = XProblem.safeParse(body);
  if (!problem.success) return typeof body === 'string' && body.trim() ? body.trim().slice(0, 500) : `X answered HTTP ${status}.`;
  const specifics = (problem.data.errors ?? []).map((e) => e.message).join('; ');
  const general = problem.data.detail ?? problem.data.title;
  if (specifics && general && !general.startsWith('One or more parameters')) return `${general}: ${specifics}`;
  return specifics || general || `X answered HTTP ${status}.`;
}

function classifyX(status: number, body: unknown, headers: Headers, now: number): PublishError {
  const message = xMessage(body, status);
  // X answers 403 to a duplicate post: the post itself is refused, retrying will not help.
  if (status === 403 && /duplicate/i.test(message)) return new PublishError('invalid', message, { status });
  const base = classifyStatus(status, body, headers, now, PLATFORM);
  return new PublishError(base.kind, message, { ...base.details });
}

const Tweet = z.object({
  id: z.string().min(1),
  text: z.string(),
  author_id: z.string().optional(),
  created_at: z.string().optional(),
  conversation_id: z.string().optional(),
  referenced_tweets: z.array(z.object({ type: z.string(), id: z.string() })).optional(),
  public_metrics: z
    .object({
      like_count: z.number(),
      reply_count: z.number(),
      retweet_count: z.number(),
      quote_count: z.number().optional(),
      impression_count: z.number().optional(),
    })
    .optional(),
});
type Tweet = z.infer<typeof Tweet>;

const User = z.object({ id: z.string().min(1), username: z.string().min(1), name: z.string() });
const Page = z.object({
  data: z.array(Tweet).optional(),
  includes: z.object({ users: z.array(User).optional() }).optional(),
  meta: z.object({ result_count: z.number().optional(), newest_id: z.string().optional(), next_token: z.string().optional() }).optional(),
});
const MediaUpload = z.object({
  data: z.object({
    id: z.string().min(1),
    processing_info: z
      .object({
        state: z.enum(['pending', 'in_progress', 'succeeded', 'failed']),
        check_after_secs: z.number().optional(),
        error: z.object({ message: z.string().optional(), name: z.string().optional() }).optional(),
      })
      .optional(),
  }),
});

export function createXAdapter(options: HttpAdapterOptions = {}): PlatformAdapter {
  const api = options.baseUrl ?? API;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  function tokenEndpoint(clientId: string, clientSecret?: string): TokenEndpoint {
    return {
      platform: PLATFORM,
      url: `${api}/2/oauth2/token`,
      basicAuth: clientSecret ? { clientId, clientSecret } : undefined,
      // X says this, not invalid_grant, for a refresh token it no longer honours.
      isRevoked: (body) => /token was invalid|revoked|expired/i.test(JSON.stringify(body ?? '')),
    };
  }

  const call = bearerCall({ platform: PLATFORM, api, classify: classifyX, options });

  async function userId(credentials: Credentials): Promise<string> {
    return credentials.extra?.userId ?? (await me(credentials)).platformUserId;
  }

  async function me(credentials: Credentials): Promise<AccountIdentity> {
    const { data } = await call(credentials, { url: '/2/users/me' }, z.object({ data: User }), 'GET /2/users/me');
    return { platformUserId: data.id, handle: `@${data.username}`, displayName: data.name };
  }

  function postUrl(credentials: Credentials, id: string): string {
    return `https://x.com/${credentials.extra?.username ?? 'i'}/status/${id}`;
  }

  async function uploadMedia(credentials: Credentials, item: PublishRequest['media'][number]): Promise<string> {
    const file = await loadMedia(item, PLATFORM, options);
    const category = item.kind === 'video' ? 'tweet_video' : item.kind === 'gif' ? 'tweet_gif' : 'tweet_image';
    let uploaded: z.infer<typeof MediaUpload>;
    if (item.kind === 'image') {
      const form = new FormData();
      form.set('media', new Blob([file.bytes], { type: file.mimeType }), file.filename);
      form.set('media_category', category);
      uploaded = await call(credentials, { method: 'POST', url: '/2/media/upload', body: form }, MediaUpload, 'the media upload');
    } else {
      // Videos and GIFs go in chunks: INIT, APPEND each segment, FINALIZE.
      const init = new FormData();
      init.set('command', 'INIT');
      init.set('media_type', file.mimeType);
      init.set('total_bytes', String(file.bytes.byteLength));
      init.set('media_category', category);
      const { data } = await call(credentials, { method: 'POST', url: '/2/media/upload', body: init }, MediaUpload, 'the media upload (INIT)');
      const chunk = 4 * 1024 * 1024;
      for (let offset = 0, segment = 0; offset < file.bytes.byteLength; offset += chunk, segment++) {
        const append = new FormData();
        append.set('command', 'APPEND');
        append.set('media_id', data.id);
        append.set('segment_index', String(segment));
        append.set('media', new Blob([file.bytes.slice(offset, offset + chunk)], { type: 'application/octet-stream' }));
        await call(credentials, { method: 'POST', url: '/2/media/upload', body: append }, z.unknown(), 'the media upload (APPEND)');
      }
      const finalize = new FormData();
      finalize.set('command', 'FINALIZE');
      finalize.set('media_id', data.id);
      uploaded = await call(credentials, { method: 'POST', url: '/2/media/upload', body: finalize }, MediaUpload, 'the media upload (FINALIZE)');
    }
    for (let poll = 0; uploaded.data.processing_info && poll < MAX_MEDIA_POLLS; poll++) {
      const info = uploaded.data.processing_info;
      if (info.state === 'succeeded') break;
      if (info.state === 'failed') {
        throw new PublishError('invalid', `X could not process ${file.filename}: ${info.error?.message ?? info.error?.name ?? 'processing failed'}`);
      }
      await sleep((info.check_after_secs ?? 5) * 1000);
      const query = new URLSearchParams({ command: 'STATUS', media_id: uploaded.data.id });
      uploaded = await call(credentials, { url: `/2/media/upload?${query}` }, MediaUpload, 'the media status check');
    }
    if (uploaded.data.processing_info && uploaded.data.processing_info.state !== 'succeeded') {
      throw new PublishError('transient', `X is still processing ${file.filename}; try again later.`);
    }
    return uploaded.data.id;
  }

  async function createTweet(credentials: Credentials, body: Record<string, unknown>): Promise<string> {
    const { data } = await call(credentials, { method: 'POST', url: '/2/tweets', json: body }, z.object({ data: Tweet.pick({ id: true }) }), 'POST /2/tweets');
    return data.id;
  }

  async function recentTweets(credentials: Credentials): Promise<Tweet[]> {
    const id = await userId(credentials);
    const query = new URLSearchParams({ max_results: '50', 'tweet.fields': 'created_at,referenced_tweets,conversation_id', exclude: 'retweets' });
    const page = await call(credentials, { url: `/2/users/${encodeURIComponent(id)}/tweets?${query}` }, Page, 'the timeline lookup');
    return page.data ?? [];
  }

  return {
    platform: 'x',
    connection: 'oauth2-pkce',

    authorizeUrl(start) {
      const scopes = new Set([...start.scopes, 'offline.access']);
      return buildAuthorizeUrl(options.baseUrl ? `${options.baseUrl}/i/oauth2/authorize` : AUTHORIZE, {
        response_type: 'code',
        client_id: start.clientId,
        redirect_uri: start.redirectUri,
        scope: [...scopes].join(' '),
        state: start.state,
        code_challenge: start.codeChallenge,
        code_challenge_method: 'S256',
      });
    },

    async exchangeCode(input) {
      const credentials = await requestToken(
        tokenEndpoint(input.clientId, input.clientSecret),
        { grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri, code_verifier: input.codeVerifier, client_id: input.clientId },
        undefined,
        options,
      );
      const extra: Record<string, string> = { clientId: input.clientId };
      if (input.clientSecret) extra.clientSecret = input.clientSecret;
      const identity = await me({ ...credentials, extra });
      return { ...credentials, extra: { ...extra, userId: identity.platformUserId, username: identity.handle.slice(1) } };
    },

    async refresh(credentials) {
      const clientId = credentials.extra?.clientId;
      if (!clientId) throw new PublishError('auth', 'This X account has no client id stored with it; reconnect it.');
      return refreshWithToken(tokenEndpoint(clientId, credentials.extra?.clientSecret), credentials, { client_id: clientId }, options);
    },

    me,

    async publish(credentials, request) {
      if (!request.text.trim()) throw new PublishError('invalid', 'X posts need text.');
      const mediaIds: string[] = [];
      for (const item of request.media) mediaIds.push(await uploadMedia(credentials, item));
      const headId = await createTweet(credentials, { text: request.text, ...(mediaIds.length ? { media: { media_ids: mediaIds } } : {}) });
      const threadPostIds: string[] = [];
      let previous = headId;
      for (const part of request.thread ?? []) {
        previous = await createTweet(credentials, { text: part, reply: { in_reply_to_tweet_id: previous } });
        threadPostIds.push(previous);
      }
      return { platformPostId: headId, url: postUrl(credentials, headId), ...(request.thread?.length ? { threadPostIds } : {}) };
    },

    async findExisting(credentials, request) {
      const tweets = await recentTweets(credentials);
      // X wraps links in t.co, so links are compared as "a link" rather than character by character.
      const head = tweets.find((t) => !t.referenced_tweets?.some((r) => r.type === 'replied_to') && sameText(t.text, request.text, { ignoreUrls: true }));
      if (!head) return null;
      const found: PublishedPost = { platformPostId: head.id, url: postUrl(credentials, head.id) };
      if (request.thread?.length) {
        // The parts that made it, in order; fewer than asked means the thread broke off there.
        const threadPostIds: string[] = [];
        let previous = head.id;
        for (const part of request.thread) {
          const reply = tweets.find(
            (t) => t.referenced_tweets?.some((r) => r.type === 'replied_to' && r.id === previous) && sameText(t.text, part, { ignoreUrls: true }),
          );
          if (!reply) break;
          threadPostIds.push(reply.id);
          previous = reply.id;
        }
        found.threadPostIds = threadPostIds;
      }
      return found;
    },

    async delete(credentials, platformPostId) {
      const { data } = await call(
        credentials,
        { method: 'DELETE', url: `/2/tweets/${encodeURIComponent(platformPostId)}` },
        z.object({ data: z.object({ deleted: z.boolean() }) }),
        'DELETE /2/tweets',
      );
      if (!data.deleted) throw new PublishError('invalid', `X did not delete post ${platformPostId}.`);
    },

    async metrics(credentials, platformPostId): Promise<PostMetrics> {
      const { data } = await call(
        credentials,
        { url: `/2/tweets/${encodeURIComponent(platformPostId)}?tweet.fields=public_metrics` },
        z.object({ data: Tweet.required({ public_metrics: true }) }),
        'the post lookup',
      );
      const m = data.public_metrics;
      return {
        likes: m.like_count,
        replies: m.reply_count,
        reposts: m.retweet_count + (m.quote_count ?? 0),
        impressions: m.impression_count,
        fetchedAt: new Date((options.now ?? Date.now)()).toISOString(),
      };
    },

    async mentions(credentials, cursor) {
      const id = await userId(credentials);
      const items: Mention[] = [];
      let newest = cursor;
      let nextToken: string | undefined;
      // Newest first, page by page, down to the cursor (since_id) — capped so one call stays bounded.
      for (let page = 0; page < 10; page++) {
        const query = new URLSearchParams({
          max_results: '100',
          'tweet.fields': 'created_at,author_id,referenced_tweets,conversation_id',
          expansions: 'author_id',
          'user.fields': 'username',
        });
        if (cursor) query.set('since_id', cursor);
        if (nextToken) query.set('pagination_token', nextToken);
        const result = await call(credentials, { url: `/2/users/${encodeURIComponent(id)}/mentions?${query}` }, Page, 'the mentions lookup');
        const users = new Map((result.includes?.users ?? []).map((u) => [u.id, u.username]));
        for (const tweet of result.data ?? []) {
          const author = users.get(tweet.author_id ?? '') ?? tweet.author_id ?? 'unknown';
          items.push({
            platformPostId: tweet.id,
            author: `@${author}`,
            text: tweet.text,
            createdAt: tweet.created_at ?? new Date((options.now ?? Date.now)()).toISOString(),
            url: `https://x.com/${author}/status/${tweet.id}`,
            inReplyTo: tweet.referenced_tweets?.find((r) => r.type === 'replied_to')?.id,
          });
        }
        if (page === 0 && result.meta?.newest_id) newest = result.meta.newest_id;
        nextToken = result.meta?.next_token;
        if (!nextToken) break;
      }
      return { items, cursor: newest };
    },
  };
}
