// Measuring text the way each platform does. Pure: Intl and twitter-text only.
import twitterText from 'twitter-text';
import type { Platform } from './names';
import { rulesFor, type LengthUnit, type TextCounting } from './rules';

// twitter-text is CommonJS with a default export only; its named exports do not
// survive Node's ESM interop, so every call goes through the default object.
const { parseTweet, extractUrlsWithIndices } = twitterText;

let graphemeSegmenter: Intl.Segmenter | undefined;
function graphemes(): Intl.Segmenter {
  graphemeSegmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return graphemeSegmenter;
}

/** User-perceived characters: a family emoji, a flag or `e` + U+0301 are one each. */
export function countGraphemes(text: string): number {
  let count = 0;
  for (const _ of graphemes().segment(text)) count++;
  return count;
}

export function splitGraphemes(text: string): string[] {
  return Array.from(graphemes().segment(text), (s) => s.segment);
}

export function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export function countUtf16(text: string): number {
  return text.length;
}

const encoder = new TextEncoder();
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** X's weighted length (twitter-text parseTweet): URLs 23, emoji and CJK 2, most Latin 1. */
export function xWeightedLength(text: string): number {
  return parseTweet(text).weightedLength;
}

// Mastodon's Account::MENTION_RE: `@user@domain` is counted as `@user`.
const MASTODON_MENTION = /(?<![=/\p{L}\p{M}\p{N}\p{Pc}])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\p{L}\p{M}\p{N}\p{Pc}]+(?:[.-]+[\p{L}\p{M}\p{N}\p{Pc}]+)*)?/giu;

/**
 * The text a Mastodon server measures (StatusLengthValidator): every URL with a
 * protocol becomes `urlLength` placeholder characters, and a remote mention keeps
 * only its local part. Overlaps are resolved as the server does: the entity that
 * starts first wins.
 */
export function mastodonCountableText(text: string, urlLength = 23): string {
  type Entity = { start: number; end: number; replacement: string };
  const entities: Entity[] = extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false }).map((u) => ({
    start: u.indices[0],
    end: u.indices[1],
    replacement: 'x'.repeat(urlLength),
  }));
  for (const m of text.matchAll(MASTODON_MENTION)) {
    entities.push({ start: m.index, end: m.index + m[0].length, replacement: `@${m[1]}` });
  }
  entities.sort((a, b) => a.start - b.start);
  let result = '';
  let cursor = 0;
  for (const entity of entities) {
    if (entity.start < cursor) continue;
    result += text.slice(cursor, entity.start) + entity.replacement;
    cursor = entity.end;
  }
  return result + text.slice(cursor);
}

export interface MeasureOptions {
  /** X: a Premium account (25,000 instead of 280). */
  premium?: boolean;
  /** Mastodon: the server's `configuration.statuses.max_characters`. */
  maxCharacters?: number;
  /** Mastodon: the server's `configuration.statuses.characters_reserved_per_url`. */
  charactersReservedPerUrl?: number;
}

export interface Measurement {
  length: number;
  limit: number;
  unit: LengthUnit;
  /** Present where the platform also caps UTF-8 bytes. */
  bytes?: number;
  byteLimit?: number;
}

const X_PREMIUM_LIMIT = 25_000;

function countBy(counting: TextCounting, text: string, options: MeasureOptions): number {
  switch (counting) {
    case 'twitter':
      return xWeightedLength(text);
    case 'graphemes':
      return countGraphemes(text);
    case 'mastodon':
      return countGraphemes(mastodonCountableText(text, options.charactersReservedPerUrl ?? 23));
    case 'codePoints':
      return countCodePoints(text);
    case 'utf16':
      return countUtf16(text);
  }
}

/** The length of a post's text in the platform's own unit, and the limit that applies. */
export function measureText(platform: Platform, text: string, options: MeasureOptions = {}): Measurement {
  const rules = rulesFor(platform).text;
  let limit = rules.limit;
  if (platform === 'x' && options.premium) limit = X_PREMIUM_LIMIT;
  if (platform === 'mastodon' && options.maxCharacters !== undefined) limit = options.maxCharacters;
  const measurement: Measurement = { length: countBy(rules.counting, text, options), limit, unit: rules.unit };
  if (rules.byteLimit !== undefined) {
    measurement.bytes = utf8Bytes(text);
    measurement.byteLimit = rules.byteLimit;
  }
  return measurement;
}

export function fits(measurement: Measurement): boolean {
  return (
    measurement.length <= measurement.limit &&
    (measurement.byteLimit === undefined || (measurement.bytes ?? 0) <= measurement.byteLimit)
  );
}
