// Mastodon: every server is its own API. An app is registered per instance
// (POST /api/v1/apps), then the authorization-code flow (with PKCE, which
// Mastodon 4.3+ honours) runs against that instance. Statuses carry an
// Idempotency-Key, so a retried publish returns the status already made.
import { z } from 'zod';
import {
  PublishError,
  type AccountIdentity,
  type Credentials,
  type Mention,
  type OAuthStart,
  type PlatformAdapter,
  type PublishRequest,
  type PublishedPost,
} from '../PlatformAdapter';
import { classifyStatus, platformFetch, platformMessage, type PlatformRequest } from '../http';
import { htmlToText, loadMedia, parseBody, sameText, type HttpAdapterOptions } from './adapterSupport';
import { buildAuthorizeUrl, requestToken, type TokenEndpoint } from './oauth2';

const PLATFORM = 'Mastodon';
const MAX_MEDIA_POLLS = 30;
const PAGE = 40;

const Account = z.object({ id: z.string().min(1), username: z.string(), acct: z.string(), display_name: z.string(), url: z.string().optional() });
const Status = z.object({
  id: z.string().min(1),
  uri: z.string(),
  url: z.string().nullable().optional(),
  content: z.string(),
  in_reply_to_id: z.string().nullable().optional(),
  created_at: z.string(),
  favourites_count: z.number().optional(),
  reblogs_count: z.number().optional(),
  replies_count: z.number().optional(),
  account: Account.pick({ acct: true }).optional(),
});
type Status = z.infer<typeof Status>;
const MediaAttachment = z.object({ id: z.string().min(1), url: z.string().nullable() });
const Notification = z.object({
  id: z.string().min(1),
  type: z.string(),
  created_at: z.string(),
  account: Account.pick({ acct: true }),
  status: Status.optional(),
});
const RegisteredApp = z.object({ client_id: z.string().min(1), client_secret: z.string().min(1) });
const Instance = z.object({
  domain: z.string().optional(),
  configuration: z.object({
    statuses: z.object({
      max_characters: z.number().int().positive(),
      max_media_attachments: z.number().int().nonnegative().optional(),
      characters_reserved_per_url: z.number().int().nonnegative(),
    }),
  }),
});

export interface MastodonLimits {
  maxCharacters: number;
  charactersReservedPerUrl: number;
  maxMediaAttachments?: number;
}

export interface MastodonAdapter extends PlatformAdapter {
  /** Registers Chorus as an app on an instance; the client id and secret are per instance. */
  registerApp(instanceUrl: string, app: { clientName: string; redirectUri: string; scopes: string[]; website?: string }): Promise<{ clientId: string; clientSecret: string }>;
  authorizeUrlFor(instanceUrl: string, start: OAuthStart): string;
  exchangeCodeAt(instanceUrl: string, input: Parameters<NonNullable<PlatformAdapter['exchangeCode']>>[0]): Promise<Credentials>;
  /** The instance's own status limits (GET /api/v2/instance). */
  instanceLimits(instanceUrl: string): Promise<MastodonLimits>;
}

/** Mastodon's X-RateLimit-Reset is an ISO 8601 time, not seconds. */
function classifyMastodon(status: number, body: unknown, headers: Headers, now: number): PublishError {
  const message = platformMessage(body, `Mastodon answered HTTP ${status}.`);
  if (status === 429) {
    const reset = Date.parse(headers.get('x-ratelimit-reset') ?? '');
    return new PublishError('rate_limited', message, { status, retryAt: new Date(Number.isNaN(reset) ? now + 5 * 60_000 : reset) });
  }
  // 422 is Mastodon's validation failure ("Validation failed: Text character limit of 500 exceeded").
  const base = classifyStatus(status, body, headers, now, PLATFORM);
  return new PublishError(base.kind, message, { ...base.details });
}

function origin(instanceUrl: string): string {
  const url = new URL(instanceUrl.includes('://') ? instanceUrl : `https://${instanceUrl}`);
  return url.origin;
}

