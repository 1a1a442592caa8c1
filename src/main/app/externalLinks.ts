// Pure (no `electron` import): which links the app hands to the system browser.
// Everything else a page tries to open is dropped.

/** A host matches itself and its subdomains (`www.linkedin.com`, `help.x.com`). */
export const EXTERNAL_LINK_HOSTS: readonly string[] = [
  // Platforms Chorus publishes to or listens on: "view post", "connect account".
  'x.com',
  'twitter.com',
  'linkedin.com',
  'facebook.com',
  'instagram.com',
  'threads.net',
  'threads.com',
  'bsky.app',
  'youtube.com',
  'tiktok.com',
  'pinterest.com',
  'reddit.com',
  // Model providers and help.
  'ollama.com',
  'openai.com',
  'github.com',
];

/**
 * True for `https://` links to an allow-listed host on the default port with no
 * credentials. `http:`, `file:`, `javascript:` and custom schemes never leave the app.
 */
export function isAllowedExternalUrl(url: string, hosts: readonly string[] = EXTERNAL_LINK_HOSTS): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:') return false;
  if (parsed.username || parsed.password || parsed.port) return false;
  // `x.com.` is the same host as `x.com`; URL keeps the trailing dot, so drop it.
  const host = parsed.hostname.replace(/\.$/, '');
  return hosts.some((allowed) => host === allowed || host.endsWith(`.${allowed}`));
}
