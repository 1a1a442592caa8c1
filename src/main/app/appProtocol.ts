import { protocol } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_SCHEME } from './origins';
import { isSpaRoute, resolveRendererFile, responseHeaders } from './rendererFiles';

/**
 * Must run before `app` is ready. `standard` gives the scheme real origins (so
 * 'self' in the CSP and same-origin checks work), `secure` makes it a secure context.
 * No `corsEnabled`: our own module scripts are same-origin, and leaving it off keeps
 * app:// unreadable from any other origin.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/** Serves out/renderer on `app://chorus/`; returns a function that stops serving. */
export function serveRenderer(root: string): () => void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405 });
    }
    const file = resolveRendererFile(root, request.url);
    if (!file) return new Response(null, { status: 403 });

    const found = (await isFile(file)) ? file : isSpaRoute(file) ? join(root, 'index.html') : null;
    if (!found) return new Response(null, { status: 404 });

    const body = request.method === 'HEAD' ? null : await readFile(found);
    return new Response(body, { status: 200, headers: responseHeaders(found) });
  });
  return () => protocol.unhandle(APP_SCHEME);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
