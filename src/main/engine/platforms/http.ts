// HTTP for platform adapters: timeouts, rate-limit headers read and waited
// out, and every failure classified into a PublishError with the platform's words.
import { PublishError, type AdapterOptions } from './PlatformAdapter';

export interface PlatformRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  /** JSON body; or pass `body` for form or binary uploads. */
  json?: unknown;
  body?: BodyInit;
  timeoutMs?: number;
  /**
   * Platform-specific reading of a failed response (Meta's error codes, Reddit's
   * bodies…); return null to fall back to classifyStatus. Rate limits it returns
   * are waited out inline like any other.
   */
  classify?: (status: number, body: unknown, headers: Headers, now: number) => PublishError | null;
}

export interface PlatformResponse<T = unknown> {
  status: number;
  headers: Headers;
  data: T;
}

/** When a rate limit clears, from the headers platforms use (x-rate-limit-reset, x-ratelimit-reset, retry-after). */
export function rateLimitResetAt(headers: Headers, now: number): Date | null {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return new Date(now + seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return new Date(date);
  }
  // X: Unix seconds. Reddit: seconds until reset.
  const xReset = headers.get('x-rate-limit-reset');
  if (xReset && Number.isFinite(Number(xReset))) return new Date(Number(xReset) * 1000);
  const redditReset = headers.get('x-ratelimit-reset');
  if (redditReset && Number.isFinite(Number(redditReset))) return new Date(now + Number(redditReset) * 1000);
  return null;
}

/** The platform's own message from an error body, whatever its shape. */
export function platformMessage(body: unknown, fallback: string): string {
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 500);
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const nested = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : null;
    const candidates = [
      nested?.message,
      nested?.error_user_msg,
      b.error_description,
      typeof b.error === 'string' ? b.error : undefined,
      b.message,
      b.detail,
      b.title,
      Array.isArray(b.errors) ? (b.errors[0] as Record<string, unknown> | undefined)?.message : undefined,
    ];
    const found = candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
    if (found) return found.slice(0, 500);
  }
  return fallback;
}

/** Classifies an HTTP failure. Adapters may refine (e.g. Meta's error codes) before or after. */
export function classifyStatus(status: number, body: unknown, headers: Headers, now: number, platform: string): PublishError {
  const message = platformMessage(body, `${platform} answered HTTP ${status}.`);
  if (status === 401) return new PublishError('auth', message, { status });
  if (status === 403) return new PublishError('unavailable', message, { status });
  if (status === 429) {
    return new PublishError('rate_limited', message, { status, retryAt: rateLimitResetAt(headers, now) ?? new Date(now + 60_000) });
  }
  if (status === 408 || status >= 500) return new PublishError('transient', message, { status });
  return new PublishError('invalid', message, { status });
}

/**
 * One request: JSON in and out, a timeout, 429s waited out inline when they
 * clear soon (maxInlineWaitMs), everything else thrown as a PublishError.
 */
export async function platformFetch<T = unknown>(
  platform: string,
  request: PlatformRequest,
  options: AdapterOptions = {},
): Promise<PlatformResponse<T>> {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const maxWait = options.maxInlineWaitMs ?? 15_000;

  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    let body = request.body;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    let response: Response;
    try {
      response = await doFetch(request.url, {
        method: request.method ?? 'GET',
        headers,
        body,
        signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new PublishError('transient', timedOut ? `${platform} did not answer in time.` : `Could not reach ${platform}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let data: unknown = text;
    if (text && (response.headers.get('content-type') ?? '').includes('json')) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    if (response.ok) return { status: response.status, headers: response.headers, data: data as T };

    const failure =
      request.classify?.(response.status, data, response.headers, now()) ??
      classifyStatus(response.status, data, response.headers, now(), platform);
    const waitMs = failure.details.retryAt ? failure.details.retryAt.getTime() - now() : Infinity;
    if (failure.kind === 'rate_limited' && attempt === 0 && waitMs <= maxWait) {
      await sleep(Math.max(0, waitMs));
      continue;
    }
    throw failure;
  }
}
