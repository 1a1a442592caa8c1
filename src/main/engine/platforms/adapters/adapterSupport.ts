// Pieces every platform adapter needs: a request timeout option, zod checks on
// what platforms answer, media files read for upload, and the text comparison
// findExisting() uses to recognise a post that already went through.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { z } from 'zod';
import { platformFetch, type PlatformRequest } from '../http';
import { PublishError, type AdapterOptions, type Credentials, type PublishRequest } from '../PlatformAdapter';

export interface HttpAdapterOptions extends AdapterOptions {
  /** Per-request timeout (default 30 s); tests pass a short one. */
  timeoutMs?: number;
}

/**
 * A platform answered 2xx with a body we cannot read. Classified `transient`:
 * the call may have taken effect, so the publisher must check findExisting()
 * before trying again rather than give up on the post.
 */
export function parseBody<T>(schema: z.ZodType<T>, data: unknown, platform: string, what: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
  throw new PublishError('transient', `${platform} sent an unexpected answer to ${what} (${issues}).`);
}

export type BearerCall = <T>(credentials: Credentials, request: PlatformRequest, schema: z.ZodType<T>, what: string) => Promise<T>;

/**
 * A JSON API call with the account's bearer token: the path is joined to the
 * API root, the platform's own classifier runs first, and the answer is checked.
 */
export function bearerCall(setup: {
  platform: string;
  api: string;
  classify: PlatformRequest['classify'];
  options: HttpAdapterOptions;
  /** Sent on every request (e.g. Reddit's required User-Agent). */
  headers?: Record<string, string>;
  /** How the scheme is spelled in the Authorization header. */
  scheme?: string;
}): BearerCall {
  return async (credentials, request, schema, what) => {
    const response = await platformFetch(
      setup.platform,
      {
        ...request,
        url: `${setup.api}${request.url}`,
        headers: { Authorization: `${setup.scheme ?? 'Bearer'} ${credentials.accessToken}`, ...setup.headers, ...request.headers },
        timeoutMs: request.timeoutMs ?? setup.options.timeoutMs,
        classify: setup.classify,
      },
      setup.options,
    );
    return parseBody(schema, response.data, setup.platform, what);
  };
}

export interface LoadedMedia {
  bytes: Uint8Array<ArrayBuffer>;
  mimeType: string;
  filename: string;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
};

export function isHttpsUrl(value: string | undefined): value is string {
  if (!value) return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The bytes of one media item: its resolved local file, or its https URL downloaded. */
export async function loadMedia(
  item: PublishRequest['media'][number],
  platform: string,
  options: HttpAdapterOptions,
): Promise<LoadedMedia> {
  const fallbackType = item.kind === 'video' ? 'video/mp4' : item.kind === 'gif' ? 'image/gif' : 'image/jpeg';
  if (item.path) {
    try {
      const bytes = new Uint8Array(await readFile(item.path));
      const mimeType = item.mimeType ?? MIME_BY_EXTENSION[extname(item.path).toLowerCase()] ?? fallbackType;
      return { bytes, mimeType, filename: basename(item.path) };
    } catch (error) {
      throw new PublishError('invalid', `The media file ${item.path} could not be read: ${(error as Error).message}`);
    }
  }
  if (isHttpsUrl(item.uri)) {
    // Not platformFetch: that reads the body as text, and media is binary.
    const doFetch = options.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(item.uri, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
    } catch (error) {
      throw new PublishError('transient', `Could not download ${item.uri} to upload it to ${platform}: ${(error as Error).message}`);
    }
    if (!res.ok) throw new PublishError('invalid', `The media URL ${item.uri} answered HTTP ${res.status}.`);
    const mimeType = item.mimeType ?? res.headers.get('content-type')?.split(';')[0] ?? fallbackType;
    return { bytes: new Uint8Array(await res.arrayBuffer()), mimeType, filename: basename(new URL(item.uri).pathname) || 'media' };
  }
  throw new PublishError('invalid', `The media item ${item.uri} has no local file or https URL to upload from.`);
}

/** Whitespace, Unicode form and (optionally) link-shortening differences ignored. */
export function normalizeText(text: string, options: { ignoreUrls?: boolean } = {}): string {
  let out = text.normalize('NFC');
  if (options.ignoreUrls) out = out.replace(/https?:\/\/\S+/g, '<url>');
  return out.replace(/\s+/g, ' ').trim();
}

export function sameText(a: string, b: string, options: { ignoreUrls?: boolean } = {}): boolean {
  return normalizeText(a, options) === normalizeText(b, options);
}

/** Plain text of an HTML post body (Mastodon's `content`): paragraphs and breaks become newlines. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/** Refuses a thread on platforms that have none, before anything is posted. */
export function refuseThread(request: PublishRequest, platform: string): void {
  if (request.thread && request.thread.length > 0) {
    throw new PublishError('invalid', `${platform} has no threads: publish the ${request.thread.length + 1} parts as separate posts.`);
  }
}
