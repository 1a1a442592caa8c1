import { z } from 'zod';
import { Id, IsoDateTime, text, TimeZone } from './common';
import { Platform } from './accounts';

export const POST_STATUSES = [
  'draft',
  'in_review',
  'approved',
  'scheduled',
  'publishing',
  'published',
  'failed',
] as const;
export const PostStatus = z.enum(POST_STATUSES);

/** Statuses in which a post's text and media may still change. */
export const EDITABLE_POST_STATUSES = ['draft', 'in_review', 'approved', 'scheduled', 'failed'] as const;

/**
 * Why a publish did not (yet) happen. The platform kinds come from the adapters;
 * `held` means Chorus itself held the post (it was due while the app was closed).
 */
export const FailureKind = z.enum(['auth', 'invalid', 'rate_limited', 'transient', 'unavailable', 'held']);

export const MediaRef = z.object({
  kind: z.enum(['image', 'video', 'gif']),
  /** A path inside the data folder's media store, or an https URL. */
  uri: z.string().min(1).max(2048),
  alt: z.string().max(1500).default(''),
});

/** A calendar day, YYYY-MM-DD. */
export const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Must be a date such as 2025-03-30.' });
/** A wall-clock time without a zone, YYYY-MM-DDTHH:mm (seconds optional). */
export const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/, { message: 'Must be a local time such as 2025-03-30T09:00.' });

const RecurrenceEnd = {
  /** Last day (inclusive, in the schedule's zone) an occurrence may fall on. */
  until: LocalDate.optional(),
  /** How many occurrences in all, the first included. */
  count: z.number().int().min(1).max(1000).optional(),
};

/**
 * A repeating schedule, computed in the schedule's IANA zone so 09:00 stays 09:00
 * across daylight-saving changes. It must end: by a date, a count, or both.
 */
export const Recurrence = z
  .discriminatedUnion('freq', [
    z.object({ freq: z.literal('daily'), interval: z.number().int().min(1).max(365).default(1), ...RecurrenceEnd }).strict(),
    z
      .object({
        freq: z.literal('weekly'),
        interval: z.number().int().min(1).max(52).default(1),
        /** 0 = Sunday … 6 = Saturday. */
        weekdays: z.array(z.number().int().min(0).max(6)).min(1).max(7),
        ...RecurrenceEnd,
      })
      .strict(),
  ])
  .refine((r) => r.until !== undefined || r.count !== undefined, {
    message: 'A repeating post needs an end date or a number of occurrences.',
    path: ['until'],
  });

