import { describe, expect, it } from 'vitest';
import { EXTERNAL_LINK_HOSTS, isAllowedExternalUrl } from '../../../src/main/app/externalLinks';

describe('isAllowedExternalUrl', () => {
  it.each([
    'https://x.com/chorus/status/1',
    'https://www.linkedin.com/company/chorus',
    'https://help.x.com/en',
    'https://bsky.app/profile/chorus.bsky.social',
    'https://ollama.com/library/llama3.2',
    'https://github.com/chorus-app/chorus/issues',
    'https://X.COM/upper-case-host',
    'https://x.com./trailing-dot',
  ])('opens %s in the browser', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(true);
  });

  it.each([
    ['plain http', 'http://x.com/'],
    ['a host that only ends with an allowed name', 'https://evilx.com/'],
    ['an allowed name used as a subdomain of another host', 'https://x.com.evil.example/'],
    ['credentials in the URL', 'https://user:pass@x.com/'],
    ['a user name that looks like the host', 'https://x.com@evil.example/'],
    ['a non-default port', 'https://x.com:8443/'],
    ['a host not on the list', 'https://example.com/'],
    ['file URLs', 'file:///etc/passwd'],
    ['javascript URLs', 'javascript:alert(1)'],
    ['data URLs', 'data:text/html,<script>alert(1)</script>'],
    ['the app scheme', 'app://chorus/index.html'],
    ['custom schemes', 'ms-settings:privacy'],
    ['garbage', 'not a url'],
    ['an empty string', ''],
  ])('refuses %s', (_label, url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });

  it('takes a custom list', () => {
    expect(isAllowedExternalUrl('https://docs.example.org/a', ['example.org'])).toBe(true);
    expect(isAllowedExternalUrl('https://x.com/', ['example.org'])).toBe(false);
  });

  it('lists bare lower-case host names only', () => {
    for (const host of EXTERNAL_LINK_HOSTS) expect(host).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  });
});
