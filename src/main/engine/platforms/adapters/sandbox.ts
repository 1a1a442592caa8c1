// The sandbox "platform": publishes into the data folder instead of a network,
// so Chorus can be tried (and tested end to end) without any account. One JSON
// file per post at <dataDir>/outbox/<platform>/<post-id>.json, written atomically,
// plus an append-only log of every publish call, which says whether the post
// was already there — a real platform would then have shown it twice.
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Platform } from '../../../../shared/platforms';
import { PublishError, type PlatformAdapter, type PublishedPost, type PublishRequest } from '../PlatformAdapter';

export const OUTBOX_DIR = 'outbox';
export const PUBLISH_LOG = 'publish-log.jsonl';

export interface SandboxOutboxFile {
  postId: string;
  platform: Platform;
  idempotencyKey: string;
  platformPostId: string;
  url: string;
  publishedAt: string;
  text: string;
  thread: string[];
  media: PublishRequest['media'];
  title?: string;
  target?: string;
}

/** One line of <dataDir>/outbox/publish-log.jsonl per publish call. */
export interface SandboxLogLine {
  postId: string;
  platform: Platform;
  at: string;
  /** The post was already in the outbox: on a real platform it would now appear twice. */
  duplicate: boolean;
}

export function outboxDir(dataDir: string): string {
  return join(dataDir, OUTBOX_DIR);
}

function fileNameFor(request: PublishRequest): string {
  const name = request.postId ?? request.idempotencyKey;
  // Ids are UUIDs; anything else must not walk out of the outbox.
  if (!/^[A-Za-z0-9-]{1,100}$/.test(name)) throw new PublishError('invalid', `The sandbox cannot name a file after “${name}”.`);
  return `${name}.json`;
}

export function createSandboxAdapter(options: { dataDir: string; platform: Platform }): PlatformAdapter {
  const dir = join(outboxDir(options.dataDir), options.platform);
  const logFile = join(outboxDir(options.dataDir), PUBLISH_LOG);
  const fileFor = (request: PublishRequest) => join(dir, fileNameFor(request));

  const read = (file: string): SandboxOutboxFile | null => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as SandboxOutboxFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new PublishError('transient', `The sandbox outbox file ${file} could not be read: ${(error as Error).message}`);
    }
  };
  const published = (entry: SandboxOutboxFile): PublishedPost => ({ platformPostId: entry.platformPostId, url: entry.url });

  return {
    platform: 'sandbox',
    connection: 'sandbox',

    async refresh(credentials) {
      return credentials;
    },

    async me() {
      return { platformUserId: `sandbox-${options.platform}`, handle: 'sandbox', displayName: 'Sandbox' };
    },

    async publish(_credentials, request) {
      const file = fileFor(request);
      mkdirSync(dir, { recursive: true });
      const existing = read(file);
      const postId = request.postId ?? request.idempotencyKey;
      const line: SandboxLogLine = { postId, platform: options.platform, at: new Date().toISOString(), duplicate: existing !== null };
      appendFileSync(logFile, `${JSON.stringify(line)}\n`);
      // Like a platform that accepted the same post twice: the first copy stays.
      if (existing) return published(existing);
      const entry: SandboxOutboxFile = {
        postId,
        platform: options.platform,
        idempotencyKey: request.idempotencyKey,
        platformPostId: `sandbox-${postId}`,
        url: pathToFileURL(file).href,
        publishedAt: line.at,
        text: request.text,
        thread: request.thread ?? [],
        media: request.media,
        ...(request.title === undefined ? {} : { title: request.title }),
        ...(request.target === undefined ? {} : { target: request.target }),
      };
      // Write then rename: a reader (or a restart after a kill) sees the whole file or none.
      // One process owns the data folder and a post is published by one call at a time,
      // so a fixed temp name is safe, and one left by a kill is simply overwritten.
      const temp = `${file}.tmp`;
      writeFileSync(temp, `${JSON.stringify(entry, null, 2)}\n`);
      renameSync(temp, file);
      return published(entry);
    },

    async findExisting(_credentials, request) {
      const entry = read(fileFor(request));
      return entry ? published(entry) : null;
    },

    async delete(_credentials, platformPostId) {
      const postId = platformPostId.replace(/^sandbox-/, '');
      rmSync(join(dir, fileNameFor({ postId, idempotencyKey: postId, text: '', media: [] })), { force: true });
    },

    async metrics() {
      return { fetchedAt: new Date().toISOString() };
    },

    async mentions() {
      return { items: [], cursor: null };
    },
  };
}
