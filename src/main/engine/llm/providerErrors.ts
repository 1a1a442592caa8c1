// Turning whatever an HTTP client threw into a classified ProviderError, so the
// fallback chain and Settings can say why instead of "fetch failed".
import { ProviderError, type ProviderErrorKind, type ProviderId } from './ModelProvider';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'EPIPE',
]);

/** The first system error code found on an error or its `cause` chain. */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      for (const inner of errors) {
        const innerCode = networkCode(inner);
        if (innerCode) return innerCode;
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limited';
  if (status === 404) return 'model_missing';
  if (status >= 500) return 'server';
  return 'bad_request';
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'APIUserAbortError');
}

/** Classifies an error that carries no HTTP status (network, abort, timeout). */
export function classifyTransportError(provider: ProviderId, error: unknown, signal?: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal?.aborted) return new ProviderError(provider, 'aborted', 'The call was aborted.');
  const message = error instanceof Error ? error.message : String(error);
  const code = networkCode(error);
  if (code) return new ProviderError(provider, 'unreachable', `Cannot reach the server (${code}).`);
  if (error instanceof Error && (error.name === 'TimeoutError' || isAbortError(error))) {
    return new ProviderError(provider, 'unreachable', 'The server did not answer in time.');
  }
  if (/fetch failed|connect|socket hang up|network/i.test(message)) {
    return new ProviderError(provider, 'unreachable', `Cannot reach the server: ${message}`);
  }
  return new ProviderError(provider, 'server', message);
}

/** A signal that aborts when the caller's does or after `timeoutMs`. */
export function withTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
