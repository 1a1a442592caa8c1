import { z } from 'zod';
import { Id, IsoDateTime, TimeZone, text } from './common';

const Hashtag = z
  .string()
  .trim()
  .transform((s) => (s.startsWith('#') ? s.slice(1) : s))
  .pipe(
    z
      .string()
      .min(1, { message: 'A hashtag cannot be empty.' })
      .max(100, { message: 'A hashtag must be at most 100 characters.' })
      .regex(/^[\p{L}\p{N}_]+$/u, { message: 'A hashtag may hold letters, digits and underscores only.' }),
  );

const Phrase = z
  .string()
  .trim()
  .min(1, { message: 'Entries cannot be empty.' })
  .max(80, { message: 'Each entry must be at most 80 characters.' });

/** Drops repeats (case-insensitively) while keeping the first spelling. */
function unique<T extends z.ZodType<string[]>>(schema: T) {
  return schema.transform((items) => {
    const seen = new Set<string>();
    return items.filter((item) => {
      const key = item.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });
}

export const BrandFields = z.object({
  name: text(80, 'The name').pipe(z.string().min(1, { message: 'A brand needs a name.' })),
  description: text(2000, 'The description'),
  voice: text(2000, 'Voice and tone'),
  audience: text(2000, 'The audience'),
  contentPillars: unique(z.array(Phrase).max(12, { message: 'At most 12 content pillars.' })),
  bannedWords: unique(z.array(Phrase).max(200, { message: 'At most 200 banned words.' })),
  defaultHashtags: unique(z.array(Hashtag).max(30, { message: 'At most 30 default hashtags.' })),
  timezone: TimeZone,
});

/** What a person fills in; only the name is required. */
export const BrandCreateInput = BrandFields.partial().required({ name: true }).strict();

export const BrandUpdateInput = z
  .object({
    id: Id,
    patch: BrandFields.partial().strict(),
  })
  .strict();

export const Brand = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  voice: z.string(),
  audience: z.string(),
  contentPillars: z.array(z.string()),
  bannedWords: z.array(z.string()),
  defaultHashtags: z.array(z.string()),
  timezone: z.string(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

export type Brand = z.infer<typeof Brand>;
export type BrandCreateInput = z.input<typeof BrandCreateInput>;
export type BrandFields = z.output<typeof BrandFields>;
