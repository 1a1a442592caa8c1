// One publish attempt for one post, and what to do about its outcome. Every
// failure leaves with a kind and the platform's words; nothing is "unknown".
import type { FailureKind } from '../../../shared/contract';
import type { AdapterRegistry } from '../platforms/adapterRegistry';
import { isSandboxAccount } from '../platforms/adapterRegistry';
import { PublishError, type Credentials, type PublishedPost, type PublishRequest } from '../platforms/PlatformAdapter';
import type { PostRow } from '../repositories/PostRepository';
import type { PublishCredentials } from './keychainCredentials';

export interface PublishAccount {
  id: string;
  platform: PostRow['platform'];
  handle: string;
  connection?: string | null;
  status: 'connected' | 'needs_reconnect' | 'disconnected';
  status_reason: string | null;
}

export type AttemptOutcome =
  | { ok: true; published: PublishedPost; foundExisting: boolean }
  | { ok: false; kind: Exclude<FailureKind, 'held'>; reason: string; retryAt?: Date };

// Sandbox accounts publish into the data folder: there is nothing to sign in with.
const NO_CREDENTIALS: Credentials = { accessToken: '' };

function failure(error: unknown): Extract<AttemptOutcome, { ok: false }> {
  if (error instanceof PublishError) {
    return { ok: false, kind: error.kind, reason: error.message, ...(error.details.retryAt ? { retryAt: error.details.retryAt } : {}) };
  }
  // An adapter bug or an I/O error: the call may or may not have reached the
  // platform, so treat it as transient (findExisting runs before the retry).
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, kind: 'transient', reason: `Publishing stopped unexpectedly: ${message}` };
}

export function publishRequestFor(row: PostRow): PublishRequest {
  return {
    text: row.text,
    ...(row.title ? { title: row.title } : {}),
    ...(row.thread.length ? { thread: row.thread } : {}),
    media: row.media,
    idempotencyKey: row.idempotency_key,
    postId: row.id,
  };
}

export interface AttemptDeps {
  adapters: AdapterRegistry;
  credentials: PublishCredentials;
}

/**
 * Publishes `row` from `account`. When the previous attempt may have gone
 * through (a transient failure, or a stop mid-publish), the platform is asked
 * first whether the post already exists. An `auth` failure gets one refresh
 * and one more try; if that does not fix it the account is flagged.
 */
export async function attemptPublish(row: PostRow, account: PublishAccount | null, deps: AttemptDeps): Promise<AttemptOutcome> {
  if (!account) return { ok: false, kind: 'invalid', reason: 'This post has no account to publish from; choose one and schedule it again.' };
  if (account.status !== 'connected') {
    const why = account.status_reason ? `: ${account.status_reason}` : '.';
    return { ok: false, kind: 'auth', reason: `The account ${account.handle} must be reconnected before it can publish${why}` };
  }
  const sandbox = isSandboxAccount(account);
  const request = publishRequestFor(row);
  try {
    const adapter = deps.adapters.adapterFor(account);
    let credentials = sandbox ? NO_CREDENTIALS : await deps.credentials.forAccount(account.id);
    if (row.failure_kind === 'transient') {
      const existing = await adapter.findExisting(credentials, request);
      if (existing) return { ok: true, published: existing, foundExisting: true };
    }
    try {
      return { ok: true, published: await adapter.publish(credentials, request), foundExisting: false };
    } catch (error) {
      if (!(error instanceof PublishError) || error.kind !== 'auth' || sandbox) throw error;
      const refreshed = await refreshOnce(deps.credentials, account.id, credentials);
      if (!refreshed) {
        await deps.credentials.markNeedsReconnect(account.id, error.message);
        throw error;
      }
      credentials = refreshed;
      try {
        return { ok: true, published: await adapter.publish(credentials, request), foundExisting: false };
      } catch (again) {
        if (again instanceof PublishError && again.kind === 'auth') await deps.credentials.markNeedsReconnect(account.id, again.message);
        throw again;
      }
    }
  } catch (error) {
    return failure(error);
  }
}

/** New credentials after a 401, or null when there is nothing new to try. */
async function refreshOnce(provider: PublishCredentials, accountId: string, used: Credentials): Promise<Credentials | null> {
  try {
    const fresh = provider.refresh ? await provider.refresh(accountId) : await provider.forAccount(accountId);
    return fresh.accessToken !== used.accessToken ? fresh : null;
  } catch (error) {
    if (error instanceof PublishError && error.kind === 'auth') return null;
    throw error;
  }
}

export interface RetryPolicy {
  /** Attempts in all before a transient failure becomes final. */
  maxAttempts: number;
  /** Attempts in all (any kind) before rate limits stop being waited out. */
  maxAttemptsRateLimited: number;
  /** Wait before attempt n+1 after n transient failures. */
  backoffMs(attempt: number): number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  maxAttemptsRateLimited: 20,
  // 30 s, 2 min, 8 min, 32 min, capped at an hour.
  backoffMs: (attempt) => Math.min(30_000 * 4 ** Math.max(0, attempt - 1), 3_600_000),
};

export type Decision =
  | { action: 'published' }
  | { action: 'retry'; at: Date }
  | { action: 'fail' };

/** What a failed attempt leads to: another try (when) or a final failure. */
export function decide(outcome: AttemptOutcome, attempts: number, now: Date, policy: RetryPolicy): Decision {
  if (outcome.ok) return { action: 'published' };
  if (outcome.kind === 'transient' && attempts < policy.maxAttempts) {
    return { action: 'retry', at: new Date(now.getTime() + policy.backoffMs(attempts)) };
  }
  if (outcome.kind === 'rate_limited' && attempts < policy.maxAttemptsRateLimited) {
    const at = outcome.retryAt && outcome.retryAt.getTime() > now.getTime() ? outcome.retryAt : new Date(now.getTime() + 60_000);
    return { action: 'retry', at };
  }
  return { action: 'fail' };
}
