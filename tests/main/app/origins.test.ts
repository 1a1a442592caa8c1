import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, isTrustedUrl, originOf, trustedOrigins } from '../../../src/main/app/origins';

describe('originOf', () => {
  it('builds scheme://host for the custom app scheme, where URL.origin is "null"', () => {
    expect(new URL(APP_ENTRY_URL).origin).toBe('null');
    expect(originOf(APP_ENTRY_URL)).toBe(APP_ORIGIN);
    expect(originOf('app://chorus/calendar?x=1#y')).toBe('app://chorus');
  });

  it('keeps the port', () => {
    expect(originOf('http://localhost:5173/src/index.html')).toBe('http://localhost:5173');
  });

  it('is null for URLs without a host and for garbage', () => {
    expect(originOf('about:blank')).toBeNull();
    expect(originOf('data:text/html,hi')).toBeNull();
    expect(originOf('file:///tmp/index.html')).toBeNull();
    expect(originOf('nonsense')).toBeNull();
    expect(originOf('')).toBeNull();
    expect(originOf(null)).toBeNull();
    expect(originOf(undefined)).toBeNull();
  });
});

describe('trustedOrigins', () => {
  it('trusts only the app scheme when packaged, even if a dev server URL is set', () => {
    expect(trustedOrigins('http://localhost:5173', true)).toEqual([APP_ORIGIN]);
  });

  it('adds the dev server origin in development', () => {
    expect(trustedOrigins('http://localhost:5173/', false)).toEqual([APP_ORIGIN, 'http://localhost:5173']);
    expect(trustedOrigins(undefined, false)).toEqual([APP_ORIGIN]);
  });
});

describe('isTrustedUrl', () => {
  const trusted = trustedOrigins('http://localhost:5173', false);

  it('accepts our pages', () => {
    expect(isTrustedUrl('app://chorus/index.html', trusted)).toBe(true);
    expect(isTrustedUrl('http://localhost:5173/', trusted)).toBe(true);
  });

  it('refuses look-alikes and everything else', () => {
    for (const url of [
      'app://evil/index.html',
      'app://chorus.evil/index.html',
      'other://chorus/index.html',
      'http://localhost:5174/',
      'https://localhost:5173/',
      'http://127.0.0.1:5173/',
      'https://x.com/',
      'about:blank',
      'file:///index.html',
      '',
    ]) {
      expect(isTrustedUrl(url, trusted), url).toBe(false);
    }
    expect(isTrustedUrl(null, trusted)).toBe(false);
  });
});
