import type { Account } from '../../../shared/contract';
import type { Platform } from '../../../shared/platforms';
import type { Database } from '../db/Database';
import { iso } from './rows';

interface AccountRow {
  id: string;
  brand_id: string;
  platform: Platform;
  handle: string;
  display_name: string;
  status: Account['status'];
  status_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    brandId: row.brand_id,
    platform: row.platform,
    handle: row.handle,
    displayName: row.display_name,
    status: row.status,
    statusReason: row.status_reason,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export class AccountRepository {
  constructor(private readonly db: Database) {}

  async list(brandId?: string): Promise<Account[]> {
    const rows = brandId
      ? await this.db.query<AccountRow>('SELECT * FROM accounts WHERE brand_id = $1 ORDER BY platform, handle', [brandId])
      : await this.db.query<AccountRow>('SELECT * FROM accounts ORDER BY platform, handle');
    return rows.map(toAccount);
  }

  async create(input: { brandId: string; platform: Platform; handle: string; displayName?: string }): Promise<Account> {
    return this.db.write(async (tx) => {
      const { rows } = await tx.query<AccountRow>(
        `INSERT INTO accounts (brand_id, platform, handle, display_name) VALUES ($1, $2, $3, $4) RETURNING *`,
        [input.brandId, input.platform, input.handle, input.displayName ?? ''],
      );
      return toAccount(rows[0]!);
    });
  }
}
