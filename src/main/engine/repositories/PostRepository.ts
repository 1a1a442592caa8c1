import {
  ChorusError,
  type FailureKind,
  type MediaRef,
  type Post,
  type PostEvent,
  type PostEventKind,
  type PostStatus,
  type Recurrence,
} from '../../../shared/contract';
import type { Platform } from '../../../shared/platforms';
import type { Database, Queryable } from '../db/Database';
import { iso, isoOrNull } from './rows';

export interface PostRow {
  id: string;
  brand_id: string;
  account_id: string | null;
  platform: Platform;
  title: string;
  text: string;
  thread: string[];
  media: MediaRef[];
  status: PostStatus;
  scheduled_at: Date | null;
  scheduled_time_zone: string | null;
  published_at: Date | null;
  idempotency_key: string;
  platform_post_id: string | null;
  platform_url: string | null;
  failure_kind: FailureKind | null;
  failure_reason: string | null;
  attempts: number;
  retry_at: Date | null;
  job_id: string | null;
  recurrence: Recurrence | null;
  series_id: string | null;
  series_index: number | null;
  created_at: Date;
  updated_at: Date;
}

interface PostEventRow {
  id: string | number;
  post_id: string;
  at: Date;
  kind: PostEventKind;
  attempt: number | null;
  error_kind: FailureKind | null;
  message: string | null;
  detail: Record<string, unknown>;
}

