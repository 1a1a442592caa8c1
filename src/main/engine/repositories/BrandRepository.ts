import { ChorusError, type Brand, type BrandFields } from '../../../shared/contract';
import type { Database } from '../db/Database';
import { iso, isUniqueViolation } from './rows';

interface BrandRow {
  id: string;
  name: string;
  description: string;
  voice: string;
  audience: string;
  content_pillars: string[];
  banned_words: string[];
  default_hashtags: string[];
  timezone: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS: Record<keyof BrandFields, string> = {
  name: 'name',
  description: 'description',
  voice: 'voice',
  audience: 'audience',
  contentPillars: 'content_pillars',
  bannedWords: 'banned_words',
  defaultHashtags: 'default_hashtags',
  timezone: 'timezone',
};

function toBrand(row: BrandRow): Brand {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    voice: row.voice,
    audience: row.audience,
    contentPillars: row.content_pillars,
    bannedWords: row.banned_words,
    defaultHashtags: row.default_hashtags,
    timezone: row.timezone,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function duplicateName(name: string): ChorusError {
  return new ChorusError('conflict', `A brand named “${name}” already exists.`, [
    { path: ['name'], message: 'Another brand already has this name.' },
  ]);
}

export class BrandRepository {
  constructor(private readonly db: Database) {}

  async list(): Promise<Brand[]> {
    const rows = await this.db.query<BrandRow>('SELECT * FROM brands ORDER BY lower(name)');
    return rows.map(toBrand);
  }

  async get(id: string): Promise<Brand> {
    const [row] = await this.db.query<BrandRow>('SELECT * FROM brands WHERE id = $1', [id]);
    if (!row) throw new ChorusError('not_found', 'That brand does not exist (it may have been deleted).');
    return toBrand(row);
  }

  async findByName(name: string): Promise<Brand | null> {
    const [row] = await this.db.query<BrandRow>('SELECT * FROM brands WHERE lower(name) = lower($1)', [name]);
    return row ? toBrand(row) : null;
  }

  async create(fields: Partial<BrandFields> & { name: string }, defaultTimeZone: string): Promise<Brand> {
    try {
      return await this.db.write(async (tx) => {
        const { rows } = await tx.query<BrandRow>(
          `INSERT INTO brands (name, description, voice, audience, content_pillars, banned_words, default_hashtags, timezone)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
          [
            fields.name,
            fields.description ?? '',
            fields.voice ?? '',
            fields.audience ?? '',
            fields.contentPillars ?? [],
            fields.bannedWords ?? [],
            fields.defaultHashtags ?? [],
            fields.timezone ?? defaultTimeZone,
          ],
        );
        return toBrand(rows[0]!);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(fields.name);
      throw error;
    }
  }

  async update(id: string, patch: Partial<BrandFields>): Promise<Brand> {
    const entries = (Object.keys(COLUMNS) as (keyof BrandFields)[]).filter((key) => patch[key] !== undefined);
    if (entries.length === 0) return this.get(id);
    const sets = entries.map((key, i) => `${COLUMNS[key]} = $${i + 2}`);
    try {
      const row = await this.db.write(async (tx) => {
        const { rows } = await tx.query<BrandRow>(
          `UPDATE brands SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING *`,
          [id, ...entries.map((key) => patch[key])],
        );
        return rows[0];
      });
      if (!row) throw new ChorusError('not_found', 'That brand does not exist (it may have been deleted).');
      return toBrand(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(patch.name ?? '');
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    const deleted = await this.db.write(async (tx) => {
      const { rows } = await tx.query<{ id: string }>('DELETE FROM brands WHERE id = $1 RETURNING id', [id]);
      return rows.length;
    });
    if (!deleted) throw new ChorusError('not_found', 'That brand does not exist (it may have been deleted).');
  }
}
