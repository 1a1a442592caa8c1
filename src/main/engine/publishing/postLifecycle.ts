// What people do to posts: draft, edit, schedule (once or repeating), move,
// take off the schedule, publish now, delete. Each change is one transaction
// that updates the post, its queued job and its history together.
import {
  ChorusError,
  EDITABLE_POST_STATUSES,
  IsoDateTime,
  type Post,
  type PostStatus,
  type Recurrence,
  type RouteParsedInput,
} from '../../../shared/contract';
import { PLATFORM_LABELS } from '../../../shared/platforms';
import type { Queryable } from '../db/Database';
import type { EngineContext } from '../EngineContext';
import { postSql, toPost, type PostRow } from '../repositories/PostRepository';
import { dequeuePublish, enqueuePublish } from './jobQueue';
import type { PublishScheduler } from './PublishScheduler';
import { wallClockToInstant } from './recurrence';
import { postProblems, ruleIssues } from './ruleCheck';

/** A time this far in the past is still accepted (the form took a moment); it publishes at once. */
const PAST_TOLERANCE_MS = 60_000;

const SCHEDULABLE: readonly PostStatus[] = ['draft', 'in_review', 'approved', 'scheduled', 'failed'];

interface AccountRow {
  id: string;
  brand_id: string;
  platform: string;
  handle: string;
  status: string;
  status_reason: string | null;
}

function invalid(path: string, message: string): ChorusError {
  return new ChorusError('invalid_input', message, [{ path: [path], message }]);
}

function wrongStatus(row: PostRow, action: string): ChorusError {
  return new ChorusError('conflict', `This post is ${row.status.replace('_', ' ')}; it cannot be ${action}.`);
}

export class PostLifecycle {
  constructor(
    private readonly ctx: EngineContext,
    private readonly scheduler: PublishScheduler,
  ) {}

  private emitChanged(post: Post): Post {
    this.ctx.emit('posts.changed', { id: post.id, status: post.status });
    return post;
  }

  async create(input: RouteParsedInput<'posts.create'>): Promise<Post> {
    const [brand] = await this.ctx.db.query<{ id: string }>('SELECT id FROM brands WHERE id = $1', [input.brandId]);
    if (!brand) throw new ChorusError('not_found', 'That brand does not exist.');
    if (input.accountId) await this.accountFor(input.brandId, input.platform, input.accountId, { requireConnected: false });
    const post = await this.ctx.repos.posts.create({
      brandId: input.brandId,
      platform: input.platform,
      accountId: input.accountId ?? null,
      title: input.title,
      text: input.text,
      media: input.media,
      thread: input.thread,
    });
    return this.emitChanged(post);
  }

  async update({ id, patch }: RouteParsedInput<'posts.update'>): Promise<Post> {
    const current = await this.ctx.repos.posts.get(id);
    if (patch.accountId) await this.accountFor(current.brandId, current.platform, patch.accountId, { requireConnected: false });
    const row = await this.ctx.db.write(async (tx) => {
      const locked = await postSql.lock(tx, id);
      if (!(EDITABLE_POST_STATUSES as readonly string[]).includes(locked.status)) throw wrongStatus(locked, 'edited');
      const next = { ...locked, ...(patch.text === undefined ? {} : { text: patch.text }), ...(patch.media ? { media: patch.media } : {}) };
      if (patch.thread) next.thread = patch.thread;
      // A scheduled post must still pass its platform's rules when its time comes.
      if (locked.status === 'scheduled') this.checkRules(next);
      const changes: Partial<Record<keyof PostRow, unknown>> = {};
      if (patch.title !== undefined) changes.title = patch.title;
      if (patch.text !== undefined) changes.text = patch.text;
      if (patch.media) changes.media = patch.media;
      if (patch.thread) changes.thread = patch.thread;
      if (patch.accountId !== undefined) changes.account_id = patch.accountId;
      if (Object.keys(changes).length === 0) return locked;
      const updated = await postSql.set(tx, id, changes);
      await postSql.event(tx, id, { kind: 'edited', detail: { fields: Object.keys(patch) } });
      return updated;
    });
    return this.emitChanged(toPost(row));
  }

  async get(id: string) {
    const post = await this.ctx.repos.posts.get(id);
    return { ...post, history: await this.ctx.repos.posts.history(id) };
  }

  async history(id: string) {
    await this.ctx.repos.posts.get(id);
    return this.ctx.repos.posts.history(id);
  }

