// The publisher's CredentialProvider until the accounts module supplies its
// own (with token refresh): the credentials JSON the accounts flow stores in the
// keychain under `account.<id>.credentials`, checked with zod.
import { z } from 'zod';
import type { EngineContext } from '../EngineContext';
import { PublishError, type CredentialProvider, type Credentials } from '../platforms/PlatformAdapter';

const StoredCredentials = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().optional(),
  expiresAt: z.string().optional(),
  scope: z.string().optional(),
  extra: z.record(z.string(), z.string()).optional(),
});

export const credentialsKey = (accountId: string) => `account.${accountId}.credentials`;

/**
 * What the publisher needs from the accounts module. `refresh`, when present,
 * forces a token refresh after a platform answered 401 even though the stored
 * token looked valid.
 */
export interface PublishCredentials extends CredentialProvider {
  refresh?(accountId: string): Promise<Credentials>;
}

export function keychainCredentials(ctx: Pick<EngineContext, 'secrets' | 'db' | 'emit'>): PublishCredentials {
  return {
    async forAccount(accountId) {
      const raw = await ctx.secrets.get(credentialsKey(accountId));
      if (!raw) throw new PublishError('auth', 'No sign-in is stored for this account; reconnect it in Settings → Accounts.');
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        parsed = null;
      }
      const result = StoredCredentials.safeParse(parsed);
      if (!result.success) throw new PublishError('auth', 'The stored sign-in for this account is unreadable; reconnect it.');
      return result.data;
    },
    async markNeedsReconnect(accountId, reason) {
      const rows = await ctx.db.write(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          `UPDATE accounts SET status = 'needs_reconnect', status_reason = $2, updated_at = now() WHERE id = $1 RETURNING id`,
          [accountId, reason],
        );
        return rows;
      });
      if (rows.length) ctx.emit('accounts.changed', { id: accountId, status: 'needs_reconnect' });
    },
  };
}
