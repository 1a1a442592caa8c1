// Every account's tokens, kept in the OS keychain and refreshed shortly before
// they expire. Two rules users of other schedulers taught us: a refresh that
// fails never costs the stored refresh token, and only a grant the platform
// says is revoked sends the account to "reconnect".
import { ChorusError, type Account, type AccountRefreshResult } from '../../../shared/contract';
import { PLATFORM_LABELS } from '../../../shared/platforms';
import { PublishError, type CredentialProvider, type Credentials, type PlatformAdapter } from '../platforms/PlatformAdapter';
import type { AccountRepository } from '../repositories/AccountRepository';
import type { SecretStore } from '../secrets/SecretStore';
import {
  clientIdKey,
  clientSecretKey,
  credentialsKey,
  StoredCredentials,
  type AdapterContext,
  type AdapterLookup,
} from './adapterLookup';

export const DEFAULT_REFRESH_AHEAD_MS = 5 * 60_000;

export interface AccountCredentialsOptions {
  secrets: SecretStore;
  accounts: AccountRepository;
  adapterFor: AdapterLookup;
  /** Called after every change of an account row the UI should hear about. */
  onChange?: (account: Account) => void;
  log?: (message: string, error?: unknown) => void;
  now?: () => number;
  /** Refresh this long before the access token expires. */
  refreshAheadMs?: number;
}

/** Keeps what the platform did not send again (most platforms do not rotate refresh tokens). */
function merge(previous: Credentials, fresh: Credentials): Credentials {
  return {
    ...previous,
    ...fresh,
    refreshToken: fresh.refreshToken ?? previous.refreshToken,
    extra: previous.extra || fresh.extra ? { ...previous.extra, ...fresh.extra } : undefined,
  };
}

function asPublishError(error: unknown, platform: string): PublishError {
  if (error instanceof PublishError) return error;
  if (error instanceof ChorusError) throw error; // keychain and the like: not the platform's doing
  const message = error instanceof Error ? error.message : String(error);
  return new PublishError('transient', `Refreshing the ${platform} sign-in failed: ${message}`);
}

/** Sandbox accounts publish nowhere; their "credentials" hold no secret and never touch the keychain. */
export function sandboxCredentials(account: Account): Credentials {
  return { accessToken: `sandbox:${account.id}`, extra: { sandbox: 'true', handle: account.handle } };
}

export class AccountCredentials implements CredentialProvider {
  private readonly inflight = new Map<string, Promise<Credentials>>();
  private readonly now: () => number;
  private readonly refreshAheadMs: number;

  constructor(private readonly options: AccountCredentialsOptions) {
    this.now = options.now ?? Date.now;
    this.refreshAheadMs = options.refreshAheadMs ?? DEFAULT_REFRESH_AHEAD_MS;
  }

  /** The stored credentials, or null. Never leaves the engine. */
  async read(accountId: string): Promise<Credentials | null> {
    const raw = await this.options.secrets.get(credentialsKey(accountId));
    if (raw === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = null;
    }
    const checked = StoredCredentials.safeParse(parsed);
    if (!checked.success) {
      this.options.log?.(`The keychain entry ${credentialsKey(accountId)} is not readable credentials; it was left untouched.`);
      return null;
    }
    return checked.data;
  }

  async save(accountId: string, credentials: Credentials): Promise<void> {
    await this.options.secrets.set(credentialsKey(accountId), JSON.stringify(StoredCredentials.parse(credentials)));
  }

  /** Forgets an account's tokens (disconnecting). */
  async forget(accountId: string): Promise<void> {
    await this.options.secrets.delete(credentialsKey(accountId));
  }

  /** How to reach the adapter for an account: its instance, and our client id/secret for that platform. */
  async adapterContext(account: Account, credentials: Credentials | null): Promise<AdapterContext> {
    const extra = credentials?.extra ?? {};
    const secrets = this.options.secrets;
    return {
      instanceUrl: account.instanceUrl,
      service: extra.service ?? null,
      // Mastodon registers one app per sign-in; its client lives with the tokens.
      clientId: extra.clientId ?? (await secrets.get(clientIdKey(account.platform))),
      clientSecret: extra.clientSecret ?? (await secrets.get(clientSecretKey(account.platform))),
    };
  }

  private async adapterFor(account: Account, credentials: Credentials): Promise<PlatformAdapter> {
    const adapter = this.options.adapterFor(account.platform, await this.adapterContext(account, credentials));
    if (!adapter) {
      throw new ChorusError('unavailable', `This build of Chorus cannot talk to ${PLATFORM_LABELS[account.platform]} yet.`);
    }
    return adapter;
  }

  private expiresWithin(credentials: Credentials, ms: number): boolean {
    if (!credentials.expiresAt) return false;
    return Date.parse(credentials.expiresAt) - this.now() <= ms;
  }

