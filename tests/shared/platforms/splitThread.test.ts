import { describe, expect, it } from 'vitest';
import {
  ThreadSplitError,
  countGraphemes,
  splitGraphemes,
  splitThread,
  validate,
  type Platform,
  type SplitOptions,
} from '../../../src/shared/platforms';

const NUMBERING = / (\d+)\/(\d+)$/;

/** Asserts each part validates and carries " i/N" with the right i and N; returns the bodies. */
function checkParts(platform: Platform, parts: string[], options: SplitOptions = {}): string[] {
  expect(parts.length).toBeGreaterThan(1);
  return parts.map((part, i) => {
    const result = validate(platform, { text: part }, options);
    expect(result.problems, `part ${i + 1}: ${part}`).toEqual([]);
    const match = NUMBERING.exec(part);
    expect(match, part).not.toBeNull();
    expect([Number(match![1]), Number(match![2])]).toEqual([i + 1, parts.length]);
    return part.slice(0, match!.index);
  });
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

const sentences = Array.from(
  { length: 30 },
  (_, i) => `Sentence ${i + 1} tells part of a longer story about our new roastery and the people behind it.`,
);
const story = sentences.join(' ');

describe('splitThread', () => {
  it('returns short text as one part without numbering', () => {
    expect(splitThread('x', '  Short and sweet.  ')).toEqual(['Short and sweet.']);
    expect(splitThread('x', '   ')).toEqual([]);
  });

  it('splits at sentence boundaries on X, numbering included in the length', () => {
    const parts = splitThread('x', story);
    const bodies = checkParts('x', parts);
    for (const body of bodies) expect(body).toMatch(/it\.$/);
    expect(collapse(bodies.join(' '))).toBe(collapse(story));
    // Greedy: a part is full enough that the next sentence would not have fit.
    expect(validate('x', { text: `${bodies[0]} ${sentences[bodies[0]!.split('. ').length]} 1/${parts.length}` }).ok).toBe(false);
  });

  it('splits at sentence boundaries on Bluesky and Mastodon too', () => {
    for (const platform of ['bluesky', 'mastodon'] as const) {
      const bodies = checkParts(platform, splitThread(platform, story));
      expect(collapse(bodies.join(' '))).toBe(collapse(story));
      for (const body of bodies) expect(body).toMatch(/\.$/);
    }
  });

  it('falls back to word boundaries for a sentence longer than a post', () => {
    const longSentence = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const bodies = checkParts('x', splitThread('x', longSentence));
    expect(bodies.join(' ')).toBe(longSentence);
    for (const body of bodies) expect(longSentence.split(' ')).toEqual(expect.arrayContaining(body.split(' ')));
  });

  it('hard-splits a single word longer than a post, and re-joins to it', () => {
    const word = 'a'.repeat(700);
    const bodies = checkParts('x', splitThread('x', word));
    expect(bodies.join('')).toBe(word);
  });

  it('never cuts inside a grapheme when hard-splitting, and respects Bluesky’s byte limit', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}';
    const text = family.repeat(400); // 400 graphemes, 10,000 bytes
    const bodies = checkParts('bluesky', splitThread('bluesky', text));
    expect(bodies.join('')).toBe(text);
    for (const body of bodies) expect(new Set(splitGraphemes(body))).toEqual(new Set([family]));
    expect(bodies.reduce((sum, body) => sum + countGraphemes(body), 0)).toBe(400);
  });

  it('keeps URLs whole and counts them as the platform does', () => {
    const text = Array.from({ length: 40 }, (_, i) => `Link ${i}: https://example.com/articles/${i}/${'long-slug-'.repeat(8)}`).join(' ');
    for (const platform of ['x', 'mastodon'] as const) {
      const bodies = checkParts(platform, splitThread(platform, text));
      // Joining with single spaces gives the text back, so no URL was cut.
      expect(bodies.join(' ')).toBe(text);
    }
  });

  it('splits CJK text, where X counts each character as 2', () => {
    const text = '私たちの新しい焙煎所を紹介します。'.repeat(30);
    const bodies = checkParts('x', splitThread('x', text));
    expect(bodies.join('')).toBe(text);
    for (const body of bodies) expect(body).toMatch(/。$/);
  });

  it('follows a Mastodon server’s own limit', () => {
    const text = story.slice(0, 900).trim();
    expect(splitThread('mastodon', text, { maxCharacters: 1000 })).toEqual([text]);
    checkParts('mastodon', splitThread('mastodon', text, { maxCharacters: 200 }), { maxCharacters: 200 });
  });

  it('numbers consistently when the count reaches two digits', () => {
    const long = Array.from({ length: 140 }, (_, i) => `Fact ${i} is worth a sentence of its own here.`).join(' ');
    const parts = splitThread('x', long);
    expect(parts.length).toBeGreaterThanOrEqual(10);
    const bodies = checkParts('x', parts);
    expect(collapse(bodies.join(' '))).toBe(collapse(long));
  });

  it('can leave numbering out', () => {
    const parts = splitThread('x', story, { numbering: false });
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part).not.toMatch(NUMBERING);
      expect(validate('x', { text: part }).ok).toBe(true);
    }
    expect(collapse(parts.join(' '))).toBe(collapse(story));
  });

  it('refuses to split for a platform without threads', () => {
    expect(splitThread('linkedin', 'Fits in one post.')).toEqual(['Fits in one post.']);
    const error = (() => {
      try {
        splitThread('linkedin', 'a '.repeat(2000));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ThreadSplitError);
    expect((error as ThreadSplitError).code).toBe('thread_not_supported');
  });

  it('the parts pass as one thread draft', () => {
    const [first, ...rest] = splitThread('bluesky', story);
    expect(validate('bluesky', { text: first!, thread: rest })).toMatchObject({ ok: true, problems: [] });
  });
});
