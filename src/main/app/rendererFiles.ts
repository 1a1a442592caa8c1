// Pure (no `electron` import): how `app://chorus/<path>` maps onto files in
// out/renderer, and the headers those files are served with.
import { extname, isAbsolute, join, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY, contentTypeFor } from '../../shared/rendererPolicy';
import { APP_HOST, APP_SCHEME } from './origins';

export { CONTENT_SECURITY_POLICY, contentTypeFor };

/** Headers for every response from the app scheme. */
export function responseHeaders(file: string): Record<string, string> {
  return {
    'Content-Type': contentTypeFor(file),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

/**
 * The file under `root` that an app-scheme URL names, or null when the URL is
 * not ours or would leave `root` (`..`, encoded slashes or backslashes, NUL bytes).
 * `/` means `/index.html`.
 */
export function resolveRendererFile(root: string, requestUrl: string): string | null {
  if (!isAbsolute(root)) throw new Error(`renderer root must be absolute: ${root}`);
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;

  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  // The URL parser has already folded `.`/`..` segments; anything that decodes into
  // a separator or a NUL was smuggled in and is refused rather than interpreted.
  if (path.includes('\0') || path.includes('\\') || /(^|\/)\.\.?(\/|$)/.test(path)) return null;
  if (path === '' || path.endsWith('/')) path += 'index.html';

  const base = resolve(root);
  const file = resolve(join(base, path));
  return file.startsWith(base + sep) ? file : null;
}

/** Client-side routes (`/calendar`) have no extension; they get index.html. */
export function isSpaRoute(file: string): boolean {
  return extname(file) === '';
}
