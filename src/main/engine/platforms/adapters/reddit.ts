// Reddit: OAuth 2 against www.reddit.com (Basic auth on the token endpoint,
// duration=permanent for a refresh token), the API on oauth.reddit.com. Every
// request carries a descriptive User-Agent, which Reddit requires. /api/submit
// reports most failures as HTTP 200 with `json.errors`, so those are read too.
import { z } from 'zod';
import { PublishError, type AccountIdentity, type Credentials, type Mention, type PlatformAdapter, type PublishRequest } from '../PlatformAdapter';
import { classifyStatus, platformMessage, type PlatformRequest } from '../http';
import { bearerCall, isHttpsUrl, sameText, type HttpAdapterOptions } from './adapterSupport';
import { buildAuthorizeUrl, refreshWithToken, requestToken, type TokenEndpoint } from './oauth2';

const PLATFORM = 'Reddit';
const API = 'https://oauth.reddit.com';
const WWW = 'https://www.reddit.com';
/** Reddit's required format: <platform>:<app ID>:<version> (by /u/<username>). */
export const DEFAULT_REDDIT_USER_AGENT = 'desktop:app.chorus:0.1.0 (by /u/chorus-app)';

export interface RedditAdapterOptions extends HttpAdapterOptions {
  userAgent?: string;
}

/** `[code, message, field]` triples, Reddit's api_type=json error format. */
const ApiErrors = z.array(z.tuple([z.string(), z.string()]).rest(z.string().nullable()));
const SubmitResponse = z.object({
  json: z.object({
    errors: ApiErrors,
    ratelimit: z.number().optional(),
    data: z.object({ id: z.string().min(1), name: z.string().min(1), url: z.string() }).optional(),
  }),
});
const CommentResponse = z.object({
  json: z.object({
    errors: ApiErrors,
    data: z.object({ things: z.array(z.object({ kind: z.string(), data: z.object({ id: z.string(), name: z.string(), permalink: z.string().optional() }) })) }).optional(),
  }),
});
const Me = z.object({ id: z.string().min(1), name: z.string().min(1) });
const Link = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string().optional(),
  selftext: z.string().optional(),
  url: z.string().optional(),
  subreddit: z.string().optional(),
  permalink: z.string().optional(),
  score: z.number().optional(),
  ups: z.number().optional(),
  num_comments: z.number().optional(),
});
const Listing = <T extends z.ZodType>(item: T) => z.object({ kind: z.literal('Listing'), data: z.object({ children: z.array(z.object({ kind: z.string(), data: item })), before: z.string().nullable().optional() }) });
const InboxItem = z.object({
  name: z.string(),
  author: z.string().nullable(),
  body: z.string(),
  created_utc: z.number(),
  context: z.string().optional(),
  parent_id: z.string().nullable().optional(),
  was_comment: z.boolean().optional(),
});

/** "you are doing that too much. try again in 9 minutes." → when that is. */
function retryFromMessage(message: string, now: number, ratelimitSeconds?: number): Date {
  if (ratelimitSeconds !== undefined) return new Date(now + Math.ceil(ratelimitSeconds) * 1000);
  const m = /(\d+)\s*(second|minute|hour)/i.exec(message);
  const unit = m ? ({ second: 1_000, minute: 60_000, hour: 3_600_000 } as const)[m[2]!.toLowerCase() as 'second' | 'minute' | 'hour'] : 600_000;
  return new Date(now + (m ? Number(m[1]) * unit : unit));
}

function classifyReddit(status: number, body: unknown, headers: Headers, now: number): PublishError {
  let message = platformMessage(body, `Reddit answered HTTP ${status}.`);
  // Reddit's bare `{"message": "Unauthorized", "error": 401}` repeats the status; say what it means.
  if (status === 401) message = `Reddit refused the access token (${message}).`;
  const base = classifyStatus(status, body, headers, now, PLATFORM);
  return new PublishError(base.kind, message, { ...base.details });
}

