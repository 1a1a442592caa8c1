import { z } from 'zod';
import { PLATFORMS } from '../../platforms';
import { Id, IsoDateTime, text } from './common';

export const Platform = z.enum(PLATFORMS);
export const AccountStatus = z.enum(['connected', 'needs_reconnect', 'disconnected']);
/** OAuth 2 + PKCE, Bluesky app passwords, Mastodon per-instance apps, or the local sandbox (publishes nowhere). */
export const AccountConnection = z.enum(['oauth2-pkce', 'app-password', 'mastodon-app', 'sandbox']);

/** A connected social account. Tokens never appear here: they live in the keychain. */
export const Account = z.object({
  id: Id,
  brandId: Id,
  platform: Platform,
  connection: AccountConnection,
  handle: z.string(),
  displayName: z.string(),
  /** The platform's stable id for the account (X user id, Bluesky DID…). */
  platformUserId: z.string().nullable(),
  /** Mastodon: the instance, e.g. https://mastodon.social. */
  instanceUrl: z.string().nullable(),
  status: AccountStatus,
  /** Why the account needs reconnecting, in the platform's words. */
  statusReason: z.string().nullable(),
  /** When the access token expires, for display; null when it does not or is unknown. */
  tokenExpiresAt: IsoDateTime.nullable(),
  lastRefreshedAt: IsoDateTime.nullable(),
  /** The last refresh that failed without revoking the grant (the account stayed connected). */
  lastRefreshError: z.string().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

export const AccountListInput = z.object({ brandId: Id.optional() }).strict();
export const AccountById = z.object({ id: Id }).strict();

const Handle = text(100, 'The handle').min(1, { message: 'The handle cannot be empty.' });

export const ConnectSandboxInput = z
  .object({ brandId: Id, platform: Platform, handle: Handle.optional() })
  .strict();

/** http(s) URL; plain http only for this machine (local test servers). */
const ServerUrl = z
  .url({ message: 'Must be a URL such as https://mastodon.social.' })
  .refine(
    (value) => {
      const url = new URL(value);
      if (url.protocol === 'https:') return true;
      return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    },
    { message: 'Must be an https:// URL.' },
  );

export const ConnectAppPasswordInput = z
  .object({
    brandId: Id,
    platform: z.literal('bluesky'),
    /** Handle (name.bsky.social), DID or email. */
    identifier: text(253, 'The identifier').min(1, { message: 'Enter your handle or email.' }),
    /** An app password from Settings → Privacy and security → App passwords; never the account password. */
    appPassword: z.string().min(1, { message: 'Enter an app password.' }).max(200),
    /** The PDS; defaults to https://bsky.social. */
    service: ServerUrl.optional(),
  })
  .strict();

export const StartOAuthInput = z
  .object({ brandId: Id, platform: Platform, instanceUrl: ServerUrl.optional() })
  .strict()
  .refine((input) => input.platform !== 'mastodon' || input.instanceUrl !== undefined, {
    path: ['instanceUrl'],
    message: 'Enter your Mastodon server, e.g. https://mastodon.social.',
  });

export const OAuthStarted = z.object({
  flowId: Id,
  /** Opened in the system browser; shown too, in case no browser could be opened. */
  authorizeUrl: z.url(),
});

export const OAuthFlowState = z.enum(['waiting', 'connected', 'failed']);

export const OAuthFlowStatus = z.object({
  flowId: Id,
  state: OAuthFlowState,
  /** The account connected (or reconnected) when state is 'connected'. */
  accountId: Id.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const ReconnectResult = z.discriminatedUnion('kind', [
  /** Sign in again in the browser; follow with accounts.oauthStatus. */
  z.object({ kind: z.literal('oauth'), flowId: Id, authorizeUrl: z.url() }),
  /** Reconnected on the spot (sandbox accounts). */
  z.object({ kind: z.literal('done'), account: Account }),
]);

export const AccountRefreshResult = z.object({
  account: Account,
  outcome: z.enum(['refreshed', 'not_needed', 'needs_reconnect', 'failed']),
  /** The platform's words when the refresh failed. */
  message: z.string().nullable(),
});

export type Account = z.infer<typeof Account>;
export type AccountConnection = z.infer<typeof AccountConnection>;
export type OAuthFlowStatus = z.infer<typeof OAuthFlowStatus>;
export type AccountRefreshResult = z.infer<typeof AccountRefreshResult>;