  async forAccount(accountId: string): Promise<Credentials> {
    const account = await this.options.accounts.get(accountId);
    const label = PLATFORM_LABELS[account.platform];
    if (account.status === 'disconnected') {
      throw new PublishError('auth', `${label} account ${account.handle} is disconnected; connect it again to publish.`);
    }
    if (account.status === 'needs_reconnect') {
      throw new PublishError('auth', account.statusReason ?? `${label} asks you to reconnect ${account.handle}.`, { revoked: true });
    }
    if (account.connection === 'sandbox') return sandboxCredentials(account);
    const credentials = await this.read(accountId);
    if (!credentials) {
      const reason = `Chorus has no saved sign-in for ${account.handle} in the keychain; reconnect the account.`;
      await this.markNeedsReconnect(accountId, reason);
      throw new PublishError('auth', reason, { revoked: true });
    }
    if (!this.expiresWithin(credentials, this.refreshAheadMs)) return credentials;
    try {
      return await this.refreshShared(accountId);
    } catch (error) {
      // An early refresh that failed for a passing reason: the token we hold still works.
      const revoked = error instanceof PublishError && error.details.revoked;
      if (!revoked && error instanceof PublishError && !this.expiresWithin(credentials, 0)) {
        this.options.log?.(`Refreshing ${label} account ${account.handle} failed; its token is still valid, using it`, error);
        return credentials;
      }
      throw error;
    }
  }

  async markNeedsReconnect(accountId: string, reason: string): Promise<void> {
    // The stored tokens stay: a later manual refresh or reconnect may still use them.
    const account = await this.options.accounts.setStatus(accountId, 'needs_reconnect', reason);
    this.options.onChange?.(account);
  }

  /** A manual refresh (accounts.refresh): what happened, in words the UI can show. */
  async refreshNow(accountId: string): Promise<AccountRefreshResult> {
    const account = await this.options.accounts.get(accountId);
    if (account.status === 'disconnected') {
      throw new ChorusError('conflict', `${account.handle} is disconnected; connect it again instead.`);
    }
    if (account.connection === 'sandbox') return { account, outcome: 'not_needed', message: null };
    const credentials = await this.read(accountId);
    if (!credentials) {
      const reason = `Chorus has no saved sign-in for ${account.handle} in the keychain; reconnect the account.`;
      await this.markNeedsReconnect(accountId, reason);
      return { account: await this.options.accounts.get(accountId), outcome: 'needs_reconnect', message: reason };
    }
    if ((!credentials.refreshToken && !this.expiresWithin(credentials, 0))) {
      return { account, outcome: 'not_needed', message: null };
    }
    try {
      await this.refreshShared(accountId);
      let after = await this.options.accounts.get(accountId);
      if (after.status === 'needs_reconnect') {
        // The grant works after all (e.g. a publish failed for another reason).
        after = await this.options.accounts.setStatus(accountId, 'connected', null);
        this.options.onChange?.(after);
      }
      return { account: after, outcome: 'refreshed', message: null };
    } catch (error) {
      if (!(error instanceof PublishError)) throw error;
      const after = await this.options.accounts.get(accountId);
      return { account: after, outcome: error.details.revoked ? 'needs_reconnect' : 'failed', message: error.message };
    }
  }

  /** One refresh per account at a time: concurrent callers share it. */
  private refreshShared(accountId: string): Promise<Credentials> {
    let flight = this.inflight.get(accountId);
    if (!flight) {
      flight = this.runRefresh(accountId).finally(() => this.inflight.delete(accountId));
      this.inflight.set(accountId, flight);
    }
    return flight;
  }

  /**
   * Refreshes now, whatever the expiry says (the publisher's retry after a 401),
   * sharing an in-flight refresh. A revoked grant marks the account needs_reconnect.
   */
  refresh(accountId: string): Promise<Credentials> {
    return this.refreshShared(accountId);
  }

  private async runRefresh(accountId: string): Promise<Credentials> {
    const account = await this.options.accounts.get(accountId);
    const label = PLATFORM_LABELS[account.platform];
    const credentials = await this.read(accountId);
    if (!credentials) throw new PublishError('auth', `Chorus has no saved sign-in for ${account.handle}.`, { revoked: true });
    if (!credentials.refreshToken) {
      if (!this.expiresWithin(credentials, 0)) return credentials;
      const reason = `The ${label} sign-in for ${account.handle} expired and ${label} gave Chorus no way to renew it; reconnect the account.`;
      await this.markNeedsReconnect(accountId, reason);
      throw new PublishError('auth', reason, { revoked: true });
    }
    const adapter = await this.adapterFor(account, credentials);
    let fresh: Credentials;
    try {
      fresh = await adapter.refresh(credentials);
    } catch (caught) {
      const error = asPublishError(caught, label);
      if (error.kind === 'auth' && error.details.revoked) {
        await this.markNeedsReconnect(accountId, error.message);
      } else {
        this.options.onChange?.(await this.options.accounts.refreshFailed(accountId, error.message));
      }
      throw error;
    }
    const merged = merge(credentials, fresh);
    try {
      await this.save(accountId, merged);
    } catch (error) {
      // The platform may have rotated the refresh token we could not store.
      this.options.log?.(`Could not store the refreshed ${label} tokens of ${account.handle} in the keychain`, error);
      throw error;
    }
    this.options.onChange?.(await this.options.accounts.refreshed(accountId, merged.expiresAt ?? null, new Date(this.now())));
    return merged;
  }
}