export function createRedditAdapter(options: RedditAdapterOptions = {}): PlatformAdapter {
  const api = options.baseUrl ?? API;
  const www = options.baseUrl ?? WWW;
  const userAgent = options.userAgent ?? DEFAULT_REDDIT_USER_AGENT;
  const now = options.now ?? Date.now;

  function tokenEndpoint(clientId: string, clientSecret = ''): TokenEndpoint {
    // Installed apps have no secret: Basic auth with the client id and an empty password.
    return { platform: PLATFORM, url: `${www}/api/v1/access_token`, basicAuth: { clientId, clientSecret }, headers: { 'User-Agent': userAgent } };
  }

  const call = bearerCall({ platform: PLATFORM, api, classify: classifyReddit, options, headers: { 'User-Agent': userAgent }, scheme: 'bearer' });

  function form(fields: Record<string, string>): Pick<PlatformRequest, 'body' | 'headers'> {
    return { body: new URLSearchParams(fields).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
  }

  /** HTTP 200 with `json.errors`: RATELIMIT waits, everything else is the post being refused. */
  function throwApiErrors(errors: z.infer<typeof ApiErrors>, ratelimit?: number): void {
    if (!errors.length) return;
    const [code, message] = errors[0]!;
    const text = errors.map(([, m, f]) => (f ? `${m} (${f})` : m)).join('; ');
    if (code === 'RATELIMIT') throw new PublishError('rate_limited', message, { platformCode: code, retryAt: retryFromMessage(message, now(), ratelimit) });
    if (code === 'USER_REQUIRED') throw new PublishError('auth', message, { platformCode: code });
    throw new PublishError('invalid', text, { platformCode: code });
  }

  async function username(credentials: Credentials): Promise<string> {
    return credentials.extra?.username ?? (await call(credentials, { url: '/api/v1/me' }, Me, 'GET /api/v1/me')).name;
  }

  async function me(credentials: Credentials): Promise<AccountIdentity> {
    const account = await call(credentials, { url: '/api/v1/me' }, Me, 'GET /api/v1/me');
    return { platformUserId: `t2_${account.id}`, handle: `u/${account.name}`, displayName: account.name };
  }

  function subredditOf(request: PublishRequest, user: string): string {
    // No target: the account's own profile, which Reddit treats as subreddit u_<name>.
    return request.target ? request.target.replace(/^\/?r\//i, '') : `u_${user}`;
  }

  return {
    platform: 'reddit',
    connection: 'oauth2-pkce',

    authorizeUrl(start) {
      // Reddit does not support PKCE; state still guards the redirect.
      return buildAuthorizeUrl(`${www}/api/v1/authorize`, {
        client_id: start.clientId,
        response_type: 'code',
        state: start.state,
        redirect_uri: start.redirectUri,
        duration: 'permanent',
        scope: start.scopes.join(' '),
      });
    },

    async exchangeCode(input) {
      const extra: Record<string, string> = { clientId: input.clientId };
      if (input.clientSecret) extra.clientSecret = input.clientSecret;
      const credentials = await requestToken(
        tokenEndpoint(input.clientId, input.clientSecret),
        { grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri },
        { accessToken: '', extra },
        options,
      );
      const account = await me(credentials);
      return { ...credentials, extra: { ...credentials.extra, username: account.displayName } };
    },

    async refresh(credentials) {
      const clientId = credentials.extra?.clientId;
      if (!clientId) throw new PublishError('auth', 'This Reddit account has no client id stored with it; reconnect it.');
      return refreshWithToken(tokenEndpoint(clientId, credentials.extra?.clientSecret), credentials, {}, options);
    },

    me,

    async publish(credentials, request) {
      if (!request.title?.trim()) throw new PublishError('invalid', 'A Reddit post needs a title.');
      const media = request.media[0];
      if (request.media.length > 1) throw new PublishError('invalid', 'Chorus posts one link or image per Reddit submission.');
      if (media && !isHttpsUrl(media.uri)) {
        throw new PublishError('invalid', `Reddit link posts need a public https URL; ${media.uri} is a local file (image uploads to Reddit are not supported yet).`);
      }
      const user = await username(credentials);
      const fields: Record<string, string> = { api_type: 'json', sr: subredditOf(request, user), title: request.title, ...(media ? { kind: 'link', url: media.uri } : { kind: 'self', text: request.text }) };
      const submitted = await call(credentials, { method: 'POST', url: '/api/submit', ...form(fields) }, SubmitResponse, 'POST /api/submit');
      throwApiErrors(submitted.json.errors, submitted.json.ratelimit);
      const data = submitted.json.data;
      if (!data) throw new PublishError('transient', 'Reddit accepted the submission but did not say which post it created.');
      // Thread parts become a chain of comments under the post.
      const threadPostIds: string[] = [];
      let parent = data.name;
      for (const part of request.thread ?? []) {
        const reply = await call(credentials, { method: 'POST', url: '/api/comment', ...form({ api_type: 'json', thing_id: parent, text: part }) }, CommentResponse, 'POST /api/comment');
        throwApiErrors(reply.json.errors);
        const thing = reply.json.data?.things[0];
        if (!thing) throw new PublishError('transient', 'Reddit accepted the comment but did not say which comment it created.');
        parent = thing.data.name;
        threadPostIds.push(parent);
      }
      return { platformPostId: data.name, url: data.url, ...(request.thread?.length ? { threadPostIds } : {}) };
    },

    async findExisting(credentials, request) {
      const user = await username(credentials);
      const listing = await call(credentials, { url: `/user/${encodeURIComponent(user)}/submitted?limit=25&sort=new&raw_json=1` }, Listing(Link), 'the submitted posts lookup');
      const sr = subredditOf(request, user).toLowerCase();
      const media = request.media[0];
      const match = listing.data.children
        .map((c) => c.data)
        .find(
          (p) =>
            (p.subreddit ?? '').toLowerCase() === sr &&
            sameText(p.title ?? '', request.title ?? '') &&
            (media ? p.url === media.uri : sameText(p.selftext ?? '', request.text)),
        );
      return match ? { platformPostId: match.name, url: `https://www.reddit.com${match.permalink ?? `/comments/${match.id}/`}` } : null;
    },

    async delete(credentials, platformPostId) {
      await call(credentials, { method: 'POST', url: '/api/del', ...form({ id: platformPostId }) }, z.object({}).loose(), 'POST /api/del');
    },

    async metrics(credentials, platformPostId) {
      const listing = await call(credentials, { url: `/api/info?id=${encodeURIComponent(platformPostId)}&raw_json=1` }, Listing(Link), 'GET /api/info');
      const post = listing.data.children[0]?.data;
      if (!post) throw new PublishError('invalid', `Reddit has no post ${platformPostId} (deleted or removed).`);
      return { likes: post.score ?? post.ups, replies: post.num_comments, fetchedAt: new Date(now()).toISOString() };
    },

    async mentions(credentials, cursor) {
      // The inbox holds comment replies and username mentions (t1); private messages (t4) are left out.
      const query = new URLSearchParams({ limit: '100', raw_json: '1' });
      if (cursor) query.set('before', cursor);
      const listing = await call(credentials, { url: `/message/inbox?${query}` }, Listing(InboxItem), 'the inbox lookup');
      const children = listing.data.children;
      const items: Mention[] = children
        .filter((c) => c.kind === 't1')
        .map(({ data }) => ({
          platformPostId: data.name,
          author: data.author ? `u/${data.author}` : '[deleted]',
          text: data.body,
          createdAt: new Date(data.created_utc * 1000).toISOString(),
          url: data.context ? `https://www.reddit.com${data.context}` : undefined,
          inReplyTo: data.parent_id ?? undefined,
        }));
      return { items, cursor: children[0]?.data.name ?? cursor };
    },
  };
}