export const Post = z.object({
  id: Id,
  brandId: Id,
  accountId: Id.nullable(),
  platform: Platform,
  /** Reddit's post title or YouTube's video title; empty elsewhere. */
  title: z.string(),
  text: z.string(),
  /** Further posts of a thread, in order (X, Bluesky, Mastodon). */
  thread: z.array(z.string()),
  media: z.array(MediaRef),
  status: PostStatus,
  /** The instant, in UTC. */
  scheduledAt: IsoDateTime.nullable(),
  /** The IANA zone the person chose the time in, so it can be shown back the same way. */
  scheduledTimeZone: z.string().nullable(),
  publishedAt: IsoDateTime.nullable(),
  platformPostId: z.string().nullable(),
  platformUrl: z.string().nullable(),
  /** The last failure (also while a retry is pending), in the platform's words. */
  failureKind: FailureKind.nullable(),
  failureReason: z.string().nullable(),
  attempts: z.number().int(),
  /** When the next attempt runs, if later than scheduledAt (backoff or rate limit). */
  retryAt: IsoDateTime.nullable(),
  recurrence: Recurrence.nullable(),
  /** Recurring posts: the first post of the series, and this occurrence's index (0-based). */
  seriesId: Id.nullable(),
  seriesIndex: z.number().int().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

export const POST_EVENT_KINDS = [
  'created',
  'edited',
  'submitted',
  'approved',
  'rejected',
  'scheduled',
  'rescheduled',
  'unscheduled',
  'attempt',
  'published',
  'retry',
  'failed',
  'held',
  'paused',
  'resumed',
  'recovered',
] as const;
export const PostEventKind = z.enum(POST_EVENT_KINDS);

/** One line of a post's history. */
export const PostEvent = z.object({
  id: z.number().int(),
  postId: Id,
  at: IsoDateTime,
  kind: PostEventKind,
  /** The attempt number, for attempt/retry/failed/published. */
  attempt: z.number().int().nullable(),
  errorKind: FailureKind.nullable(),
  /** The platform's words, or what Chorus did and why. */
  message: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

export const PostWithHistory = Post.extend({ history: z.array(PostEvent) });

export const PostListInput = z
  .object({
    brandId: Id.optional(),
    status: PostStatus.optional(),
    /** Calendar range on the post's time (scheduled, else published): from inclusive, to exclusive. */
    from: IsoDateTime.optional(),
    to: IsoDateTime.optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

const PostText = text(70_000, 'The text');
const PostTitle = text(300, 'The title');
const Media = z.array(MediaRef).max(20);
const Thread = z.array(PostText).max(50);

export const PostCreateInput = z
  .object({
    brandId: Id,
    platform: Platform,
    accountId: Id.nullable().optional(),
    title: PostTitle.default(''),
    text: PostText,
    media: Media.default([]),
    thread: Thread.default([]),
  })
  .strict();

export const PostUpdateInput = z
  .object({
    id: Id,
    patch: z
      .object({ title: PostTitle, text: PostText, media: Media, thread: Thread, accountId: Id.nullable() })
      .partial()
      .strict(),
  })
  .strict();

export const PostById = z.object({ id: Id }).strict();

const When = {
  /** Either a wall-clock time ('YYYY-MM-DDTHH:mm', with timeZone) or an ISO instant with an offset. */
  at: z.union([IsoDateTime, LocalDateTime]),
  /** The IANA zone `at` is in (required for a wall-clock time); defaults to the brand's zone for an instant. */
  timeZone: TimeZone.optional(),
  /** The account to publish from, if the post has none yet. */
  accountId: Id.optional(),
};

const wallClockNeedsZone = (input: { at: string; timeZone?: string }) =>
  IsoDateTime.safeParse(input.at).success || input.timeZone !== undefined;
const zoneIssue = { message: 'Say which time zone this time is in (e.g. Europe/Paris).', path: ['timeZone'] };

export const PostScheduleInput = z
  .object({ id: Id, ...When, recurrence: Recurrence.optional() })
  .strict()
  .refine(wallClockNeedsZone, zoneIssue);

/** Like scheduling; a wall-clock time without timeZone is read in the zone the post was scheduled in. */
export const PostRescheduleInput = z.object({ id: Id, ...When }).strict();

export const ScheduleStatus = z.object({
  paused: z.boolean(),
  /** Posts waiting for their time (status scheduled). */
  queued: z.number().int(),
  /** Posts being published right now. */
  publishing: z.number().int(),
  /** The earliest upcoming attempt, if any. */
  nextDueAt: IsoDateTime.nullable(),
});

export const PostsChanged = z.object({ id: Id, status: z.union([PostStatus, z.literal('deleted')]) });

export const PublishResult = z.object({
  postId: Id,
  /** published, failed, or scheduled when a retry is queued. */
  status: PostStatus,
  url: z.string().optional(),
  failureKind: FailureKind.optional(),
  reason: z.string().optional(),
});

export type Post = z.infer<typeof Post>;
export type PostStatus = z.infer<typeof PostStatus>;
export type MediaRef = z.infer<typeof MediaRef>;
export type FailureKind = z.infer<typeof FailureKind>;
export type Recurrence = z.infer<typeof Recurrence>;
export type PostEvent = z.infer<typeof PostEvent>;
export type PostEventKind = z.infer<typeof PostEventKind>;
export type PostWithHistory = z.infer<typeof PostWithHistory>;
export type ScheduleStatus = z.infer<typeof ScheduleStatus>;
export type PublishResult = z.infer<typeof PublishResult>;
