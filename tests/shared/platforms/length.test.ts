import twitterText from 'twitter-text';
import { describe, expect, it } from 'vitest';
import {
  countCodePoints,
  countGraphemes,
  mastodonCountableText,
  measureText,
  utf8Bytes,
  validate,
} from '../../../src/shared/platforms';

const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'; // 👨‍👩‍👧‍👦, 7 code points
const FLAG_FR = '\u{1F1EB}\u{1F1F7}'; // 🇫🇷, 2 regional indicators
const THUMBS_DARK = '\u{1F44D}\u{1F3FF}'; // 👍🏿, emoji + skin tone
const E_ACUTE_COMBINING = 'e\u0301'; // é as e + combining acute

describe('X weighted length', () => {
  const samples: [string, string, number][] = [
    ['plain ASCII', 'Hello, world', 12],
    ['a URL counts 23 however long', `Read https://example.com/${'a'.repeat(80)} now`, 5 + 23 + 4],
    ['a URL without protocol counts 23', 'see example.com', 4 + 23],
    ['two URLs', 'https://a.co https://b.example.org/x', 23 + 1 + 23],
    ['a simple emoji counts 2', '\u{1F600}', 2],
    ['a ZWJ family counts 2', FAMILY, 2],
    ['a flag counts 2', FLAG_FR, 2],
    ['a skin-toned emoji counts 2', THUMBS_DARK, 2],
    ['CJK counts 2 each', '日本語のテキスト', 16],
    ['Korean counts 2 each', '안녕하세요', 10],
    ['combining marks are normalized first', `caf${E_ACUTE_COMBINING}`, 4],
    ['mixed text', `Launch day ${FLAG_FR}! 新商品 https://shop.example.com/new ${FAMILY}`, 11 + 2 + 2 + 6 + 1 + 23 + 1 + 2],
  ];
  for (const [name, text, expected] of samples) {
    it(`${name}: agrees with twitter-text parseTweet`, () => {
      const ours = validate('x', { text });
      expect(ours.unit).toBe('weighted');
      expect(ours.length).toBe(twitterText.parseTweet(text).weightedLength);
      expect(ours.length).toBe(expected);
    });
  }

  it('allows 280, or 25,000 for Premium accounts', () => {
    const text = 'a'.repeat(281);
    expect(validate('x', { text: 'a'.repeat(280) }).ok).toBe(true);
    expect(validate('x', { text })).toMatchObject({ ok: false, limit: 280, length: 281 });
    expect(validate('x', { text }, { premium: true })).toMatchObject({ ok: true, limit: 25_000 });
    const cjk = '字'.repeat(141); // 282 weighted
    expect(validate('x', { text: cjk })).toMatchObject({ ok: false, length: 282 });
  });
});

describe('Bluesky graphemes and bytes', () => {
  const samples: [string, string, number, number][] = [
    ['ASCII', 'hello', 5, 5],
    ['a combining accent is one grapheme', E_ACUTE_COMBINING, 1, 3],
    ['a ZWJ family is one grapheme', FAMILY, 1, 25],
    ['a flag is one grapheme', FLAG_FR, 1, 8],
    ['a skin-toned emoji is one grapheme', THUMBS_DARK, 1, 8],
    ['Latin letters with precomposed accents', 'ñandú', 5, 7],
    ['mixed', `Hi ${FAMILY}${FLAG_FR} caf${E_ACUTE_COMBINING}!`, 11, 3 + 25 + 8 + 1 + 3 + 3 + 1],
  ];
  for (const [name, text, graphemes, bytes] of samples) {
    it(`${name}: ${graphemes} grapheme(s), ${bytes} byte(s)`, () => {
      const result = validate('bluesky', { text });
      expect(result).toMatchObject({ unit: 'graphemes', length: graphemes, bytes, limit: 300, byteLimit: 3000 });
      expect(countGraphemes(text)).toBe(graphemes);
      expect(utf8Bytes(text)).toBe(bytes);
    });
  }

  it('300 family emoji fit the grapheme limit but not the 3,000-byte limit', () => {
    const result = validate('bluesky', { text: FAMILY.repeat(300) });
    expect(result.length).toBe(300);
    expect(result.bytes).toBe(7500);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual(['too_many_bytes']);
  });

  it('301 graphemes are too long', () => {
    expect(validate('bluesky', { text: 'é'.repeat(300) }).ok).toBe(true);
    expect(validate('bluesky', { text: 'é'.repeat(301) }).problems.map((p) => p.code)).toEqual(['too_long']);
  });
});

describe('Mastodon length', () => {
  it('counts every URL with a protocol as 23, however long', () => {
    const url = `https://example.com/${'path/'.repeat(30)}`;
    expect(measureText('mastodon', `Look ${url}`).length).toBe(5 + 23);
    expect(measureText('mastodon', 'http://a.io').length).toBe(23);
  });

  it('counts a bare domain as text, as the server does', () => {
    expect(measureText('mastodon', 'example.com').length).toBe(11);
  });

  it('follows the server’s charactersReservedPerUrl', () => {
    expect(measureText('mastodon', 'https://example.com/abc', { charactersReservedPerUrl: 10 }).length).toBe(10);
  });

  it('counts only the local part of a remote mention', () => {
    expect(mastodonCountableText('hi @alice@mastodon.social and @bob')).toBe('hi @alice and @bob');
    expect(measureText('mastodon', 'hi @alice@mastodon.social').length).toBe(9);
  });

  it('leaves email addresses and mentions inside URLs alone', () => {
    expect(mastodonCountableText('mail me@example.com')).toBe('mail me@example.com');
    expect(mastodonCountableText('https://mastodon.social/@alice@other.example')).toBe('x'.repeat(23));
  });

  it('counts emoji sequences as one, like the server’s grapheme count', () => {
    expect(measureText('mastodon', `${FAMILY}${FLAG_FR}${E_ACUTE_COMBINING}`).length).toBe(3);
  });

  it('uses the server’s own limit when given', () => {
    const text = 'a'.repeat(600);
    expect(validate('mastodon', { text })).toMatchObject({ ok: false, limit: 500 });
    expect(validate('mastodon', { text }, { maxCharacters: 1000 })).toMatchObject({ ok: true, limit: 1000 });
    expect(validate('mastodon', { text }, { maxCharacters: 550 }).problems[0]!.message).toBe(
      'This post is 600 characters; this Mastodon server allows 550.',
    );
  });
});

describe('character-counted platforms', () => {
  it('count code points, except TikTok which documents UTF-16 units', () => {
    const text = `${FAMILY} ok`;
    expect(countCodePoints(text)).toBe(10);
    expect(measureText('linkedin', text)).toMatchObject({ length: 10, unit: 'characters', limit: 3000 });
    expect(measureText('tiktok', text)).toMatchObject({ length: 14, unit: 'characters', limit: 2200 });
  });
});
