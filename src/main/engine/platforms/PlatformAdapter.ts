// One file per platform in ./adapters implements this (Postiz-style): how to
// connect, refresh, publish (with threads and media), delete, read metrics and
// read replies. Every failure is a PublishError with a kind the scheduler acts on.
import type { MediaRef } from '../../../shared/contract';
import type { Platform } from '../../../shared/platforms';

export type FailureKind =
  /** The token is expired or revoked: refresh, or ask the person to reconnect. */
  | 'auth'
  /** The post itself was refused (too long, bad media…): retrying will not help. */
  | 'invalid'
  /** Over a rate limit: try again at `retryAt`. */
  | 'rate_limited'
  /** A network blip or a 5xx: retry with backoff. */
  | 'transient'
  /** The platform or the feature is not available to this account/app. */
  | 'unavailable';

export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly kind: FailureKind,
    /** The platform's own words where it gave any; never "unknown error". */
    message: string,
    readonly details: { status?: number; platformCode?: string; retryAt?: Date; revoked?: boolean } = {},
  ) {
    super(message);
  }
}

/** What the keychain holds for one account (JSON under `account.<id>.credentials`). */
export interface Credentials {
  accessToken: string;
  refreshToken?: string;
  /** ISO time the access token expires, when the platform says. */
  expiresAt?: string;
  scope?: string;
  /** Platform-specific values: Mastodon instance URL, Bluesky DID and PDS, page ids… */
  extra?: Record<string, string>;
}

export interface AccountIdentity {
  platformUserId: string;
  handle: string;
  displayName: string;
}

export interface PublishRequest {
  /** The first (or only) post's text. */
  text: string;
  /** Further posts of a thread, replied to in order. */
  thread?: string[];
  /** Media with local file paths resolved by the caller. */
  media: (MediaRef & { path?: string; mimeType?: string })[];
  /** Reddit and YouTube need a title. */
  title?: string;
  /** Reddit: the subreddit; Facebook/Instagram: page or IG user id; etc. */
  target?: string;
  /** Stable per post: sent where the platform accepts one, and used to find a post that may have gone through. */
  idempotencyKey: string;
  /** Chorus's id for the post (the sandbox names its outbox files after it). */
  postId?: string;
}

export interface PublishedPost {
  platformPostId: string;
  url: string;
  /** Ids of the further posts of a thread, in order. */
  threadPostIds?: string[];
}

export interface PostMetrics {
  likes?: number;
  replies?: number;
  reposts?: number;
  impressions?: number;
  views?: number;
  fetchedAt: string;
}

export interface Mention {
  platformPostId: string;
  author: string;
  text: string;
  createdAt: string;
  url?: string;
  inReplyTo?: string;
}

export interface OAuthStart {
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scopes: string[];
}

export interface PlatformAdapter {
  readonly platform: Platform | 'sandbox';
  /** How an account is connected: OAuth 2 + PKCE, Bluesky app passwords, Mastodon per-instance apps, or the local sandbox. */
  readonly connection: 'oauth2-pkce' | 'app-password' | 'mastodon-app' | 'sandbox';
  authorizeUrl?(start: OAuthStart): string;
  exchangeCode?(input: { code: string; codeVerifier: string; redirectUri: string; clientId: string; clientSecret?: string }): Promise<Credentials>;
  refresh(credentials: Credentials): Promise<Credentials>;
  me(credentials: Credentials): Promise<AccountIdentity>;
  publish(credentials: Credentials, request: PublishRequest): Promise<PublishedPost>;
  /** Before retrying a publish that may have gone through: the post, if it exists. */
  findExisting(credentials: Credentials, request: PublishRequest): Promise<PublishedPost | null>;
  delete(credentials: Credentials, platformPostId: string): Promise<void>;
  metrics(credentials: Credentials, platformPostId: string): Promise<PostMetrics>;
  mentions(credentials: Credentials, cursor: string | null): Promise<{ items: Mention[]; cursor: string | null }>;
}

/** Where an adapter sends its requests; tests point it at a local server that follows the platform's API. */
export interface AdapterOptions {
  baseUrl?: string;
  /** For waiting on rate limits and computing expiry; tests pass a fake. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Longest a rate limit is waited out inline before failing with `rate_limited`. */
  maxInlineWaitMs?: number;
  fetch?: typeof fetch;
}

/**
 * Fresh credentials for an account, from the keychain, refreshed shortly before
 * they expire. Implemented by the accounts module; used by the publisher.
 */
export interface CredentialProvider {
  /** Throws PublishError('auth') when the account must be reconnected. */
  forAccount(accountId: string): Promise<Credentials>;
  /** After an `auth` failure that a refresh did not fix: flag the account with the platform's reason. */
  markNeedsReconnect(accountId: string, reason: string): Promise<void>;
}
