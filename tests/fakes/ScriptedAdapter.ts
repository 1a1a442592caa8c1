import type { Platform } from '../../src/shared/platforms';
import {
  PublishError,
  type PlatformAdapter,
  type PublishedPost,
  type PublishRequest,
} from '../../src/main/engine/platforms/PlatformAdapter';

/**
 * One scripted answer to publish(): succeed, fail, or go through on the
 * platform and then fail (a response lost to a timeout).
 */
export type ScriptStep = 'ok' | PublishError | { wentThrough: true; then: PublishError };

/** A platform adapter that answers publish() from a script, for failure tests. Unscripted calls succeed. */
export class ScriptedAdapter implements PlatformAdapter {
  readonly platform: Platform | 'sandbox';
  readonly connection = 'oauth2-pkce' as const;
  /** Consumed in order, by every post. */
  readonly script: ScriptStep[] = [];
  /** What the "platform" holds, by idempotency key. */
  readonly posts = new Map<string, PublishedPost & { text: string }>();
  readonly calls = { publish: 0, findExisting: 0, tokens: [] as string[] };

  constructor(platform: Platform | 'sandbox' = 'mastodon') {
    this.platform = platform;
  }

  then(...steps: ScriptStep[]): this {
    this.script.push(...steps);
    return this;
  }

  async refresh(credentials: Parameters<PlatformAdapter['refresh']>[0]) {
    return credentials;
  }

  async me() {
    return { platformUserId: 'scripted-1', handle: 'scripted', displayName: 'Scripted' };
  }

  async publish(credentials: { accessToken: string }, request: PublishRequest): Promise<PublishedPost> {
    this.calls.publish++;
    this.calls.tokens.push(credentials.accessToken);
    const step = this.script.shift() ?? 'ok';
    if (step instanceof PublishError) throw step;
    const post = { platformPostId: `scripted-${this.posts.size + 1}`, url: `https://example.test/p/${this.posts.size + 1}`, text: request.text };
    this.posts.set(request.idempotencyKey, post);
    if (step !== 'ok') throw step.then;
    return { platformPostId: post.platformPostId, url: post.url };
  }

  async findExisting(_credentials: unknown, request: PublishRequest): Promise<PublishedPost | null> {
    this.calls.findExisting++;
    const post = this.posts.get(request.idempotencyKey);
    return post ? { platformPostId: post.platformPostId, url: post.url } : null;
  }

  async delete(_credentials: unknown, platformPostId: string) {
    for (const [key, post] of this.posts) if (post.platformPostId === platformPostId) this.posts.delete(key);
  }

  async metrics() {
    return { fetchedAt: new Date().toISOString() };
  }

  async mentions() {
    return { items: [], cursor: null };
  }
}
