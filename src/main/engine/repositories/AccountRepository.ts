import { ChorusError, type Account, type AccountConnection } from '../../../shared/contract';
import type { Platform } from '../../../shared/platforms';
import type { Database } from '../db/Database';
import { iso, isoOrNull, isUniqueViolation } from './rows';

interface AccountRow {
  id: string;
  brand_id: string;
  platform: Platform;
  connection: AccountConnection;
  handle: string;
  display_name: string;
  platform_user_id: string | null;
  instance_url: string | null;
  status: Account['status'];
  status_reason: string | null;
  token_expires_at: Date | null;
  last_refreshed_at: Date | null;
  last_refresh_error: string | null;
  created_at: Date;
  updated_at: Date;
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    brandId: row.brand_id,
    platform: row.platform,
    connection: row.connection,
    handle: row.handle,
    displayName: row.display_name,
    platformUserId: row.platform_user_id,
    instanceUrl: row.instance_url,
    status: row.status,
    statusReason: row.status_reason,
    tokenExpiresAt: isoOrNull(row.token_expires_at),
    lastRefreshedAt: isoOrNull(row.last_refreshed_at),
    lastRefreshError: row.last_refresh_error,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** How a platform connects when the caller does not say. */
export function defaultConnection(platform: Platform): AccountConnection {
  if (platform === 'bluesky') return 'app-password';
  if (platform === 'mastodon') return 'mastodon-app';
  return 'oauth2-pkce';
}

export interface AccountIdentityFields {
  brandId: string;
  platform: Platform;
  connection?: AccountConnection;
  handle: string;
  displayName?: string;
  platformUserId?: string | null;
  instanceUrl?: string | null;
  tokenExpiresAt?: string | null;
}

function duplicateHandle(handle: string): ChorusError {
  return new ChorusError('conflict', `This brand already has an account “${handle}” on that platform.`, [
    { path: ['handle'], message: 'Another account of this brand already has this handle.' },
  ]);
}

const NOT_FOUND = 'That account does not exist (it may have been deleted with its brand).';

export class AccountRepository {
  constructor(private readonly db: Database) {}

  async list(brandId?: string): Promise<Account[]> {
    const rows = brandId
      ? await this.db.query<AccountRow>('SELECT * FROM accounts WHERE brand_id = $1 ORDER BY platform, handle', [brandId])
      : await this.db.query<AccountRow>('SELECT * FROM accounts ORDER BY platform, handle');
    return rows.map(toAccount);
  }

  async find(id: string): Promise<Account | null> {
    const [row] = await this.db.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]);
    return row ? toAccount(row) : null;
  }

  async get(id: string): Promise<Account> {
    const account = await this.find(id);
    if (!account) throw new ChorusError('not_found', NOT_FOUND);
    return account;
  }

  /** The row for this platform identity, by stable id first, then by handle. */
  async findIdentity(input: {
    brandId: string;
    platform: Platform;
    handle: string;
    platformUserId?: string | null;
    instanceUrl?: string | null;
  }): Promise<Account | null> {
    if (input.platformUserId) {
      const [row] = await this.db.query<AccountRow>(
        `SELECT * FROM accounts WHERE brand_id = $1 AND platform = $2 AND coalesce(instance_url, '') = $3 AND platform_user_id = $4`,
        [input.brandId, input.platform, input.instanceUrl ?? '', input.platformUserId],
      );
      if (row) return toAccount(row);
    }
    const [row] = await this.db.query<AccountRow>(
      'SELECT * FROM accounts WHERE brand_id = $1 AND platform = $2 AND handle = $3',
      [input.brandId, input.platform, input.handle],
    );
    return row ? toAccount(row) : null;
  }

  /** A new connected account; `id` lets the caller store its credentials first. */
  async create(input: AccountIdentityFields & { id?: string }): Promise<Account> {
    try {
      return await this.db.write(async (tx) => {
        const { rows } = await tx.query<AccountRow>(
          `INSERT INTO accounts (id, brand_id, platform, connection, handle, display_name, platform_user_id, instance_url, token_expires_at, status_changed_at)
           VALUES (coalesce($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, now()) RETURNING *`,
          [
            input.id ?? null,
            input.brandId,
            input.platform,
            input.connection ?? defaultConnection(input.platform),
            input.handle,
            input.displayName ?? '',
            input.platformUserId ?? null,
            input.instanceUrl ?? null,
            input.tokenExpiresAt ?? null,
          ],
        );
        return toAccount(rows[0]!);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateHandle(input.handle);
      throw error;
    }
  }

  /** After signing in again: fresh identity, connected, no reason left over. */
  async reconnected(id: string, fields: Omit<AccountIdentityFields, 'brandId' | 'platform'>): Promise<Account> {
    try {
      return await this.updateRow(
        id,
        `connection = coalesce($2, connection), handle = $3, display_name = coalesce($4, display_name),
         platform_user_id = coalesce($5, platform_user_id), instance_url = coalesce($6, instance_url),
         token_expires_at = $7, status = 'connected', status_reason = NULL, last_refresh_error = NULL,
         status_changed_at = now()`,
        [
          fields.connection ?? null,
          fields.handle,
          fields.displayName ?? null,
          fields.platformUserId ?? null,
          fields.instanceUrl ?? null,
          fields.tokenExpiresAt ?? null,
        ],
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateHandle(fields.handle);
      throw error;
    }
  }

  /** After a successful refresh. */
  async refreshed(id: string, tokenExpiresAt: string | null, at: Date): Promise<Account> {
    return this.updateRow(id, 'token_expires_at = $2, last_refreshed_at = $3, last_refresh_error = NULL', [tokenExpiresAt, at]);
  }

  /** A refresh failed but the grant still stands: the account stays as it is. */
  async refreshFailed(id: string, message: string): Promise<Account> {
    return this.updateRow(id, 'last_refresh_error = $2', [message]);
  }

  async setStatus(id: string, status: Account['status'], reason: string | null): Promise<Account> {
    return this.updateRow(
      id,
      `status = $2, status_reason = $3, status_changed_at = now(),
       token_expires_at = CASE WHEN $2::text = 'disconnected' THEN NULL ELSE token_expires_at END`,
      [status, reason],
    );
  }

  async delete(id: string): Promise<boolean> {
    return this.db.write(async (tx) => {
      const { rows } = await tx.query('DELETE FROM accounts WHERE id = $1 RETURNING id', [id]);
      return rows.length > 0;
    });
  }

  private async updateRow(id: string, assignments: string, params: unknown[]): Promise<Account> {
    const row = await this.db.write(async (tx) => {
      const { rows } = await tx.query<AccountRow>(
        `UPDATE accounts SET ${assignments}, updated_at = now() WHERE id = $1 RETURNING *`,
        [id, ...params],
      );
      return rows[0];
    });
    if (!row) throw new ChorusError('not_found', NOT_FOUND);
    return toAccount(row);
  }
}
