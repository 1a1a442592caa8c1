// Bluesky over AT Protocol with @atproto/api: app-password sessions, posts as
// app.bsky.feed.post records with rich-text facets (UTF-8 byte ranges), threads
// as replies, images as uploaded blobs. Record keys are derived from the
// idempotency key, so a retried publish finds (or collides with) the post it
// already made instead of posting twice.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Agent, AppBskyEmbedImages } from '@atproto/api';
import { z } from 'zod';
import {
  PublishError,
  type AccountIdentity,
  type AdapterOptions,
  type Credentials,
  type Mention,
  type PlatformAdapter,
  type PostMetrics,
  type PublishedPost,
  type PublishRequest,
} from '../PlatformAdapter';

const DEFAULT_SERVICE = 'https://bsky.social';
const POST_COLLECTION = 'app.bsky.feed.post';
const MAX_GRAPHEMES = 300;
const MAX_IMAGES = 4;
/** The PDS's default blob limit for images (app.bsky.embed.images allows 1 MB). */
const MAX_IMAGE_BYTES = 1_000_000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface BlueskyLogin {
  /** Handle (alice.bsky.social), DID or email. */
  identifier: string;
  /** An app password (Settings → Privacy and security → App passwords), never the main password. */
  appPassword: string;
  /** The PDS or entryway to log in at; defaults to the adapter's baseUrl or bsky.social. */
  service?: string;
}

export interface BlueskyAdapter extends PlatformAdapter {
  /** Connects an account: creates a session with the app password. */
  login(input: BlueskyLogin): Promise<Credentials>;
}

const SessionSchema = z.object({
  did: z.string().startsWith('did:'),
  handle: z.string().min(1),
  accessJwt: z.string().min(1),
  refreshJwt: z.string().min(1),
  didDoc: z.unknown().optional(),
  active: z.boolean().optional(),
  status: z.string().optional(),
});
const DidDocSchema = z.object({
  service: z.array(z.object({ id: z.string(), type: z.string().optional(), serviceEndpoint: z.unknown() })).optional(),
});
const JwtPayloadSchema = z.object({ exp: z.number().optional() });
const StrongRefSchema = z.object({ uri: z.string().startsWith('at://'), cid: z.string().min(1) });
const GetRecordSchema = z.object({ uri: z.string().startsWith('at://'), cid: z.string().min(1).optional(), value: z.unknown() });
const BlobSchema = z.object({ blob: z.unknown() });
const ProfileRecordSchema = z.object({ displayName: z.string().optional() });
const PostViewSchema = z.object({
  uri: z.string(),
  likeCount: z.number().int().nonnegative().optional(),
  repostCount: z.number().int().nonnegative().optional(),
  replyCount: z.number().int().nonnegative().optional(),
  quoteCount: z.number().int().nonnegative().optional(),
});
const GetPostsSchema = z.object({ posts: z.array(PostViewSchema) });
const NotificationSchema = z.object({
  uri: z.string(),
  reason: z.string(),
  indexedAt: z.string(),
  author: z.object({ did: z.string(), handle: z.string() }),
  record: z
    .object({
      text: z.string().optional(),
      createdAt: z.string().optional(),
      reply: z.object({ parent: z.object({ uri: z.string() }) }).optional(),
    })
    .passthrough(),
});
const ListNotificationsSchema = z.object({ notifications: z.array(z.unknown()), cursor: z.string().optional() });

const TID_ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';
/** Derived record keys carry a timestamp in 2023, so they never sort as "future" posts. */
const TID_EPOCH_MICROS = 1_672_531_200_000_000n; // 2023-01-01T00:00:00Z
const TID_SPAN_MICROS = 365n * 24n * 3600n * 1_000_000n;

/**
 * A valid TID (the record-key type app.bsky.feed.post requires) that is a pure
 * function of the idempotency key and the part's index in the thread.
 */
