// OAuth 2 for a desktop app (RFC 8252): the authorization-code grant with PKCE
// (RFC 7636, S256) and a loopback redirect. A one-shot HTTP server listens on
// 127.0.0.1 on a port the OS picks, takes exactly one answer on /callback,
// checks `state`, and closes.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChorusError } from '../../../shared/contract';

export const CALLBACK_PATH = '/callback';
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export function codeChallengeS256(codeVerifier: string): string {
  return base64url(createHash('sha256').update(codeVerifier, 'ascii').digest());
}

/** RFC 7636 §4.1: 32 random octets, base64url-encoded, give a 43-character verifier. */
export function createPkce(): { codeVerifier: string; codeChallenge: string; method: 'S256' } {
  const codeVerifier = base64url(randomBytes(32));
  return { codeVerifier, codeChallenge: codeChallengeS256(codeVerifier), method: 'S256' };
}

/** An unguessable `state` to bind the answer to this request (RFC 6749 §10.12). */
export function randomState(): string {
  return base64url(randomBytes(24));
}

/** Why a sign-in did not finish. `denied` carries the platform's own reason. */
export class OAuthFlowError extends ChorusError {
  constructor(
    readonly reason: 'denied' | 'state_mismatch' | 'timeout' | 'cancelled' | 'platform_error',
    message: string,
  ) {
    super('auth_failed', message);
  }
}

export interface LoopbackOptions {
  /** The `state` sent in the authorization request; any other answer is refused. */
  state: string;
  /** How long to wait for the browser; 5 minutes by default. */
  timeoutMs?: number;
  /** The platform's name, for messages. */
  platformLabel?: string;
}

export interface LoopbackSession {
  /** `http://127.0.0.1:<port>/callback` — register or send this as the redirect URI. */
  readonly redirectUri: string;
  /** The authorization code, once the browser comes back with it. */
  readonly code: Promise<string>;
  /** Stops waiting (the code promise rejects with `cancelled`) and closes the server. */
  cancel(message?: string): void;
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}</style></head>
<body><h1>${title}</h1><p>${body}</p></body></html>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    'Referrer-Policy': 'no-referrer',
  });
  res.end(html);
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Starts the loopback server. Resolves once it listens; `code` settles when the
 * browser returns (or the wait times out, or `cancel` is called). The server is
 * closed in every case.
 */
export async function startLoopback(options: LoopbackOptions): Promise<LoopbackSession> {
  const label = options.platformLabel ?? 'The platform';
  const timeoutMs = options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
  let settle!: { resolve: (code: string) => void; reject: (error: Error) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  // Nobody may be listening yet when it fails (e.g. cancelled before awaited).
  code.catch(() => undefined);
  let done = false;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      page(res, 404, 'Not found', 'Chorus is waiting for a sign-in here, nothing else.');
      return;
    }
    if (done) {
      page(res, 410, 'This sign-in is over', 'Go back to Chorus and start connecting the account again.');
      return;
    }
    const params = url.searchParams;
    if (params.get('state') !== options.state) {
      // RFC 6749 §10.12: an answer without our state may be forged (CSRF) or stale.
      page(res, 400, 'Sign-in refused', 'This answer does not belong to the sign-in Chorus started. Go back to Chorus and try again.');
      finish(new OAuthFlowError('state_mismatch', `${label} answered a sign-in Chorus did not start (the state did not match). Nothing was connected; please try again.`));
      return;
    }
    const error = params.get('error');
    if (error) {
      const description = params.get('error_description')?.trim();
      const reason = description ? `${description} (${error})` : error;
      page(res, 200, 'Not connected', `${escapeHtml(label)} said: ${escapeHtml(reason)}. You can close this tab and go back to Chorus.`);
      finish(
        new OAuthFlowError(
          error === 'access_denied' ? 'denied' : 'platform_error',
          error === 'access_denied' ? `Access was not granted: ${reason}.` : `${label} refused the sign-in: ${reason}.`,
        ),
      );
      return;
    }
    const received = params.get('code');
    if (!received) {
      page(res, 400, 'Sign-in incomplete', 'The answer had no authorization code. Go back to Chorus and try again.');
      finish(new OAuthFlowError('platform_error', `${label} came back without an authorization code.`));
      return;
    }
    page(res, 200, 'Signed in', 'You can close this tab and go back to Chorus.');
    finish(null, received);
  });

  const timer = setTimeout(() => {
    finish(new OAuthFlowError('timeout', `Nobody finished signing in to ${label} within ${Math.round(timeoutMs / 60_000) || 1} minute(s). Start connecting again when you are ready.`));
  }, timeoutMs);
  timer.unref();

  function finish(error: Error | null, value?: string): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    // Let the answer page go out, then stop listening.
    setImmediate(() => {
      server.close();
      server.closeIdleConnections();
    });
    if (error) settle.reject(error);
    else settle.resolve(value!);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    code,
    cancel: (message = 'The sign-in was cancelled.') => finish(new OAuthFlowError('cancelled', message)),
  };
}
