// The per-platform rule table, from the platforms' own documentation (see
// PLATFORMS.md for sources). Frozen: a rule changes here, in one place, never at
// run time. Account-dependent limits (X Premium, a Mastodon server's own limit)
// are options to `validate`, not edits to this table.
import type { Platform } from './names';

/** The unit a platform's text length is reported in. */
export type LengthUnit = 'weighted' | 'graphemes' | 'characters';

/**
 * How a platform counts, which is finer than the unit it reports:
 * - `twitter`: twitter-text's weighted length (URLs 23, emoji and CJK 2).
 * - `graphemes`: user-perceived characters (Intl.Segmenter).
 * - `mastodon`: graphemes after every URL is replaced by a fixed-length
 *   placeholder and `@user@domain` mentions by `@user`.
 * - `codePoints`: Unicode code points (an emoji is 1, `e` + combining accent is 2).
 * - `utf16`: UTF-16 code units, as the platform documents (TikTok).
 */
export type TextCounting = 'twitter' | 'graphemes' | 'mastodon' | 'codePoints' | 'utf16';

export interface TextRules {
  limit: number;
  unit: LengthUnit;
  counting: TextCounting;
  /** A UTF-8 byte limit enforced as well as `limit` (Bluesky, YouTube descriptions). */
  byteLimit?: number;
  /** Characters the platform refuses in the text. */
  forbiddenCharacters?: readonly string[];
  maxHashtags?: number;
  maxMentions?: number;
  /** False where links in the text are shown as plain text (Instagram and TikTok captions). */
  linksClickable: boolean;
  /** What the platform calls the text, for messages: "This caption is…". */
  noun: 'post' | 'caption' | 'description' | 'body';
}

export interface TitleRules {
  required: boolean;
  /** Counted in code points. */
  limit: number;
  forbiddenCharacters?: readonly string[];
}

/** How an animated GIF is treated: as an image, as a video, or not accepted. */
export type GifHandling = 'image' | 'video' | 'unsupported';

export interface MediaRules {
  required: boolean;
  /** null: no documented limit. */
  maxImages: number | null;
  maxVideos: number;
  /** Images and videos together, where the platform caps the total (Instagram carousels). */
  maxItems?: number;
  /** Whether images and videos may be attached to the same post. */
  mixed: boolean;
  gif: GifHandling;
  /** The rule in one plain sentence, for people. */
  summary: string;
}

export interface PlatformRules {
  platform: Platform;
  text: TextRules;
  /** null: the platform has no title; one given is ignored. */
  title: TitleRules | null;
  media: MediaRules;
  /** Whether a long post can continue as a chain of replies. */
  threads: boolean;
}

const ANGLE_BRACKETS = Object.freeze(['<', '>']);

function freezeRules(rules: PlatformRules): Readonly<PlatformRules> {
  Object.freeze(rules.text);
  if (rules.title) Object.freeze(rules.title);
  Object.freeze(rules.media);
  return Object.freeze(rules);
}

export const PLATFORM_RULES: Readonly<Record<Platform, Readonly<PlatformRules>>> = Object.freeze({
  x: freezeRules({
    platform: 'x',
    // 25,000 for Premium accounts: ValidateOptions.premium.
    text: { limit: 280, unit: 'weighted', counting: 'twitter', linksClickable: true, noun: 'post' },
    title: null,
    media: { required: false, maxImages: 4, maxVideos: 1, mixed: false, gif: 'video', summary: 'Up to 4 images, or 1 video or GIF.' },
    threads: true,
  }),
  linkedin: freezeRules({
    platform: 'linkedin',
    text: { limit: 3000, unit: 'characters', counting: 'codePoints', linksClickable: true, noun: 'post' },
    title: null,
    media: {
      required: false,
      maxImages: 20,
      maxVideos: 1,
      mixed: false,
      gif: 'image',
      summary: '1 video, or up to 20 images (2 or more make a carousel).',
    },
    threads: false,
  }),
  instagram: freezeRules({
    platform: 'instagram',
    text: {
      limit: 2200,
      unit: 'characters',
      counting: 'codePoints',
      maxHashtags: 30,
      maxMentions: 20,
      linksClickable: false,
      noun: 'caption',
    },
    title: null,
    media: {
      required: true,
      maxImages: 10,
      maxVideos: 10,
      maxItems: 10,
      mixed: true,
      gif: 'unsupported',
      summary: 'At least 1 image or video; up to 10 in a carousel.',
    },
    threads: false,
  }),
  facebook: freezeRules({
    platform: 'facebook',
    text: { limit: 63206, unit: 'characters', counting: 'codePoints', linksClickable: true, noun: 'post' },
    title: null,
    media: { required: false, maxImages: null, maxVideos: 1, mixed: false, gif: 'image', summary: 'Photos, or 1 video.' },
    threads: false,
  }),
  tiktok: freezeRules({
    platform: 'tiktok',
    // TikTok's Content Posting API documents the caption limit in UTF-16 code units.
    text: { limit: 2200, unit: 'characters', counting: 'utf16', linksClickable: false, noun: 'caption' },
    title: null,
    media: {
      required: true,
      maxImages: 35,
      maxVideos: 1,
      mixed: false,
      gif: 'unsupported',
      summary: '1 video, or a photo post of up to 35 images.',
    },
    threads: false,
  }),
  youtube: freezeRules({
    platform: 'youtube',
    // The Data API caps the description at 5,000 bytes as well as characters.
    text: {
      limit: 5000,
      unit: 'characters',
      counting: 'codePoints',
      byteLimit: 5000,
      forbiddenCharacters: ANGLE_BRACKETS,
      linksClickable: true,
      noun: 'description',
    },
    title: { required: true, limit: 100, forbiddenCharacters: ANGLE_BRACKETS },
    media: { required: true, maxImages: 0, maxVideos: 1, mixed: false, gif: 'unsupported', summary: 'Exactly 1 video.' },
    threads: false,
  }),
  reddit: freezeRules({
    platform: 'reddit',
    text: { limit: 40000, unit: 'characters', counting: 'codePoints', linksClickable: true, noun: 'body' },
    title: { required: true, limit: 300 },
    media: {
      required: false,
      maxImages: 20,
      maxVideos: 0,
      mixed: false,
      gif: 'image',
      summary: 'A text or link post, or up to 20 images (a gallery).',
    },
    threads: false,
  }),
  bluesky: freezeRules({
    platform: 'bluesky',
    text: { limit: 300, unit: 'graphemes', counting: 'graphemes', byteLimit: 3000, linksClickable: true, noun: 'post' },
    title: null,
    // Bluesky turns an uploaded GIF into a video.
    media: { required: false, maxImages: 4, maxVideos: 1, mixed: false, gif: 'video', summary: 'Up to 4 images, or 1 video.' },
    threads: true,
  }),
  mastodon: freezeRules({
    platform: 'mastodon',
    // 500 is the default; each server sets its own (ValidateOptions.maxCharacters).
    text: { limit: 500, unit: 'graphemes', counting: 'mastodon', linksClickable: true, noun: 'post' },
    title: null,
    // Mastodon stores a GIF as a looping video (gifv).
    media: { required: false, maxImages: 4, maxVideos: 1, mixed: false, gif: 'video', summary: 'Up to 4 images, or 1 video.' },
    threads: true,
  }),
});

export function rulesFor(platform: Platform): Readonly<PlatformRules> {
  return PLATFORM_RULES[platform];
}
