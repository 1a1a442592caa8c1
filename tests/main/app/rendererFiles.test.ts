import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  contentTypeFor,
  isSpaRoute,
  resolveRendererFile,
  responseHeaders,
} from '../../../src/main/app/rendererFiles';

const root = '/opt/chorus/out/renderer';

describe('resolveRendererFile', () => {
  it('maps app URLs onto files under the root', () => {
    expect(resolveRendererFile(root, 'app://chorus/index.html')).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://chorus/assets/index-abc.js')).toBe(join(root, 'assets/index-abc.js'));
    expect(resolveRendererFile(root, 'app://chorus/assets/a%20b.png?v=1#x')).toBe(join(root, 'assets/a b.png'));
  });

  it('serves index.html for the root and for folders', () => {
    expect(resolveRendererFile(root, 'app://chorus/')).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://chorus')).toBe(join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://chorus/assets/')).toBe(join(root, 'assets/index.html'));
  });

  it('keeps dot segments the URL parser folded inside the root', () => {
    expect(resolveRendererFile(root, 'app://chorus/../../etc/passwd')).toBe(join(root, 'etc/passwd'));
    expect(resolveRendererFile(root, 'app://chorus/%2e%2e/%2e%2e/etc/passwd')).toBe(join(root, 'etc/passwd'));
  });

  it.each([
    ['encoded slashes around dot segments', 'app://chorus/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd'],
    ['dot segments with encoded slashes', 'app://chorus/..%2f..%2f..%2fetc/passwd'],
    ['encoded backslashes', 'app://chorus/..%5c..%5cwindows/win.ini'],
    ['a NUL byte', 'app://chorus/index.html%00.png'],
    ['broken percent-encoding', 'app://chorus/%E0%A4%A'],
  ])('refuses %s', (_label, url) => {
    expect(resolveRendererFile(root, url)).toBeNull();
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveRendererFile(root, 'app://evil/index.html')).toBeNull();
    expect(resolveRendererFile(root, 'file:///opt/chorus/out/renderer/index.html')).toBeNull();
    expect(resolveRendererFile(root, 'https://chorus/index.html')).toBeNull();
    expect(resolveRendererFile(root, 'garbage')).toBeNull();
  });

  it('insists on an absolute root', () => {
    expect(() => resolveRendererFile('out/renderer', 'app://chorus/')).toThrow(/absolute/);
  });
});

describe('response headers', () => {
  it('sends a strict CSP with every file', () => {
    const headers = responseHeaders('/x/index.html');
    expect(headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)|https?:|\*/);
  });

  it('types module scripts as JavaScript, which Chromium requires', () => {
    expect(contentTypeFor('/a/index-abc.js')).toMatch(/^text\/javascript/);
    expect(contentTypeFor('/a/index.HTML')).toMatch(/^text\/html/);
    expect(contentTypeFor('/a/style.css')).toMatch(/^text\/css/);
    expect(contentTypeFor('/a/pglite.wasm')).toBe('application/wasm');
    expect(contentTypeFor('/a/unknown.xyz')).toBe('application/octet-stream');
  });

  it('treats extension-less paths as client-side routes', () => {
    expect(isSpaRoute('/r/calendar')).toBe(true);
    expect(isSpaRoute('/r/assets/missing.js')).toBe(false);
  });
});
