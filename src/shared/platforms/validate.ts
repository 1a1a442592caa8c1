// Checks a draft against one platform's rules and says, in sentences, what breaks them.
import twitterText from 'twitter-text';
import { z } from 'zod';
import { countHashtags, countMentions } from './hashtags';
import { fits, measureText, type Measurement } from './length';
import { PLATFORMS, PLATFORM_LABELS, type Platform } from './names';
import { rulesFor, type PlatformRules } from './rules';

export const DraftMedia = z.object({ kind: z.enum(['image', 'video', 'gif']) });
export type DraftMedia = z.infer<typeof DraftMedia>;

export const Draft = z.object({
  /** The first (or only) post's text; the caption or description where the platform calls it so. */
  text: z.string(),
  media: z.array(DraftMedia).optional(),
  /** Reddit and YouTube titles. */
  title: z.string().optional(),
  /** The posts that follow `text` as replies, in order (X, Bluesky, Mastodon). */
  thread: z.array(z.string()).optional(),
});
export type Draft = z.input<typeof Draft>;

export const ValidateOptions = z.object({
  /** X: a Premium account may post 25,000 instead of 280. */
  premium: z.boolean().optional(),
  /** Mastodon: the server's character limit (default 500). */
  maxCharacters: z.number().int().positive().optional(),
  /** Mastodon: what every URL counts as (default 23). */
  charactersReservedPerUrl: z.number().int().nonnegative().optional(),
});
export type ValidateOptions = z.infer<typeof ValidateOptions>;

export const PROBLEM_CODES = [
  'empty',
  'too_long',
  'too_many_bytes',
  'forbidden_characters',
  'too_many_hashtags',
  'too_many_mentions',
  'link_not_clickable',
  'media_required',
  'too_many_media',
  'mixed_media',
  'unsupported_media',
  'title_required',
  'title_too_long',
  'title_ignored',
  'thread_not_supported',
] as const;
export const ProblemCode = z.enum(PROBLEM_CODES);
export type ProblemCode = z.infer<typeof ProblemCode>;

