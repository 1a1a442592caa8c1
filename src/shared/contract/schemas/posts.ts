import { z } from 'zod';
import { Id, IsoDateTime } from './common';
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

export const MediaRef = z.object({
  kind: z.enum(['image', 'video', 'gif']),
  /** A path inside the data folder's media store, or an https URL. */
  uri: z.string().min(1).max(2048),
  alt: z.string().max(1500).default(''),
});

export const Post = z.object({
  id: Id,
  brandId: Id,
  accountId: Id.nullable(),
  platform: Platform,
  text: z.string(),
  media: z.array(MediaRef),
  status: PostStatus,
  /** The instant, in UTC. */
  scheduledAt: IsoDateTime.nullable(),
  /** The IANA zone the person chose the time in, so it can be shown back the same way. */
  scheduledTimeZone: z.string().nullable(),
  publishedAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

export const PostListInput = z
  .object({
    brandId: Id.optional(),
    status: PostStatus.optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

export type Post = z.infer<typeof Post>;
export type PostStatus = z.infer<typeof PostStatus>;
export type MediaRef = z.infer<typeof MediaRef>;