  schedule(input: RouteParsedInput<'posts.schedule'>): Promise<Post> {
    return this.place(input, { kind: 'scheduled', allowed: SCHEDULABLE, recurrence: input.recurrence ?? null });
  }

  reschedule(input: RouteParsedInput<'posts.reschedule'>): Promise<Post> {
    return this.place(input, { kind: 'rescheduled', allowed: ['scheduled', 'failed'], recurrence: undefined });
  }

  publishNow({ id }: { id: string }): Promise<Post> {
    return this.place({ id, at: new Date().toISOString() }, { kind: 'scheduled', allowed: SCHEDULABLE, recurrence: undefined, now: true });
  }

  async unschedule({ id }: { id: string }): Promise<Post> {
    const row = await this.ctx.db.write(async (tx) => {
      const locked = await postSql.lock(tx, id);
      if (locked.status !== 'scheduled') throw wrongStatus(locked, 'taken off the schedule');
      await dequeuePublish(this.scheduler.queue, tx, [id]);
      const updated = await postSql.set(tx, id, {
        status: 'approved',
        scheduled_at: null,
        scheduled_time_zone: null,
        retry_at: null,
        job_id: null,
        recurrence: null,
      });
      await postSql.event(tx, id, { kind: 'unscheduled', detail: { was: locked.scheduled_at?.toISOString() ?? null } });
      return updated;
    });
    return this.emitChanged(toPost(row));
  }

  async delete({ id }: { id: string }): Promise<{ id: string }> {
    await this.ctx.db.write(async (tx) => {
      const locked = await postSql.lock(tx, id);
      if (locked.status === 'publishing') throw wrongStatus(locked, 'deleted while it is being published');
      await dequeuePublish(this.scheduler.queue, tx, [id]);
      await tx.query('DELETE FROM posts WHERE id = $1', [id]);
    });
    this.ctx.emit('posts.changed', { id, status: 'deleted' });
    return { id };
  }

  /**
   * Puts an approved post on the schedule inside the caller's transaction (a
   * workflow's scheduling effect, journaled with it). Idempotent: a post that
   * is already scheduled is left as it is, so a replay never queues it twice.
   */
  async scheduleApproved(tx: Queryable, input: { id: string; at: Date; timeZone: string; detail: Record<string, unknown> }): Promise<PostRow> {
    const locked = await postSql.lock(tx, input.id);
    if (locked.status === 'scheduled' || locked.status === 'publishing' || locked.status === 'published') return locked;
    if (locked.status !== 'approved') throw wrongStatus(locked, 'scheduled before it is approved');
    this.checkRules(locked);
    const { rows } = await tx.query<AccountRow>(
      `SELECT * FROM accounts WHERE brand_id = $1 AND platform = $2 AND status = 'connected' AND ($3::uuid IS NULL OR id = $3) ORDER BY created_at LIMIT 1`,
      [locked.brand_id, locked.platform, locked.account_id],
    );
    const account = rows[0];
    if (!account) {
      throw new ChorusError('conflict', `This brand has no connected ${PLATFORM_LABELS[locked.platform]} account to publish from; connect one, then schedule the post from the calendar.`);
    }
    // A time that passed while waiting for approval goes out at once rather than being refused.
    const at = input.at.getTime() < Date.now() ? new Date() : input.at;
    const jobId = await enqueuePublish(this.scheduler.queue, tx, locked.id, at);
    const updated = await postSql.set(tx, locked.id, {
      status: 'scheduled',
      account_id: account.id,
      scheduled_at: at,
      scheduled_time_zone: input.timeZone,
      retry_at: null,
      failure_kind: null,
      failure_reason: null,
      job_id: jobId,
    });
    await postSql.event(tx, locked.id, { kind: 'scheduled', detail: { at: at.toISOString(), timeZone: input.timeZone, ...input.detail } });
    return updated;
  }

  /** After a caller's transaction committed: tell the UI, and publish now if it is due. */
  announce(row: PostRow): Post {
    if (row.scheduled_at && new Date(row.scheduled_at).getTime() <= Date.now()) this.scheduler.wake();
    return this.emitChanged(toPost(row));
  }

  // ── helpers ───────────────────────────────────────────────────────────────

