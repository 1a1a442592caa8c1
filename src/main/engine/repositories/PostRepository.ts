import type { MediaRef, Post, PostStatus } from '../../../shared/contract';
import type { Platform } from '../../../shared/platforms';
import type { Database, Queryable } from '../db/Database';
import { iso, isoOrNull } from './rows';

interface PostRow {
  id: string;
  brand_id: string;
  account_id: string | null;
  platform: Platform;
  text: string;
  media: MediaRef[];
  status: PostStatus;
  scheduled_at: Date | null;
  scheduled_time_zone: string | null;
  published_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

function toPost(row: PostRow): Post {
  return {
    id: row.id,
    brandId: row.brand_id,
    accountId: row.account_id,
    platform: row.platform,
    text: row.text,
    media: row.media,
    status: row.status,
    scheduledAt: isoOrNull(row.scheduled_at),
    scheduledTimeZone: row.scheduled_time_zone,
    publishedAt: isoOrNull(row.published_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export interface NewPost {
  brandId: string;
  platform: Platform;
  text: string;
  accountId?: string | null;
  media?: MediaRef[];
  status?: PostStatus;
  /** Both or neither: the UTC instant and the zone it was picked in. */
  schedule?: { at: string; timeZone: string } | null;
}

async function insert(tx: Queryable, post: NewPost): Promise<PostRow> {
  const { rows } = await tx.query<PostRow>(
    `INSERT INTO posts (brand_id, account_id, platform, text, media, status, scheduled_at, scheduled_time_zone)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [
      post.brandId,
      post.accountId ?? null,
      post.platform,
      post.text,
      JSON.stringify(post.media ?? []),
      post.status ?? 'draft',
      post.schedule?.at ?? null,
      post.schedule?.timeZone ?? null,
    ],
  );
  return rows[0]!;
}

export class PostRepository {
  constructor(private readonly db: Database) {}

  async list(filter: { brandId?: string; status?: PostStatus; limit: number }): Promise<Post[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.brandId) where.push(`brand_id = $${params.push(filter.brandId)}`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    const sql = `SELECT * FROM posts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY created_at DESC, id LIMIT $${params.push(filter.limit)}`;
    return (await this.db.query<PostRow>(sql, params)).map(toPost);
  }

  async create(post: NewPost): Promise<Post> {
    return toPost(await this.db.write((tx) => insert(tx, post)));
  }

  /** Many posts in one transaction (imports, seeding a benchmark). */
  async createMany(posts: NewPost[]): Promise<number> {
    return this.db.write(async (tx) => {
      for (const post of posts) await insert(tx, post);
      return posts.length;
    });
  }

  async count(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM posts');
    return row?.n ?? 0;
  }
}
