// LinkedIn: OAuth 2 (www.linkedin.com/oauth/v2), identity from /v2/userinfo,
// and the versioned Posts API under /rest with `Linkedin-Version` and
// `X-Restli-Protocol-Version: 2.0.0`. The created post's URN comes back in the
// `x-restli-id` header, not the body.
import { z } from 'zod';
import { PublishError, type AccountIdentity, type Credentials, type Mention, type PlatformAdapter, type PublishRequest } from '../PlatformAdapter';
import { classifyStatus, platformFetch, platformMessage, type PlatformRequest, type PlatformResponse } from '../http';
import { loadMedia, parseBody, refuseThread, sameText, type HttpAdapterOptions } from './adapterSupport';
import { buildAuthorizeUrl, refreshWithToken, requestToken, type TokenEndpoint } from './oauth2';

const PLATFORM = 'LinkedIn';
const API = 'https://api.linkedin.com';
const OAUTH = 'https://www.linkedin.com/oauth/v2';
/** The Posts API version (YYYYMM) Chorus is written against; an account may override it in `extra.linkedinVersion`. */
export const LINKEDIN_VERSION = '202610';
const RECENT = 20;

/** Commentary is "little text": these characters are markup unless backslash-escaped. */
const LITTLE_TEXT_RESERVED = /[\\|{}@[\]()<>#*_~]/g;
export function escapeLittleText(text: string): string {
  return text.replace(LITTLE_TEXT_RESERVED, (c) => `\\${c}`);
}
function unescapeLittleText(text: string): string {
  return text.replace(/\\([\\|{}@[\]()<>#*_~])/g, '$1');
}

const UserInfo = z.object({ sub: z.string().min(1), name: z.string().optional(), given_name: z.string().optional(), family_name: z.string().optional() });
const PostElement = z.object({ id: z.string().min(1), author: z.string(), commentary: z.string().optional(), createdAt: z.number().optional() });
const PostsPage = z.object({ elements: z.array(PostElement) });
const ImageUpload = z.object({ value: z.object({ uploadUrl: z.string().url(), image: z.string().startsWith('urn:li:image:') }) });
const SocialActions = z.object({
  likesSummary: z.object({ totalLikes: z.number() }).loose().optional(),
  commentsSummary: z.object({ aggregatedTotalComments: z.number().optional(), totalFirstLevelComments: z.number().optional() }).loose().optional(),
});
const Comment = z.object({
  id: z.string(),
  actor: z.string(),
  message: z.object({ text: z.string() }),
  created: z.object({ time: z.number() }),
  commentUrn: z.string().optional(),
  parentComment: z.string().optional(),
});

function nextUtcMidnight(now: number): Date {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

function classifyLinkedIn(status: number, body: unknown, headers: Headers, now: number): PublishError {
  const message = platformMessage(body, `LinkedIn answered HTTP ${status}.`);
  const code = body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string' ? (body as { code: string }).code : undefined;
  // LinkedIn's quotas are per day and reset at midnight UTC.
  if (status === 429 && !headers.get('retry-after')) return new PublishError('rate_limited', message, { status, platformCode: code, retryAt: nextUtcMidnight(now) });
  // 426: the requested API version is no longer served; Chorus needs an update.
  if (status === 426) return new PublishError('unavailable', message, { status, platformCode: code });
  const base = classifyStatus(status, body, headers, now, PLATFORM);
  return new PublishError(base.kind, message, { ...base.details, platformCode: code });
}

export function createLinkedInAdapter(options: HttpAdapterOptions = {}): PlatformAdapter {
  const api = options.baseUrl ?? API;
  const oauth = options.baseUrl ? `${options.baseUrl}/oauth/v2` : OAUTH;
  const now = options.now ?? Date.now;

  const tokenEndpoint: TokenEndpoint = {
    platform: PLATFORM,
    url: `${oauth}/accessToken`,
    isRevoked: (body) => /revoked|expired|invalid.*refresh|refresh.*invalid/i.test(platformMessage(body, '')),
  };

  async function raw(credentials: Credentials, req: PlatformRequest, versioned = true): Promise<PlatformResponse> {
    const headers: Record<string, string> = { Authorization: `Bearer ${credentials.accessToken}` };
    if (versioned) {
      headers['Linkedin-Version'] = credentials.extra?.linkedinVersion ?? LINKEDIN_VERSION;
      headers['X-Restli-Protocol-Version'] = '2.0.0';
    }
    return platformFetch(
      PLATFORM,
      { ...req, url: req.url.startsWith('http') ? req.url : `${api}${req.url}`, headers: { ...headers, ...req.headers }, timeoutMs: req.timeoutMs ?? options.timeoutMs, classify: classifyLinkedIn },
      options,
    );
  }

  async function call<T>(credentials: Credentials, req: PlatformRequest, schema: z.ZodType<T>, what: string, versioned = true): Promise<T> {
    return parseBody(schema, (await raw(credentials, req, versioned)).data, PLATFORM, what);
  }

  async function me(credentials: Credentials): Promise<AccountIdentity> {
    const info = await call(credentials, { url: '/v2/userinfo' }, UserInfo, 'GET /v2/userinfo', false);
    const name = info.name ?? [info.given_name, info.family_name].filter(Boolean).join(' ');
    return { platformUserId: info.sub, handle: name || info.sub, displayName: name || info.sub };
  }

  /** The member, or the organization page given as `target` (urn:li:organization:…). */
  async function authorOf(credentials: Credentials, request?: PublishRequest): Promise<string> {
    if (request?.target?.startsWith('urn:li:')) return request.target;
    if (credentials.extra?.authorUrn) return credentials.extra.authorUrn;
    return `urn:li:person:${(await me(credentials)).platformUserId}`;
  }

  async function uploadImage(credentials: Credentials, owner: string, item: PublishRequest['media'][number]): Promise<string> {
    const file = await loadMedia(item, PLATFORM, options);
    const { value } = await call(
      credentials,
      { method: 'POST', url: '/rest/images?action=initializeUpload', json: { initializeUploadRequest: { owner } } },
      ImageUpload,
      'the image upload request',
    );
    await raw(credentials, { method: 'PUT', url: value.uploadUrl, body: file.bytes, headers: { 'Content-Type': file.mimeType } }, false);
    return value.image;
  }

  const postUrl = (urn: string) => `https://www.linkedin.com/feed/update/${urn}/`;

  async function recentPosts(credentials: Credentials, author: string) {
    const query = new URLSearchParams({ author, q: 'author', count: String(RECENT), sortBy: 'LAST_MODIFIED' });
    const page = await call(credentials, { url: `/rest/posts?${query}`, headers: { 'X-RestLi-Method': 'FINDER' } }, PostsPage, 'the recent posts lookup');
    return page.elements;
  }

  return {
    platform: 'linkedin',
    connection: 'oauth2-pkce',

    authorizeUrl(start) {
      return buildAuthorizeUrl(`${oauth}/authorization`, {
        response_type: 'code',
        client_id: start.clientId,
        redirect_uri: start.redirectUri,
        state: start.state,
        scope: start.scopes.join(' '),
        code_challenge: start.codeChallenge,
        code_challenge_method: 'S256',
      });
    },

    async exchangeCode(input) {
      const extra: Record<string, string> = { clientId: input.clientId };
      if (input.clientSecret) extra.clientSecret = input.clientSecret;
      const credentials = await requestToken(
        tokenEndpoint,
        { grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri, client_id: input.clientId, client_secret: input.clientSecret, code_verifier: input.codeVerifier },
        { accessToken: '', extra },
        options,
      );
      const identity = await me(credentials);
      return { ...credentials, extra: { ...credentials.extra, authorUrn: `urn:li:person:${identity.platformUserId}` } };
    },

    async refresh(credentials) {
      const clientId = credentials.extra?.clientId;
      if (!clientId) throw new PublishError('auth', 'This LinkedIn account has no client id stored with it; reconnect it.');
      return refreshWithToken(tokenEndpoint, credentials, { client_id: clientId, client_secret: credentials.extra?.clientSecret }, options);
    },

    me,

    async publish(credentials, request) {
      refuseThread(request, PLATFORM);
      if (!request.text.trim() && request.media.length === 0) throw new PublishError('invalid', 'A LinkedIn post needs text or media.');
      if (request.media.some((m) => m.kind === 'video')) {
        throw new PublishError('unavailable', 'Chorus cannot upload video to LinkedIn yet (the Videos API multipart upload); post it with images or text.');
      }
      const author = await authorOf(credentials, request);
      const images: { id: string; altText?: string }[] = [];
      for (const item of request.media) images.push({ id: await uploadImage(credentials, author, item), ...(item.alt ? { altText: item.alt } : {}) });
      const content = images.length === 1 ? { media: images[0] } : images.length > 1 ? { multiImage: { images } } : undefined;
      const response = await raw(credentials, {
        method: 'POST',
        url: '/rest/posts',
        json: {
          author,
          commentary: escapeLittleText(request.text),
          visibility: 'PUBLIC',
          distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
          lifecycleState: 'PUBLISHED',
          isReshareDisabledByAuthor: false,
          ...(content ? { content } : {}),
        },
      });
      const urn = response.headers.get('x-restli-id');
      if (!urn?.startsWith('urn:li:')) {
        throw new PublishError('transient', `LinkedIn accepted the post (HTTP ${response.status}) but did not say which post it created (no x-restli-id header).`);
      }
      return { platformPostId: urn, url: postUrl(urn) };
    },

    async findExisting(credentials, request) {
      const posts = await recentPosts(credentials, await authorOf(credentials, request));
      const match = posts.find((p) => p.commentary !== undefined && sameText(unescapeLittleText(p.commentary), request.text));
      return match ? { platformPostId: match.id, url: postUrl(match.id) } : null;
    },

    async delete(credentials, platformPostId) {
      await raw(credentials, { method: 'DELETE', url: `/rest/posts/${encodeURIComponent(platformPostId)}`, headers: { 'X-RestLi-Method': 'DELETE' } });
    },

    async metrics(credentials, platformPostId) {
      const actions = await call(credentials, { url: `/rest/socialActions/${encodeURIComponent(platformPostId)}` }, SocialActions, 'the social actions lookup');
      return {
        likes: actions.likesSummary?.totalLikes,
        replies: actions.commentsSummary?.aggregatedTotalComments ?? actions.commentsSummary?.totalFirstLevelComments,
        fetchedAt: new Date(now()).toISOString(),
      };
    },

    async mentions(credentials, cursor) {
      // LinkedIn has no mentions feed for members: replies are the comments on the account's recent posts.
      const author = await authorOf(credentials);
      const since = cursor ? Number(cursor) : 0;
      const items: Mention[] = [];
      let newest = since;
      for (const post of await recentPosts(credentials, author)) {
        const page = await call(
          credentials,
          { url: `/rest/socialActions/${encodeURIComponent(post.id)}/comments?count=50` },
          z.object({ elements: z.array(Comment) }),
          'the comments lookup',
        );
        for (const comment of page.elements) {
          if (comment.created.time <= since || comment.actor === author) continue;
          newest = Math.max(newest, comment.created.time);
          items.push({
            platformPostId: comment.commentUrn ?? `urn:li:comment:(${post.id},${comment.id})`,
            author: comment.actor,
            text: comment.message.text,
            createdAt: new Date(comment.created.time).toISOString(),
            url: postUrl(post.id),
            inReplyTo: comment.parentComment ?? post.id,
          });
        }
      }
      items.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { items, cursor: newest ? String(newest) : cursor };
    },
  };
}
