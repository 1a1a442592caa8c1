// Splits a long text into a thread whose every part fits the platform, breaking
// at sentences, then words, and only inside a word that alone is too long.
import { z } from 'zod';
import { splitGraphemes } from './length';
import { PLATFORMS, PLATFORM_LABELS, type Platform } from './names';
import { rulesFor } from './rules';
import { ValidateOptions, textFits } from './validate';

export const SplitOptions = ValidateOptions.extend({
  /** Append " 1/3", " 2/3"… to each part (counted in its length). Default true. */
  numbering: z.boolean().optional(),
});
export type SplitOptions = z.infer<typeof SplitOptions>;

/** The text cannot become a valid thread on this platform. */
export class ThreadSplitError extends Error {
  override readonly name = 'ThreadSplitError';
  constructor(
    readonly code: 'thread_not_supported' | 'limit_too_small',
    message: string,
  ) {
    super(message);
  }
}

let sentenceSegmenter: Intl.Segmenter | undefined;
function sentences(text: string): string[] {
  sentenceSegmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' });
  return Array.from(sentenceSegmenter.segment(text), (s) => s.segment);
}

/** Words with the whitespace that follows each, so joining them gives the text back. */
function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/gu) ?? [];
}

/**
 * Packs `text` into parts (without their suffixes), each of which `fits` once
 * `suffix(i)` is appended.
 * Greedy: a part takes whole sentences while they fit; a sentence too long for
 * a part of its own is spread word by word; a word too long for a part of its
 * own is cut between graphemes.
 */
function pack(text: string, fits: (candidate: string) => boolean, suffix: (index: number) => string, label: string): string[] {
  const parts: string[] = [];
  let current = '';
  const fitsHere = (candidate: string) => fits(candidate.trimEnd() + suffix(parts.length + 1));
  const flush = () => {
    if (current.trim() !== '') parts.push(current.trimEnd());
    current = '';
  };
  const cutWord = (word: string) => {
    let rest = splitGraphemes(word);
    while (rest.length > 0) {
      // The longest prefix of the rest that still fits in the current part.
      let lo = 0;
      let hi = rest.length;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (fitsHere(current + rest.slice(0, mid).join(''))) lo = mid;
        else hi = mid - 1;
      }
      if (lo === 0) {
        if (current === '') throw new ThreadSplitError('limit_too_small', `${label}’s limit leaves no room for text in a thread part.`);
        flush();
        continue;
      }
      current += rest.slice(0, lo).join('');
      rest = rest.slice(lo);
      if (rest.length > 0) flush();
    }
  };
  const add = (piece: string, smaller: ((piece: string) => void) | null) => {
    if (fitsHere(current + piece)) {
      current += piece;
    } else if (current !== '' && fitsHere(piece)) {
      flush();
      current = piece;
    } else if (smaller) {
      smaller(piece);
    } else {
      cutWord(piece);
    }
  };
  for (const sentence of sentences(text)) add(sentence, (s) => words(s).forEach((word) => add(word, null)));
  flush();
  return parts;
}

/**
 * Splits `text` into the posts of a thread for `platform`. Each part is measured
 * as the platform measures it, numbering included, so every part validates.
 * Text that fits in one post comes back as one part without numbering.
 * Throws ThreadSplitError for a platform without threads when the text is too long.
 */
export function splitThread(platform: Platform, text: string, options: SplitOptions = {}): string[] {
  const parsed = SplitOptions.parse(options);
  platform = z.enum(PLATFORMS).parse(platform);
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const fits = (candidate: string) => textFits(platform, candidate, parsed);
  if (fits(trimmed)) return [trimmed];
  const label = PLATFORM_LABELS[platform];
  if (!rulesFor(platform).threads) {
    throw new ThreadSplitError('thread_not_supported', `${label} has no threads, and this text is too long for one post.`);
  }
  if (parsed.numbering === false) return pack(trimmed, fits, () => '', label);
  // The numbering's width depends on the number of parts: pack for a guessed
  // total, and grow the guess until the parts, numbered with their real total,
  // fit. Packing for a wider total leaves room for a narrower one.
  let guess = 2;
  for (let attempt = 0; attempt < 20; attempt++) {
    const total = guess;
    const bodies = pack(trimmed, fits, (i) => ` ${i}/${total}`, label);
    if (bodies.length <= total) {
      const parts = bodies.map((body, i) => `${body} ${i + 1}/${bodies.length}`);
      if (parts.every(fits)) return parts;
      guess = total + 1;
    } else {
      guess = bodies.length;
    }
  }
  throw new ThreadSplitError('limit_too_small', `Could not number the parts of this ${label} thread so that each fits.`);
}