export function createMastodonAdapter(options: HttpAdapterOptions = {}): MastodonAdapter {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;

  function instanceOf(credentials?: Credentials): string {
    const instance = credentials?.extra?.instanceUrl ?? options.baseUrl;
    if (!instance) throw new PublishError('invalid', 'This Mastodon account has no server (instance URL) stored with it; reconnect it.');
    return origin(instance);
  }

  async function request<T>(instance: string, req: PlatformRequest, schema: z.ZodType<T>, what: string, token?: string): Promise<{ data: T; status: number }> {
    const response = await platformFetch(
      PLATFORM,
      {
        ...req,
        url: `${instance}${req.url}`,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...req.headers },
        timeoutMs: req.timeoutMs ?? options.timeoutMs,
        classify: classifyMastodon,
      },
      options,
    );
    return { data: parseBody(schema, response.data, PLATFORM, what), status: response.status };
  }

  async function call<T>(credentials: Credentials, req: PlatformRequest, schema: z.ZodType<T>, what: string): Promise<T> {
    return (await request(instanceOf(credentials), req, schema, what, credentials.accessToken)).data;
  }

  function tokenEndpoint(instance: string): TokenEndpoint {
    return { platform: PLATFORM, url: `${instance}/oauth/token` };
  }

  async function verify(credentials: Credentials): Promise<z.infer<typeof Account>> {
    return call(credentials, { url: '/api/v1/accounts/verify_credentials' }, Account, 'verify_credentials');
  }

  async function me(credentials: Credentials): Promise<AccountIdentity> {
    const account = await verify(credentials);
    const host = new URL(instanceOf(credentials)).host;
    return { platformUserId: account.id, handle: `@${account.username}@${host}`, displayName: account.display_name || account.username };
  }

  async function uploadMedia(credentials: Credentials, item: PublishRequest['media'][number]): Promise<string> {
    const file = await loadMedia(item, PLATFORM, options);
    const form = new FormData();
    form.set('file', new Blob([file.bytes], { type: file.mimeType }), file.filename);
    if (item.alt) form.set('description', item.alt);
    let media = await call(credentials, { method: 'POST', url: '/api/v2/media', body: form }, MediaAttachment, 'the media upload');
    // 202 means the server is still processing; the attachment has a url once it is done.
    for (let poll = 0; media.url === null; poll++) {
      if (poll >= MAX_MEDIA_POLLS) throw new PublishError('transient', `Mastodon is still processing ${file.filename}; try again later.`);
      await sleep(2_000);
      media = await call(credentials, { url: `/api/v1/media/${encodeURIComponent(media.id)}` }, MediaAttachment, 'the media status check');
    }
    return media.id;
  }

  async function postStatus(credentials: Credentials, body: Record<string, unknown>, idempotencyKey: string): Promise<Status> {
    // Header values must be visible ASCII; keys are usually UUIDs, anything else is percent-encoded.
    const key = idempotencyKey.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
    return call(credentials, { method: 'POST', url: '/api/v1/statuses', json: body, headers: { 'Idempotency-Key': key } }, Status, 'POST /api/v1/statuses');
  }

  const published = (status: Status): PublishedPost => ({ platformPostId: status.id, url: status.url ?? status.uri });

  async function exchangeCodeAt(instanceUrl: string, input: Parameters<NonNullable<PlatformAdapter['exchangeCode']>>[0]): Promise<Credentials> {
    const instance = origin(instanceUrl);
    const extra: Record<string, string> = { instanceUrl: instance, clientId: input.clientId };
    if (input.clientSecret) extra.clientSecret = input.clientSecret;
    const credentials = await requestToken(
      tokenEndpoint(instance),
      {
        grant_type: 'authorization_code',
        code: input.code,
        client_id: input.clientId,
        client_secret: input.clientSecret,
        redirect_uri: input.redirectUri,
        code_verifier: input.codeVerifier,
      },
      { accessToken: '', extra },
      options,
    );
    const account = await verify(credentials);
    return { ...credentials, extra: { ...credentials.extra, accountId: account.id, acct: account.acct } };
  }

  function authorizeUrlFor(instanceUrl: string, start: OAuthStart): string {
    return buildAuthorizeUrl(`${origin(instanceUrl)}/oauth/authorize`, {
      response_type: 'code',
      client_id: start.clientId,
      redirect_uri: start.redirectUri,
      scope: start.scopes.join(' '),
      state: start.state,
      code_challenge: start.codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  return {
    platform: 'mastodon',
    connection: 'mastodon-app',

    async registerApp(instanceUrl, app) {
      const { data } = await request(
        origin(instanceUrl),
        { method: 'POST', url: '/api/v1/apps', json: { client_name: app.clientName, redirect_uris: app.redirectUri, scopes: app.scopes.join(' '), website: app.website } },
        RegisteredApp,
        'the app registration',
      );
      return { clientId: data.client_id, clientSecret: data.client_secret };
    },

    authorizeUrlFor,
    exchangeCodeAt,

    authorizeUrl(start) {
      return authorizeUrlFor(instanceOf(), start);
    },

    exchangeCode(input) {
      return exchangeCodeAt(instanceOf(), input);
    },

    async instanceLimits(instanceUrl) {
      const { data } = await request(origin(instanceUrl), { url: '/api/v2/instance' }, Instance, 'GET /api/v2/instance');
      const statuses = data.configuration.statuses;
      return { maxCharacters: statuses.max_characters, charactersReservedPerUrl: statuses.characters_reserved_per_url, maxMediaAttachments: statuses.max_media_attachments };
    },

    async refresh(credentials) {
      if (credentials.refreshToken && credentials.extra?.clientId) {
        return requestToken(
          tokenEndpoint(instanceOf(credentials)),
          { grant_type: 'refresh_token', refresh_token: credentials.refreshToken, client_id: credentials.extra.clientId, client_secret: credentials.extra.clientSecret },
          credentials,
          options,
        );
      }
      // Mastodon access tokens do not expire unless revoked, and servers issue no
      // refresh token: refreshing means confirming the token still works.
      try {
        await verify(credentials);
      } catch (error) {
        if (error instanceof PublishError && error.kind === 'auth') throw new PublishError('auth', error.message, { ...error.details, revoked: true });
        throw error;
      }
      return credentials;
    },

    me,

    async publish(credentials, request) {
      if (!request.text.trim() && request.media.length === 0) throw new PublishError('invalid', 'A Mastodon post needs text or media.');
      const mediaIds: string[] = [];
      for (const item of request.media) mediaIds.push(await uploadMedia(credentials, item));
      const head = await postStatus(credentials, { status: request.text, ...(mediaIds.length ? { media_ids: mediaIds } : {}) }, request.idempotencyKey);
      const threadPostIds: string[] = [];
      let previous = head.id;
      for (const [index, part] of (request.thread ?? []).entries()) {
        // One key per part: a retried thread gets back the parts already posted.
        const reply = await postStatus(credentials, { status: part, in_reply_to_id: previous }, `${request.idempotencyKey}:${index + 1}`);
        threadPostIds.push(reply.id);
        previous = reply.id;
      }
      return { ...published(head), ...(request.thread?.length ? { threadPostIds } : {}) };
    },

    async findExisting(credentials, request) {
      const accountId = credentials.extra?.accountId ?? (await verify(credentials)).id;
      const statuses = await call(
        credentials,
        { url: `/api/v1/accounts/${encodeURIComponent(accountId)}/statuses?limit=${PAGE}&exclude_reblogs=true` },
        z.array(Status),
        'the recent statuses lookup',
      );
      const matches = (status: Status, text: string) => sameText(htmlToText(status.content), text, { ignoreUrls: true });
      const head = statuses.find((s) => !s.in_reply_to_id && matches(s, request.text));
      if (!head) return null;
      const found = published(head);
      if (request.thread?.length) {
        // The parts that made it, in order; fewer than asked means the thread broke off there.
        const threadPostIds: string[] = [];
        let previous = head.id;
        for (const part of request.thread) {
          const reply = statuses.find((s) => s.in_reply_to_id === previous && matches(s, part));
          if (!reply) break;
          threadPostIds.push(reply.id);
          previous = reply.id;
        }
        found.threadPostIds = threadPostIds;
      }
      return found;
    },

    async delete(credentials, platformPostId) {
      await call(credentials, { method: 'DELETE', url: `/api/v1/statuses/${encodeURIComponent(platformPostId)}` }, Status.pick({ id: true }), 'DELETE /api/v1/statuses');
    },

    async metrics(credentials, platformPostId) {
      const status = await call(credentials, { url: `/api/v1/statuses/${encodeURIComponent(platformPostId)}` }, Status, 'the status lookup');
      return { likes: status.favourites_count, replies: status.replies_count, reposts: status.reblogs_count, fetchedAt: new Date(now()).toISOString() };
    },

    async mentions(credentials, cursor) {
      const instance = instanceOf(credentials);
      const items: Mention[] = [];
      let newest = cursor;
      let maxId: string | undefined;
      // Newest first; walk down with max_id until the page reaches the cursor (bounded).
      for (let page = 0; page < 10; page++) {
        const query = new URLSearchParams({ 'types[]': 'mention', limit: String(PAGE) });
        if (cursor) query.set('since_id', cursor);
        if (maxId) query.set('max_id', maxId);
        const notifications = await call(credentials, { url: `/api/v1/notifications?${query}` }, z.array(Notification), 'the notifications lookup');
        for (const n of notifications) {
          if (n.type !== 'mention' || !n.status) continue;
          items.push({
            platformPostId: n.status.id,
            author: `@${n.account.acct.includes('@') ? n.account.acct : `${n.account.acct}@${new URL(instance).host}`}`,
            text: htmlToText(n.status.content),
            createdAt: n.status.created_at,
            url: n.status.url ?? n.status.uri,
            inReplyTo: n.status.in_reply_to_id ?? undefined,
          });
        }
        if (page === 0 && notifications[0]) newest = notifications[0].id;
        if (notifications.length < PAGE) break;
        maxId = notifications.at(-1)!.id;
      }
      return { items, cursor: newest };
    },
  };
}