  private async place(
    input: { id: string; at: string; timeZone?: string; accountId?: string },
    how: { kind: 'scheduled' | 'rescheduled'; allowed: readonly PostStatus[]; recurrence: Recurrence | null | undefined; now?: boolean },
  ): Promise<Post> {
    const current = await this.ctx.repos.posts.get(input.id);
    if (!how.allowed.includes(current.status)) {
      throw new ChorusError('conflict', `This post is ${current.status.replace('_', ' ')}; it cannot be ${how.kind === 'rescheduled' ? 'moved' : 'scheduled'}.`);
    }
    const [brand] = await this.ctx.db.query<{ timezone: string }>('SELECT timezone FROM brands WHERE id = $1', [current.brandId]);
    const timeZone = input.timeZone ?? current.scheduledTimeZone ?? brand?.timezone ?? 'UTC';
    const at = this.instant(input.at, timeZone);
    if (!how.now && at.getTime() < Date.now() - PAST_TOLERANCE_MS) {
      throw invalid('at', `That time (${at.toISOString()}) has already passed; choose a later one or publish now.`);
    }
    const account = await this.accountFor(current.brandId, current.platform, input.accountId ?? current.accountId, { requireConnected: true });

    const row = await this.ctx.db.write(async (tx) => {
      const locked = await postSql.lock(tx, input.id);
      if (!how.allowed.includes(locked.status)) throw wrongStatus(locked, how.kind === 'rescheduled' ? 'moved' : 'scheduled');
      this.checkRules(locked);
      const jobId = await enqueuePublish(this.scheduler.queue, tx, locked.id, at);
      const series =
        how.recurrence === undefined
          ? {}
          : how.recurrence === null
            ? { recurrence: null, series_id: null, series_index: null }
            : { recurrence: how.recurrence, series_id: locked.id, series_index: 0 };
      const updated = await postSql.set(tx, locked.id, {
        status: 'scheduled',
        account_id: account.id,
        scheduled_at: at,
        scheduled_time_zone: timeZone,
        retry_at: null,
        failure_kind: null,
        failure_reason: null,
        job_id: jobId,
        ...series,
      });
      await postSql.event(tx, locked.id, {
        kind: how.kind,
        detail: {
          at: at.toISOString(),
          timeZone,
          ...(how.now ? { publishNow: true } : {}),
          ...(how.kind === 'rescheduled' ? { from: locked.scheduled_at?.toISOString() ?? null } : {}),
          ...(how.recurrence ? { recurrence: how.recurrence } : {}),
        },
      });
      return updated;
    });
    if (at.getTime() <= Date.now()) this.scheduler.wake();
    return this.emitChanged(toPost(row));
  }

  private instant(at: string, timeZone: string): Date {
    if (IsoDateTime.safeParse(at).success) return new Date(at);
    try {
      return wallClockToInstant(at, timeZone);
    } catch (error) {
      throw invalid('at', (error as Error).message);
    }
  }

  /** Throws invalid_input with the platform's rule broken, field by field. */
  private checkRules(row: Pick<PostRow, 'platform' | 'title' | 'text' | 'media' | 'thread'>): void {
    const issues = ruleIssues(postProblems(row));
    if (issues.length === 0) return;
    throw new ChorusError('invalid_input', `This post breaks ${PLATFORM_LABELS[row.platform]}’s rules: ${issues[0]!.message}`, issues);
  }

  private async accountFor(
    brandId: string,
    platform: string,
    accountId: string | null | undefined,
    { requireConnected }: { requireConnected: boolean },
  ): Promise<AccountRow> {
    let account: AccountRow | undefined;
    if (accountId) {
      [account] = await this.ctx.db.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [accountId]);
      if (!account) throw invalid('accountId', 'That account does not exist.');
      if (account.brand_id !== brandId || account.platform !== platform) {
        throw invalid('accountId', `That account is not this brand’s ${PLATFORM_LABELS[platform as Post['platform']]} account.`);
      }
    } else {
      const candidates = await this.ctx.db.query<AccountRow>(
        `SELECT * FROM accounts WHERE brand_id = $1 AND platform = $2 AND status = 'connected' ORDER BY created_at`,
        [brandId, platform],
      );
      if (candidates.length !== 1) {
        throw invalid(
          'accountId',
          candidates.length === 0
            ? `This brand has no connected ${PLATFORM_LABELS[platform as Post['platform']]} account; connect one first.`
            : 'This brand has several accounts on that platform; choose the one to publish from.',
        );
      }
      account = candidates[0]!;
    }
    if (requireConnected && account.status !== 'connected') {
      const why = account.status_reason ? ` (${account.status_reason})` : '';
      throw new ChorusError('conflict', `The account ${account.handle} must be reconnected before it can publish${why}.`, [
        { path: ['accountId'], message: `Reconnect ${account.handle} first.` },
      ]);
    }
    return account;
  }
}

