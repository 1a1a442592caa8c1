// Hashtags and mentions, as the networks recognise them in text.

const TAG_CHAR = String.raw`\p{L}\p{M}\p{N}_`;
// A hashtag starts after a non-word character (so `C#`, `a#b` and URL fragments
// like `/page#top` are not tags) and runs over letters, marks, digits and `_`.
const HASHTAG = new RegExp(String.raw`(?<![${TAG_CHAR}&/])[#＃]([${TAG_CHAR}]+)`, 'gu');
const NOT_TAG_CHAR = new RegExp(String.raw`[^${TAG_CHAR}]`, 'gu');
const ALL_DIGITS = /^\p{N}+$/u;
// Instagram-style handles: letters, digits, `_` and inner dots; not the middle of an email address.
const MENTION = /(?<![\p{L}\p{M}\p{N}_.@])@([A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?)/gu;

/** `#Café_2025!` → `Café_2025`: no leading `#`, only Unicode letters, digits and underscores. */
export function normalizeHashtag(tag: string): string {
  return tag.normalize('NFC').replace(/^[#＃]+/u, '').replace(NOT_TAG_CHAR, '');
}

/** Every hashtag occurrence in `text`, in order, without `#` (duplicates kept). */
function hashtagOccurrences(text: string): string[] {
  const tags: string[] = [];
  for (const match of text.normalize('NFC').matchAll(HASHTAG)) {
    // `#1` is a number, not a tag, on every network.
    if (!ALL_DIGITS.test(match[1]!)) tags.push(match[1]!);
  }
  return tags;
}

/** The hashtags in `text`, without `#`, each once (case-insensitively), first spelling kept. */
export function extractHashtags(text: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const tag of hashtagOccurrences(text)) {
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
  }
  return tags;
}

/**
 * How many hashtags `text` holds, repeats included: the limit checks count every
 * occurrence, which can only be stricter than the platform.
 */
export function countHashtags(text: string): number {
  return hashtagOccurrences(text).length;
}

/** How many @mentions `text` holds, repeats included. */
export function countMentions(text: string): number {
  let count = 0;
  for (const _ of text.matchAll(MENTION)) count++;
  return count;
}
