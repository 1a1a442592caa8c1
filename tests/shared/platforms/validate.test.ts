import { describe, expect, it } from 'vitest';
import {
  PLATFORMS,
  PLATFORM_RULES,
  PROBLEM_CODES,
  ValidationResult,
  validate,
  type Draft,
  type Platform,
  type ProblemCode,
  type ValidateOptions,
} from '../../../src/shared/platforms';

const image = { kind: 'image' as const };
const video = { kind: 'video' as const };
const gif = { kind: 'gif' as const };

function codes(platform: Platform, draft: Draft, options?: ValidateOptions): ProblemCode[] {
  return validate(platform, draft, options).problems.map((p) => p.code);
}

/** One draft per problem code that produces it, and the message it must say. */
const cases: { code: ProblemCode; platform: Platform; draft: Draft; message: string | RegExp; field: string; severity?: 'warning' }[] = [
  { code: 'empty', platform: 'x', draft: { text: '   ' }, message: 'There is nothing to post: add text or media.', field: 'text' },
  { code: 'too_long', platform: 'x', draft: { text: 'a'.repeat(312) }, message: 'This post is 312 characters; X allows 280.', field: 'text' },
  {
    code: 'too_many_bytes',
    platform: 'youtube',
    draft: { text: '€'.repeat(2000), title: 'Euro', media: [video] },
    message: 'This description is 6,000 bytes in UTF-8; YouTube allows 5,000.',
    field: 'text',
  },
  {
    code: 'forbidden_characters',
    platform: 'youtube',
    draft: { text: 'Use <b>bold</b>', title: 'Tags', media: [video] },
    message: 'YouTube does not allow “<” or “>” in the description.',
    field: 'text',
  },
  {
    code: 'too_many_hashtags',
    platform: 'instagram',
    draft: { text: Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' '), media: [image] },
    message: 'This caption has 31 hashtags; Instagram allows 30.',
    field: 'text',
  },
  {
    code: 'too_many_mentions',
    platform: 'instagram',
    draft: { text: Array.from({ length: 21 }, (_, i) => `@user${i}`).join(' '), media: [image] },
    message: 'This caption mentions 21 accounts; Instagram allows 20.',
    field: 'text',
  },
  {
    code: 'link_not_clickable',
    platform: 'instagram',
    draft: { text: 'Shop at https://shop.example.com', media: [image] },
    message: 'Instagram shows links in a caption as plain text; people cannot click them.',
    field: 'text',
    severity: 'warning',
  },
  { code: 'media_required', platform: 'instagram', draft: { text: 'Hello' }, message: /^Instagram needs media/, field: 'media' },
  {
    code: 'too_many_media',
    platform: 'x',
    draft: { text: 'Photos', media: [image, image, image, image, image] },
    message: 'This post has 5 images; X allows 4.',
    field: 'media',
  },
  { code: 'mixed_media', platform: 'bluesky', draft: { text: 'Both', media: [image, video] }, message: /^Bluesky cannot mix images and videos/, field: 'media' },
  { code: 'unsupported_media', platform: 'instagram', draft: { text: 'Anim', media: [gif] }, message: 'Instagram does not take GIFs; convert it to a video.', field: 'media' },
  { code: 'title_required', platform: 'reddit', draft: { text: 'Body only' }, message: 'Reddit needs a title.', field: 'title' },
  {
    code: 'title_too_long',
    platform: 'youtube',
    draft: { text: '', title: 't'.repeat(101), media: [video] },
    message: 'The title is 101 characters; YouTube allows 100.',
    field: 'title',
  },
  {
    code: 'title_ignored',
    platform: 'x',
    draft: { text: 'Hi', title: 'A title' },
    message: 'X posts have no title; it will not be published.',
    field: 'title',
    severity: 'warning',
  },
  {
    code: 'thread_not_supported',
    platform: 'linkedin',
    draft: { text: 'One', thread: ['Two'] },
    message: 'LinkedIn has no threads; put everything in one post of up to 3,000 characters.',
    field: 'thread',
  },
];

describe('validate: every problem code', () => {
  it('has a case for each code', () => {
    expect(new Set(cases.map((c) => c.code))).toEqual(new Set(PROBLEM_CODES));
  });

  for (const c of cases) {
    it(`${c.code} on ${c.platform}`, () => {
      const result = validate(c.platform, c.draft);
      const problem = result.problems.find((p) => p.code === c.code);
      expect(problem, JSON.stringify(result.problems)).toBeDefined();
      expect(problem!.message).toMatch(c.message);
      expect(problem!.field).toBe(c.field);
      expect(problem!.severity).toBe(c.severity ?? 'error');
      // Warnings alone leave the draft publishable.
      expect(result.ok).toBe(result.problems.every((p) => p.severity === 'warning'));
      expect(ValidationResult.parse(result)).toEqual(result);
    });
  }
});