export const Problem = z.object({
  code: ProblemCode,
  /** A sentence for people: "This post is 312 characters; X allows 280." */
  message: z.string(),
  severity: z.enum(['error', 'warning']),
  /** `text`, `title`, `media` or `thread.N` (N indexes `draft.thread`). */
  field: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

export const ValidationResult = z.object({
  platform: z.enum(PLATFORMS),
  /** The text's length in the platform's own unit. */
  length: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  unit: z.enum(['weighted', 'graphemes', 'characters']),
  /** UTF-8 bytes, where the platform caps them too (Bluesky, YouTube). */
  bytes: z.number().int().nonnegative().optional(),
  byteLimit: z.number().int().positive().optional(),
  title: z.object({ length: z.number().int().nonnegative(), limit: z.number().int().positive() }).optional(),
  /** False when any error-level rule is broken; warnings leave it true. */
  ok: z.boolean(),
  problems: z.array(Problem),
});
export type ValidationResult = z.infer<typeof ValidationResult>;

const n = (value: number) => value.toLocaleString('en-US');
const plural = (count: number, one: string, many = `${one}s`) => `${n(count)} ${count === 1 ? one : many}`;

/** Problems with one piece of text: the post itself (`subject` "This post") or a part of its thread. */
function checkText(
  rules: PlatformRules,
  text: string,
  measurement: Measurement,
  subject: string,
  field: string,
  options: ValidateOptions,
): Problem[] {
  const label = PLATFORM_LABELS[rules.platform];
  const problems: Problem[] = [];
  const error = (code: ProblemCode, message: string) => problems.push({ code, message, severity: 'error', field });
  if (measurement.length > measurement.limit) {
    const allows =
      rules.platform === 'x' && options.premium
        ? `X allows ${n(measurement.limit)} for Premium accounts`
        : rules.platform === 'mastodon' && options.maxCharacters !== undefined
          ? `this Mastodon server allows ${n(measurement.limit)}`
          : `${label} allows ${n(measurement.limit)}`;
    error('too_long', `${subject} is ${plural(measurement.length, 'character')}; ${allows}.`);
  }
  if (measurement.byteLimit !== undefined && measurement.bytes !== undefined && measurement.bytes > measurement.byteLimit) {
    error(
      'too_many_bytes',
      `${subject} is ${plural(measurement.bytes, 'byte')} in UTF-8; ${label} allows ${n(measurement.byteLimit)}.`,
    );
  }
  const forbidden = rules.text.forbiddenCharacters?.filter((c) => text.includes(c)) ?? [];
  if (forbidden.length > 0) {
    error('forbidden_characters', `${label} does not allow ${forbidden.map((c) => `“${c}”`).join(' or ')} in the ${rules.text.noun}.`);
  } else if (rules.platform === 'x' && twitterText.hasInvalidCharacters(text)) {
    error('forbidden_characters', `${subject} contains characters X refuses (U+FFFE, U+FEFF, U+FFFF or direction overrides).`);
  }
  if (rules.text.maxHashtags !== undefined) {
    const count = countHashtags(text);
    if (count > rules.text.maxHashtags) {
      error('too_many_hashtags', `${subject} has ${plural(count, 'hashtag')}; ${label} allows ${n(rules.text.maxHashtags)}.`);
    }
  }
  if (rules.text.maxMentions !== undefined) {
    const count = countMentions(text);
    if (count > rules.text.maxMentions) {
      error('too_many_mentions', `${subject} mentions ${plural(count, 'account')}; ${label} allows ${n(rules.text.maxMentions)}.`);
    }
  }
  if (!rules.text.linksClickable && twitterText.extractUrlsWithIndices(text).length > 0) {
    problems.push({
      code: 'link_not_clickable',
      message: `${label} shows links in a ${rules.text.noun} as plain text; people cannot click them.`,
      severity: 'warning',
      field,
    });
  }
  return problems;
}

function checkMedia(rules: PlatformRules, media: DraftMedia[]): Problem[] {
  const label = PLATFORM_LABELS[rules.platform];
  const rule = rules.media;
  const problems: Problem[] = [];
  const error = (code: ProblemCode, message: string) => problems.push({ code, message, severity: 'error', field: 'media' });
  if (media.length === 0) {
    if (rule.required) error('media_required', `${label} needs media: ${rule.summary.toLowerCase()}`);
    return problems;
  }
  const gifs = media.filter((m) => m.kind === 'gif').length;
  if (gifs > 0 && rule.gif === 'unsupported') error('unsupported_media', `${label} does not take GIFs; convert it to a video.`);
  const images = media.filter((m) => m.kind === 'image' || (m.kind === 'gif' && rule.gif === 'image')).length;
  const videos = media.filter((m) => m.kind === 'video' || (m.kind === 'gif' && rule.gif === 'video')).length;
  if (images > 0 && rule.maxImages === 0) error('unsupported_media', `${label} takes no images: ${rule.summary.toLowerCase()}`);
  if (videos > 0 && rule.maxVideos === 0) error('unsupported_media', `${label} takes no videos here: ${rule.summary.toLowerCase()}`);
  if (images > 0 && videos > 0 && !rule.mixed) {
    error('mixed_media', `${label} cannot mix images and videos in one post: ${rule.summary.toLowerCase()}`);
  }
  const tooMany = (count: number, noun: string, max: number) =>
    error('too_many_media', `This post has ${plural(count, noun)}; ${label} allows ${n(max)}.`);
  if (rule.maxItems !== undefined && images + videos > rule.maxItems) tooMany(images + videos, 'media item', rule.maxItems);
  else {
    if (rule.maxImages !== null && rule.maxImages > 0 && images > rule.maxImages) tooMany(images, 'image', rule.maxImages);
    if (rule.maxVideos > 0 && videos > rule.maxVideos) tooMany(videos, 'video', rule.maxVideos);
  }
  return problems;
}

function checkTitle(rules: PlatformRules, title: string | undefined): { problems: Problem[]; title?: { length: number; limit: number } } {
  const label = PLATFORM_LABELS[rules.platform];
  const given = title !== undefined && title.trim() !== '';
  if (!rules.title) {
    return {
      problems: given
        ? [{ code: 'title_ignored', message: `${label} posts have no title; it will not be published.`, severity: 'warning', field: 'title' }]
        : [],
    };
  }
  const rule = rules.title;
  const text = title ?? '';
  const length = Array.from(text).length;
  const problems: Problem[] = [];
  const error = (code: ProblemCode, message: string) => problems.push({ code, message, severity: 'error', field: 'title' });
  if (!given && rule.required) error('title_required', `${label} needs a title.`);
  if (length > rule.limit) error('title_too_long', `The title is ${plural(length, 'character')}; ${label} allows ${n(rule.limit)}.`);
  const forbidden = rule.forbiddenCharacters?.filter((c) => text.includes(c)) ?? [];
  if (forbidden.length > 0) {
    error('forbidden_characters', `${label} does not allow ${forbidden.map((c) => `“${c}”`).join(' or ')} in the title.`);
  }
  return { problems, title: { length, limit: rule.limit } };
}

/** `validate` without parsing its input: for callers inside this folder that built the draft themselves. */
export function validateParsed(platform: Platform, draft: z.output<typeof Draft>, options: ValidateOptions): ValidationResult {
  const rules = rulesFor(platform);
  const label = PLATFORM_LABELS[platform];
  const media = draft.media ?? [];
  const thread = draft.thread ?? [];
  const measurement = measureText(platform, draft.text, options);
  const noun = rules.text.noun;
  const problems: Problem[] = [];

  const titled = checkTitle(rules, draft.title);
  const hasTitle = rules.title !== null && draft.title !== undefined && draft.title.trim() !== '';
  if (draft.text.trim() === '' && media.length === 0 && !hasTitle) {
    problems.push({ code: 'empty', message: 'There is nothing to post: add text or media.', severity: 'error', field: 'text' });
  }
  problems.push(...checkText(rules, draft.text, measurement, `This ${noun}`, 'text', options));
  problems.push(...titled.problems);
  problems.push(...checkMedia(rules, media));

  if (thread.length > 0 && !rules.threads) {
    problems.push({
      code: 'thread_not_supported',
      message: `${label} has no threads; put everything in one ${noun} of up to ${n(measurement.limit)} characters.`,
      severity: 'error',
      field: 'thread',
    });
  } else {
    thread.forEach((part, i) => {
      const field = `thread.${i}`;
      // Part 1 is `text`; the replies are parts 2, 3…
      const subject = `Part ${i + 2} of the thread`;
      if (part.trim() === '') {
        problems.push({ code: 'empty', message: `${subject} is empty.`, severity: 'error', field });
        return;
      }
      problems.push(...checkText(rules, part, measureText(platform, part, options), subject, field, options));
    });
  }

  const result: ValidationResult = {
    platform,
    length: measurement.length,
    limit: measurement.limit,
    unit: measurement.unit,
    ok: !problems.some((p) => p.severity === 'error'),
    problems,
  };
  if (measurement.bytes !== undefined) {
    result.bytes = measurement.bytes;
    result.byteLimit = measurement.byteLimit;
  }
  if (titled.title) result.title = titled.title;
  return result;
}

/** Whether a single piece of text fits the platform's length limits (characters and bytes). */
export function textFits(platform: Platform, text: string, options: ValidateOptions): boolean {
  return fits(measureText(platform, text, options));
}

/**
 * Checks a draft against `platform`'s rules: text length in the platform's own
 * unit (and bytes where capped), hashtags and mentions, media, title and thread.
 * Throws a ZodError when `draft` or `options` is not the right shape.
 */
export function validate(platform: Platform, draft: Draft, options: ValidateOptions = {}): ValidationResult {
  return validateParsed(z.enum(PLATFORMS).parse(platform), Draft.parse(draft), ValidateOptions.parse(options));
}
