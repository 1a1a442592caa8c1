// Pure (no `electron` import) so the rules that decide who may talk to the engine
// are unit-tested in plain Node.

/** The renderer is served from this privileged scheme, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'chorus';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * `scheme://host[:port]` of a URL, or null when it has none.
 * WHATWG `URL.origin` is the string "null" for custom schemes such as `app:`, so
 * comparing `.origin` would either reject our own page or, worse, accept every
 * custom-scheme page; this builds the tuple from the parts instead.
 */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!parsed.host) return null;
  return `${parsed.protocol}//${parsed.host}`;
}

/**
 * The origins whose frames may call the engine: the app scheme, plus the
 * electron-vite dev server while not packaged.
 */
export function trustedOrigins(devServerUrl: string | undefined, isPackaged: boolean): readonly string[] {
  const devOrigin = !isPackaged ? originOf(devServerUrl) : null;
  return devOrigin ? [APP_ORIGIN, devOrigin] : [APP_ORIGIN];
}

export function isTrustedUrl(url: string | null | undefined, trusted: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && trusted.includes(origin);
}