export function recordKeyFor(idempotencyKey: string, part: number): string {
  const digest = createHash('sha256').update(`${idempotencyKey}\u0000${part}`).digest();
  const micros = TID_EPOCH_MICROS + (digest.readBigUInt64BE(0) % TID_SPAN_MICROS);
  const clockId = BigInt(digest.readUInt16BE(8) & 0x3ff);
  let value = (micros << 10n) | clockId;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = TID_ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

function jwtExpiry(jwt: string): string | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const parsed = JwtPayloadSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return parsed.success && parsed.data.exp ? new Date(parsed.data.exp * 1000).toISOString() : undefined;
  } catch {
    return undefined;
  }
}

/** Where the account's repo lives: the PDS named in its DID document, else where it logged in. */
function pdsFromDidDoc(didDoc: unknown): string | null {
  const parsed = DidDocSchema.safeParse(didDoc);
  if (!parsed.success) return null;
  const entry = parsed.data.service?.find((s) => s.id === '#atproto_pds' || s.id.endsWith('#atproto_pds'));
  return typeof entry?.serviceEndpoint === 'string' ? entry.serviceEndpoint : null;
}

function mimeFor(path: string, given?: string): string {
  if (given) return given;
  const types: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.gif': 'image/gif' };
  return types[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function parseOrThrow<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new PublishError('transient', `Bluesky sent an unexpected ${what}: ${parsed.error.issues[0]?.message ?? 'invalid shape'}.`);
  return parsed.data;
}

export function createBlueskyAdapter(options: AdapterOptions = {}): BlueskyAdapter {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxInlineWaitMs = options.maxInlineWaitMs ?? 15_000;
  const doFetch = options.fetch ?? fetch;
  const defaultService = options.baseUrl ?? DEFAULT_SERVICE;

  /**
   * An agent that sends one fixed bearer token and never refreshes on its own:
   * a silent refresh inside publish would rotate the refresh token without the
   * keychain hearing of it, and the account would be lost at the next refresh.
   */
  function agentWith(service: string, token: string | null): Agent {
    return new (atproto().Agent)({
      fetchHandler(url: string, init: RequestInit) {
        const headers = new Headers(init.headers);
        if (token) headers.set('authorization', `Bearer ${token}`);
        const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
        const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
        return doFetch(new URL(url, service), { ...init, headers, signal });
      },
    });
  }

  function serviceOf(credentials: Credentials): string {
    return credentials.extra?.service ?? defaultService;
  }

  function didOf(credentials: Credentials): string {
    const did = credentials.extra?.did;
    if (!did) throw new PublishError('auth', 'These Bluesky credentials have no account DID; reconnect the account.');
    return did;
  }

  function classify(error: unknown, context: string): PublishError {
    if (error instanceof PublishError) return error;
    if (!(error instanceof atproto().XRPCError)) {
      return new PublishError('transient', `${context}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const status = error.status as number;
    const code = error.error;
    const message = error.message && error.message !== code ? error.message : `${context} failed (${code || status}).`;
    const details = { status, platformCode: code };
    if (code === 'ExpiredToken' || code === 'InvalidToken' || code === 'AuthenticationRequired' || code === 'AuthMissing' || status === 401) {
      return new PublishError('auth', message, details);
    }
    if (code === 'RateLimitExceeded' || status === 429) {
      const reset = Number(error.headers?.['ratelimit-reset']);
      const retryAfter = Number(error.headers?.['retry-after']);
      const retryAt = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : Number.isFinite(retryAfter) ? new Date(now() + retryAfter * 1000) : new Date(now() + 60_000);
      return new PublishError('rate_limited', message, { ...details, retryAt });
    }
    if (code === 'AccountTakedown' || code === 'AccountDeactivated' || status === 403) return new PublishError('unavailable', message, details);
    // 1 = no response at all (network, timeout); 2 = a response that broke the lexicon.
    if (status === 1 || status === 2 || status >= 500 || status === 408) return new PublishError('transient', message, details);
    return new PublishError('invalid', message, details);
  }

  /** One XRPC call; a rate limit that clears within maxInlineWaitMs is waited out once. */
  async function call<T>(context: string, run: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        const failure = classify(error, context);
        const waitMs = failure.details.retryAt ? failure.details.retryAt.getTime() - now() : Infinity;
        if (failure.kind === 'rate_limited' && attempt === 0 && waitMs <= maxInlineWaitMs) {
          await sleep(Math.max(0, waitMs));
          continue;
        }
        throw failure;
      }
    }
  }

  function credentialsFrom(data: unknown, service: string, previous?: Credentials): Credentials {
    const session = parseOrThrow(SessionSchema, data, 'session');
    const extra: Record<string, string> = { ...previous?.extra, did: session.did, handle: session.handle, service: pdsFromDidDoc(session.didDoc) ?? service };
    return {
      accessToken: session.accessJwt,
      refreshToken: session.refreshJwt,
      expiresAt: jwtExpiry(session.accessJwt),
      extra,
    };
  }

  function postUrl(handleOrDid: string, uri: string): string {
    return `https://bsky.app/profile/${handleOrDid}/post/${new (atproto().AtUri)(uri).rkey}`;
  }

  async function existingRecord(agent: Agent, did: string, rkey: string): Promise<{ uri: string; cid: string } | null> {
    try {
      const res = await call('Reading a Bluesky post', () => agent.com.atproto.repo.getRecord({ repo: did, collection: POST_COLLECTION, rkey }));
      const record = parseOrThrow(GetRecordSchema, res.data, 'record');
      if (!record.cid) throw new PublishError('transient', 'Bluesky returned a post without a CID.');
      return { uri: record.uri, cid: record.cid };
    } catch (error) {
      if (error instanceof PublishError && error.details.platformCode === 'RecordNotFound') return null;
      throw error;
    }
  }

  async function uploadImages(agent: Agent, media: PublishRequest['media']): Promise<AppBskyEmbedImages.Main | undefined> {
    if (media.length === 0) return undefined;
    if (media.some((m) => m.kind === 'video')) {
      throw new PublishError('unavailable', 'Chorus publishes images to Bluesky; video posts are not supported yet.');
    }
    if (media.length > MAX_IMAGES) throw new PublishError('invalid', `Bluesky allows at most ${MAX_IMAGES} images per post; this post has ${media.length}.`);
    const images: AppBskyEmbedImages.Image[] = [];
    for (const item of media) {
      if (!item.path) throw new PublishError('invalid', `The image ${item.uri} has no local file to upload.`);
      const bytes = await readFile(item.path).catch((error: Error) => {
        throw new PublishError('invalid', `Could not read the image ${item.path}: ${error.message}`);
      });
      if (bytes.byteLength > MAX_IMAGE_BYTES) {
        throw new PublishError('invalid', `Bluesky images must be at most 1 MB; ${item.path} is ${(bytes.byteLength / 1_000_000).toFixed(1)} MB.`);
      }
      const res = await call('Uploading an image to Bluesky', () =>
        agent.com.atproto.repo.uploadBlob(new Uint8Array(bytes), { encoding: mimeFor(item.path!, item.mimeType) }),
      );
      const { blob } = parseOrThrow(BlobSchema, res.data, 'upload answer');
      images.push({ image: blob as AppBskyEmbedImages.Image['image'], alt: item.alt ?? '' });
    }
    return { $type: 'app.bsky.embed.images', images };
  }

  async function login(input: BlueskyLogin): Promise<Credentials> {
    const service = input.service ?? defaultService;
    const agent = agentWith(service, null);
    const res = await call('Logging in to Bluesky', () =>
      agent.com.atproto.server.createSession({ identifier: input.identifier, password: input.appPassword }),
    );
    return credentialsFrom(res.data, service);
  }

  const adapter: BlueskyAdapter = withAtproto({
    platform: 'bluesky',
    connection: 'app-password',
    login,

    async refresh(credentials) {
      const service = serviceOf(credentials);
      if (!credentials.refreshToken) {
        throw new PublishError('auth', 'No Bluesky refresh token is stored; reconnect the account with an app password.', { revoked: true });
      }
      try {
        const res = await call('Refreshing the Bluesky session', () => agentWith(service, credentials.refreshToken!).com.atproto.server.refreshSession());
        return credentialsFrom(res.data, service, credentials);
      } catch (error) {
        if (error instanceof PublishError && error.kind === 'auth') {
          throw new PublishError('auth', error.message, { ...error.details, revoked: true });
        }
        throw error;
      }
    },

    async me(credentials) {
      const agent = agentWith(serviceOf(credentials), credentials.accessToken);
      const res = await call('Reading the Bluesky session', () => agent.com.atproto.server.getSession());
      const session = parseOrThrow(SessionSchema.pick({ did: true, handle: true }), res.data, 'session');
      let displayName = session.handle;
      try {
        const profile = await call('Reading the Bluesky profile', () =>
          agent.com.atproto.repo.getRecord({ repo: session.did, collection: 'app.bsky.actor.profile', rkey: 'self' }),
        );
        const value = ProfileRecordSchema.safeParse(parseOrThrow(GetRecordSchema, profile.data, 'profile').value);
        if (value.success && value.data.displayName) displayName = value.data.displayName;
      } catch (error) {
        // A new account has no profile record yet; its handle is its name.
        if (!(error instanceof PublishError && error.details.platformCode === 'RecordNotFound')) throw error;
      }
      const identity: AccountIdentity = { platformUserId: session.did, handle: session.handle, displayName };
      return identity;
    },

    async publish(credentials, request) {
      const did = didOf(credentials);
      const agent = agentWith(serviceOf(credentials), credentials.accessToken);
      const parts = [request.text, ...(request.thread ?? [])];
      const texts = parts.map((text, index) => {
        const rt = new (atproto().RichText)({ text });
        if (!text.trim() && !(index === 0 && request.media.length > 0)) throw new PublishError('invalid', `Post ${index + 1} of the thread is empty.`);
        if (rt.graphemeLength > MAX_GRAPHEMES) {
          throw new PublishError('invalid', `Bluesky posts are limited to ${MAX_GRAPHEMES} characters; post ${index + 1} has ${rt.graphemeLength}.`);
        }
        return rt;
      });

      const refs: { uri: string; cid: string }[] = [];
      let embed: AppBskyEmbedImages.Main | undefined;
      for (const [index, rt] of texts.entries()) {
        const rkey = recordKeyFor(request.idempotencyKey, index);
        // A part made by an earlier attempt is reused, so a retry continues the thread instead of duplicating it.
        const existing = await existingRecord(agent, did, rkey);
        if (existing) {
          refs.push(existing);
          continue;
        }
        await call('Detecting links, mentions and tags', () => rt.detectFacets(agent));
        if (index === 0) embed = await uploadImages(agent, request.media);
        const root = refs[0];
        const parent = refs[refs.length - 1];
        const record = {
          $type: POST_COLLECTION,
          text: rt.text,
          facets: rt.facets,
          createdAt: new Date(now()).toISOString(),
          ...(index === 0 && embed ? { embed } : {}),
          ...(root && parent ? { reply: { root, parent } } : {}),
        };
        try {
          const res = await call('Publishing to Bluesky', () =>
            agent.com.atproto.repo.createRecord({ repo: did, collection: POST_COLLECTION, rkey, record, validate: true }),
          );
          refs.push(parseOrThrow(StrongRefSchema, res.data, 'createRecord answer'));
        } catch (error) {
          // Another attempt may have created this very record in the meantime.
          const raced = error instanceof PublishError && error.kind === 'invalid' ? await existingRecord(agent, did, rkey) : null;
          if (!raced) throw error;
          refs.push(raced);
        }
      }
      const [first, ...rest] = refs;
      const handle = credentials.extra?.handle ?? did;
      return { platformPostId: first!.uri, url: postUrl(handle, first!.uri), ...(rest.length ? { threadPostIds: rest.map((r) => r.uri) } : {}) };
    },

    async findExisting(credentials, request) {
      const did = didOf(credentials);
      const agent = agentWith(serviceOf(credentials), credentials.accessToken);
      const first = await existingRecord(agent, did, recordKeyFor(request.idempotencyKey, 0));
      if (!first) return null;
      const threadPostIds: string[] = [];
      for (let index = 1; index <= (request.thread?.length ?? 0); index++) {
        const part = await existingRecord(agent, did, recordKeyFor(request.idempotencyKey, index));
        if (!part) break;
        threadPostIds.push(part.uri);
      }
      const post: PublishedPost = { platformPostId: first.uri, url: postUrl(credentials.extra?.handle ?? did, first.uri) };
      if (threadPostIds.length) post.threadPostIds = threadPostIds;
      return post;
    },

    async delete(credentials, platformPostId) {
      const did = didOf(credentials);
      const uri = new (atproto().AtUri)(platformPostId);
      if (uri.host !== did) throw new PublishError('invalid', `The post ${platformPostId} belongs to another account.`);
      const agent = agentWith(serviceOf(credentials), credentials.accessToken);
      await call('Deleting the Bluesky post', () => agent.com.atproto.repo.deleteRecord({ repo: did, collection: uri.collection, rkey: uri.rkey }));
    },

    async metrics(credentials, platformPostId) {
      const agent = agentWith(serviceOf(credentials), credentials.accessToken);
      const res = await call('Reading Bluesky post metrics', () => agent.app.bsky.feed.getPosts({ uris: [platformPostId] }));
      const post = parseOrThrow(GetPostsSchema, res.data, 'posts answer').posts.find((p) => p.uri === platformPostId);
      if (!post) throw new PublishError('invalid', `Bluesky does not know the post ${platformPostId} (deleted, or not yet indexed).`);
      const metrics: PostMetrics = {
        likes: post.likeCount ?? 0,
        replies: post.replyCount ?? 0,
        reposts: (post.repostCount ?? 0) + (post.quoteCount ?? 0),
        fetchedAt: new Date(now()).toISOString(),
      };
      return metrics;
    },

    async mentions(credentials, cursor) {
      const agent = agentWith(serviceOf(credentials), credentials.accessToken);
      const res = await call('Reading Bluesky notifications', () =>
        agent.app.bsky.notification.listNotifications({ reasons: ['mention', 'reply'], limit: 50, ...(cursor ? { cursor } : {}) }),
      );
      const page = parseOrThrow(ListNotificationsSchema, res.data, 'notifications answer');
      const items: Mention[] = [];
      for (const raw of page.notifications) {
        const n = NotificationSchema.safeParse(raw);
        // Older servers ignore `reasons`; likes, follows and malformed entries are skipped.
        if (!n.success || (n.data.reason !== 'mention' && n.data.reason !== 'reply')) continue;
        items.push({
          platformPostId: n.data.uri,
          author: n.data.author.handle,
          text: n.data.record.text ?? '',
          createdAt: n.data.record.createdAt ?? n.data.indexedAt,
          url: postUrl(n.data.author.handle, n.data.uri),
          ...(n.data.record.reply ? { inReplyTo: n.data.record.reply.parent.uri } : {}),
        });
      }
      return { items, cursor: page.cursor ?? null };
    },
  });
  return adapter;
}

// @atproto/api costs ~0.3 s to load, more than the rest of the engine's
// dependencies together; it loads on the first Bluesky call, not at start.
let atprotoModule: typeof import('@atproto/api') | null = null;

function atproto(): typeof import('@atproto/api') {
  if (!atprotoModule) throw new Error('@atproto/api was used before it was loaded.');
  return atprotoModule;
}

/** Every method of the adapter loads @atproto/api first; helpers inside them can then use it synchronously. */
function withAtproto(adapter: BlueskyAdapter): BlueskyAdapter {
  const load = async () => {
    atprotoModule ??= await import('@atproto/api');
  };
  const wrapped = { ...adapter } as Record<string, unknown>;
  for (const [key, value] of Object.entries(adapter)) {
    if (typeof value !== 'function') continue;
    wrapped[key] = async (...args: unknown[]) => {
      await load();
      return (value as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  }
  return wrapped as unknown as BlueskyAdapter;
}