export function toPost(row: PostRow): Post {
  return {
    id: row.id,
    brandId: row.brand_id,
    accountId: row.account_id,
    platform: row.platform,
    title: row.title,
    text: row.text,
    thread: row.thread,
    media: row.media,
    status: row.status,
    scheduledAt: isoOrNull(row.scheduled_at),
    scheduledTimeZone: row.scheduled_time_zone,
    publishedAt: isoOrNull(row.published_at),
    platformPostId: row.platform_post_id,
    platformUrl: row.platform_url,
    failureKind: row.failure_kind,
    failureReason: row.failure_reason,
    attempts: row.attempts,
    retryAt: isoOrNull(row.retry_at),
    recurrence: row.recurrence,
    seriesId: row.series_id,
    seriesIndex: row.series_index,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function toEvent(row: PostEventRow): PostEvent {
  return {
    id: Number(row.id),
    postId: row.post_id,
    at: iso(row.at),
    kind: row.kind,
    attempt: row.attempt,
    errorKind: row.error_kind,
    message: row.message,
    detail: row.detail,
  };
}

export interface NewPost {
  brandId: string;
  platform: Platform;
  text: string;
  /** Reddit and YouTube need one. */
  title?: string;
  accountId?: string | null;
  media?: MediaRef[];
  thread?: string[];
  status?: PostStatus;
  /** Both or neither: the UTC instant and the zone it was picked in. */
  schedule?: { at: string; timeZone: string } | null;
  series?: { id: string; index: number; recurrence: Recurrence } | null;
}

export interface NewPostEvent {
  kind: PostEventKind;
  attempt?: number | null;
  errorKind?: FailureKind | null;
  message?: string | null;
  detail?: Record<string, unknown>;
}

export const POST_NOT_FOUND = 'That post does not exist (it may have been deleted).';

/**
 * Row-level SQL on posts and their history, for use inside one transaction
 * (`db.write`) together with other work such as queueing the publishing job.
 */
export const postSql = {
  async insert(tx: Queryable, post: NewPost): Promise<PostRow> {
    const { rows } = await tx.query<PostRow>(
      `INSERT INTO posts (brand_id, account_id, platform, text, media, thread, status, scheduled_at, scheduled_time_zone,
                          series_id, series_index, recurrence, title)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
      [
        post.brandId,
        post.accountId ?? null,
        post.platform,
        post.text,
        JSON.stringify(post.media ?? []),
        post.thread ?? [],
        post.status ?? 'draft',
        post.schedule?.at ?? null,
        post.schedule?.timeZone ?? null,
        post.series?.id ?? null,
        post.series?.index ?? null,
        post.series ? JSON.stringify(post.series.recurrence) : null,
        post.title ?? '',
      ],
    );
    return rows[0]!;
  },

  /** The row, locked for the rest of the transaction; throws not_found. */
  async lock(tx: Queryable, id: string): Promise<PostRow> {
    const { rows } = await tx.query<PostRow>('SELECT * FROM posts WHERE id = $1 FOR UPDATE', [id]);
    if (!rows[0]) throw new ChorusError('not_found', POST_NOT_FOUND);
    return rows[0];
  },

  /** Sets columns (snake_case names, trusted: never user input) and returns the row. */
  async set(tx: Queryable, id: string, columns: Partial<Record<keyof PostRow, unknown>>): Promise<PostRow> {
    const entries = Object.entries(columns);
    const params: unknown[] = [id];
    const assignments = entries.map(([column, value]) => {
      const json = column === 'media' || column === 'recurrence';
      params.push(json && value !== null ? JSON.stringify(value) : value);
      return `${column} = $${params.length}`;
    });
    const { rows } = await tx.query<PostRow>(
      `UPDATE posts SET ${[...assignments, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *`,
      params,
    );
    if (!rows[0]) throw new ChorusError('not_found', POST_NOT_FOUND);
    return rows[0];
  },

  async event(tx: Queryable, postId: string, event: NewPostEvent): Promise<void> {
    await tx.query(
      `INSERT INTO post_events (post_id, kind, attempt, error_kind, message, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
      [postId, event.kind, event.attempt ?? null, event.errorKind ?? null, event.message ?? null, JSON.stringify(event.detail ?? {})],
    );
  },
};

export interface PostListFilter {
  brandId?: string;
  status?: PostStatus;
  from?: string;
  to?: string;
  limit: number;
}

export class PostRepository {
  constructor(private readonly db: Database) {}

  async list(filter: PostListFilter): Promise<Post[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const when = 'coalesce(scheduled_at, published_at)';
    if (filter.brandId) where.push(`brand_id = $${params.push(filter.brandId)}`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.from) where.push(`${when} >= $${params.push(filter.from)}`);
    if (filter.to) where.push(`${when} < $${params.push(filter.to)}`);
    const ranged = filter.from !== undefined || filter.to !== undefined;
    const sql = `SELECT * FROM posts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY ${ranged ? `${when}, id` : 'created_at DESC, id'} LIMIT $${params.push(filter.limit)}`;
    return (await this.db.query<PostRow>(sql, params)).map(toPost);
  }

  async find(id: string): Promise<Post | null> {
    const [row] = await this.db.query<PostRow>('SELECT * FROM posts WHERE id = $1', [id]);
    return row ? toPost(row) : null;
  }

  async get(id: string): Promise<Post> {
    const post = await this.find(id);
    if (!post) throw new ChorusError('not_found', POST_NOT_FOUND);
    return post;
  }

  /** The raw row, for the publisher (idempotency key, job id). */
  async row(id: string): Promise<PostRow | null> {
    const [row] = await this.db.query<PostRow>('SELECT * FROM posts WHERE id = $1', [id]);
    return row ?? null;
  }

  async history(id: string): Promise<PostEvent[]> {
    const rows = await this.db.query<PostEventRow>('SELECT * FROM post_events WHERE post_id = $1 ORDER BY id', [id]);
    return rows.map(toEvent);
  }

  async create(post: NewPost): Promise<Post> {
    const row = await this.db.write(async (tx) => {
      const inserted = await postSql.insert(tx, post);
      await postSql.event(tx, inserted.id, { kind: 'created' });
      return inserted;
    });
    return toPost(row);
  }

  /** Many posts in one transaction (imports, seeding a benchmark). */
  async createMany(posts: NewPost[]): Promise<number> {
    return this.db.write(async (tx) => {
      for (const post of posts) await postSql.insert(tx, post);
      return posts.length;
    });
  }

  async count(status?: PostStatus): Promise<number> {
    const [row] = status
      ? await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM posts WHERE status = $1', [status])
      : await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM posts');
    return row?.n ?? 0;
  }
}
