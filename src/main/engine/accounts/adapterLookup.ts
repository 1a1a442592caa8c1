import { z } from 'zod';
import type { Platform } from '../../../shared/platforms';
import type { Credentials, PlatformAdapter } from '../platforms/PlatformAdapter';

/** What an adapter needs to know beyond the platform: where the server is and which OAuth client is ours. */
export interface AdapterContext {
  /** Mastodon: the instance, e.g. https://mastodon.social. */
  instanceUrl?: string | null;
  /** Bluesky: the PDS, e.g. https://bsky.social. */
  service?: string | null;
  clientId?: string | null;
  clientSecret?: string | null;
}

/**
 * Finds the adapter for a platform. Injected into the accounts module (tests
 * pass fakes); null when this build cannot connect that platform.
 */
export type AdapterLookup = (platform: Platform, context: AdapterContext) => PlatformAdapter | null;

/** Bluesky-style adapters sign in with an identifier and an app password (createSession); see adapters/bluesky.ts. */
export interface AppPasswordLogin {
  identifier: string;
  appPassword: string;
  service?: string;
}
export type AppPasswordAdapter = PlatformAdapter & { login(input: AppPasswordLogin): Promise<Credentials> };

export function canSignInWithAppPassword(adapter: PlatformAdapter): adapter is AppPasswordAdapter {
  return adapter.connection === 'app-password' && typeof (adapter as Partial<AppPasswordAdapter>).login === 'function';
}

/** Credentials as stored in the keychain; checked on the way out because the keychain is outside our control. */
export const StoredCredentials = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  scope: z.string().optional(),
  extra: z.record(z.string(), z.string()).optional(),
});

export const credentialsKey = (accountId: string): string => `account.${accountId}.credentials`;
export const clientIdKey = (platform: Platform): string => `platform.${platform}.clientId`;
export const clientSecretKey = (platform: Platform): string => `platform.${platform}.clientSecret`;
