import { describe, expect, it } from 'vitest';
import { countHashtags, countMentions, extractHashtags, normalizeHashtag } from '../../../src/shared/platforms';

describe('normalizeHashtag', () => {
  it('strips # and everything but Unicode letters, digits and underscores', () => {
    expect(normalizeHashtag('#Summer_Sale!')).toBe('Summer_Sale');
    expect(normalizeHashtag('##café-bar 2025')).toBe('cafébar2025');
    expect(normalizeHashtag('＃東京')).toBe('東京');
    expect(normalizeHashtag('#cafe\u0301')).toBe('café'); // NFC: one code point
    expect(normalizeHashtag('#!!!')).toBe('');
  });
});

describe('extractHashtags', () => {
  it('finds tags in any script and dedupes case-insensitively, keeping the first spelling', () => {
    expect(extractHashtags('#Coffee lovers: #coffee #COFFEE #CaféDuMonde #東京 #मुंबई #под_москвой')).toEqual([
      'Coffee',
      'CaféDuMonde',
      '東京',
      'मुंबई',
      'под_москвой',
    ]);
  });

  it('ignores numbers, C#, a#b and URL fragments', () => {
    expect(extractHashtags('#1 in C# and a#b at https://example.com/#top or /page#x')).toEqual([]);
  });

  it('stops a tag at punctuation', () => {
    expect(extractHashtags('Love it! #launch, #day2.')).toEqual(['launch', 'day2']);
  });
});

describe('counting for limits', () => {
  it('counts every hashtag occurrence, repeats included', () => {
    expect(countHashtags('#a #A #b')).toBe(3);
  });

  it('counts mentions but not email addresses', () => {
    expect(countMentions('@alice and @bob.smith, mail carol@example.com')).toBe(2);
  });
});