describe('validate: platform rules', () => {
  it('passes a plain post on every platform once its required parts are there', () => {
    const needs: Partial<Record<Platform, Draft>> = {
      instagram: { text: 'Hello', media: [image] },
      tiktok: { text: 'Hello', media: [video] },
      youtube: { text: 'Hello', title: 'Hello', media: [video] },
      reddit: { text: 'Hello', title: 'Hello' },
    };
    for (const platform of PLATFORMS) {
      const result = validate(platform, needs[platform] ?? { text: 'Hello' });
      expect(result, platform).toMatchObject({ platform, ok: true, problems: [], length: 5 });
      expect(result.limit).toBe(PLATFORM_RULES[platform].text.limit);
    }
  });

  it('uses each platform’s text limit', () => {
    const limits: Record<Platform, number> = {
      x: 280,
      linkedin: 3000,
      instagram: 2200,
      facebook: 63206,
      tiktok: 2200,
      youtube: 5000,
      reddit: 40000,
      bluesky: 300,
      mastodon: 500,
    };
    for (const platform of PLATFORMS) {
      const limit = limits[platform];
      const base = { media: platform === 'tiktok' || platform === 'youtube' ? [video] : platform === 'instagram' ? [image] : [], title: 'T' };
      expect(codes(platform, { ...base, text: 'a'.repeat(limit) }), platform).not.toContain('too_long');
      expect(codes(platform, { ...base, text: 'a'.repeat(limit + 1) }), platform).toContain('too_long');
    }
  });

  it('media rules: Instagram needs media, YouTube exactly one video, TikTok video or photos, LinkedIn one video or images', () => {
    expect(codes('instagram', { text: '', media: [video] })).toEqual([]);
    expect(codes('instagram', { text: '', media: [image, video, image] })).toEqual([]); // carousels mix
    expect(codes('instagram', { text: '', media: Array.from({ length: 11 }, () => image) })).toEqual(['too_many_media']);

    expect(codes('youtube', { text: '', title: 'T' })).toEqual(['media_required']);
    expect(codes('youtube', { text: '', title: 'T', media: [video, video] })).toEqual(['too_many_media']);
    expect(codes('youtube', { text: '', title: 'T', media: [image] })).toEqual(['unsupported_media']);

    expect(codes('tiktok', { text: 'x', media: [image, image, image] })).toEqual([]);
    expect(codes('tiktok', { text: 'x', media: [image, video] })).toEqual(['mixed_media']);
    expect(codes('tiktok', { text: 'x' })).toEqual(['media_required']);

    expect(codes('linkedin', { text: 'x', media: [video] })).toEqual([]);
    expect(codes('linkedin', { text: 'x', media: [image, image] })).toEqual([]);
    expect(codes('linkedin', { text: 'x', media: [video, video] })).toEqual(['too_many_media']);
    expect(codes('linkedin', { text: 'x', media: [image, video] })).toEqual(['mixed_media']);

    // X, Bluesky and Mastodon treat a GIF as a video: one per post, not beside images.
    expect(codes('x', { text: 'x', media: [gif] })).toEqual([]);
    expect(codes('x', { text: 'x', media: [gif, image] })).toEqual(['mixed_media']);
    expect(codes('mastodon', { text: 'x', media: [video, gif] })).toEqual(['too_many_media']);

    expect(codes('reddit', { text: '', title: 'T', media: [video] })).toEqual(['unsupported_media']);
  });

  it('a post with media and no text is not empty', () => {
    expect(codes('x', { text: '', media: [image] })).toEqual([]);
    expect(codes('reddit', { text: '', title: 'Just a title' })).toEqual([]);
  });

  it('YouTube titles may not hold angle brackets', () => {
    const result = validate('youtube', { text: 'ok', title: 'a <b> c', media: [video] });
    expect(result.problems).toEqual([
      { code: 'forbidden_characters', message: 'YouTube does not allow “<” or “>” in the title.', severity: 'error', field: 'title' },
    ]);
    expect(result.title).toEqual({ length: 7, limit: 100 });
  });

  it('Reddit title limit is 300', () => {
    expect(codes('reddit', { text: '', title: 't'.repeat(300) })).toEqual([]);
    expect(codes('reddit', { text: '', title: 't'.repeat(301) })).toEqual(['title_too_long']);
  });

  it('X refuses text with invalid characters', () => {
    expect(codes('x', { text: 'bad \uFFFE char' })).toEqual(['forbidden_characters']);
  });

  it('Instagram counts up to 30 hashtags and 20 mentions as fine', () => {
    const text = `${Array.from({ length: 30 }, (_, i) => `#t${i}`).join(' ')} ${Array.from({ length: 20 }, (_, i) => `@u${i}`).join(' ')}`;
    expect(codes('instagram', { text, media: [image] })).toEqual([]);
  });

  it('checks each thread part on platforms with threads, and names the part', () => {
    const result = validate('x', { text: 'First', thread: ['Second', 'b'.repeat(300), ' '] });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { code: 'too_long', message: 'Part 3 of the thread is 300 characters; X allows 280.', severity: 'error', field: 'thread.1' },
      { code: 'empty', message: 'Part 4 of the thread is empty.', severity: 'error', field: 'thread.2' },
    ]);
    expect(validate('bluesky', { text: 'First', thread: ['Second'] }).ok).toBe(true);
    expect(validate('mastodon', { text: 'First', thread: ['Second'] }).ok).toBe(true);
    for (const platform of ['linkedin', 'instagram', 'facebook', 'tiktok', 'youtube', 'reddit'] as const) {
      expect(PLATFORM_RULES[platform].threads, platform).toBe(false);
    }
  });

  it('rejects malformed input with a zod error, not a guess', () => {
    expect(() => validate('x', { text: 42 } as unknown as Draft)).toThrow();
    expect(() => validate('myspace' as Platform, { text: 'hi' })).toThrow();
    expect(() => validate('x', { text: 'hi', media: [{ kind: 'audio' }] } as unknown as Draft)).toThrow();
    expect(() => validate('mastodon', { text: 'hi' }, { maxCharacters: 0 })).toThrow();
  });

  it('the rule table is frozen', () => {
    expect(Object.isFrozen(PLATFORM_RULES)).toBe(true);
    expect(Object.isFrozen(PLATFORM_RULES.x.text)).toBe(true);
    expect(Object.isFrozen(PLATFORM_RULES.youtube.title)).toBe(true);
  });
});
