// A publishing module on a real PGlite data folder and real pg-boss, with the
// adapters, credentials and scheduler timings a test chooses. Calls go through
// the contract's dispatch, so inputs and outputs are checked like in the app.
import { randomUUID } from 'node:crypto';
import {
  dispatch,
  events as eventSchemas,
  type EventName,
  type Result,
  type RouteHandlers,
  type Settings,
} from '../../../src/shared/contract';
import type { Platform } from '../../../src/shared/platforms';
import { Database } from '../../../src/main/engine/db/Database';
import type { EngineContext } from '../../../src/main/engine/EngineContext';
import { createAdapterRegistry, type AdapterRegistry } from '../../../src/main/engine/platforms/adapterRegistry';
import { keychainCredentials, type PublishCredentials } from '../../../src/main/engine/publishing/keychainCredentials';
import { publishingModule, type PublishingModule } from '../../../src/main/engine/publishing/publishingModule';
import type { SchedulerOptions } from '../../../src/main/engine/publishing/PublishScheduler';
import { AccountRepository } from '../../../src/main/engine/repositories/AccountRepository';
import { BrandRepository } from '../../../src/main/engine/repositories/BrandRepository';
import { KnowledgeRepository } from '../../../src/main/engine/repositories/KnowledgeRepository';
import { PostRepository } from '../../../src/main/engine/repositories/PostRepository';
import { ConfSettingsStore } from '../../../src/main/engine/settings/ConfSettingsStore';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { freshDataDir } from '../../fakes/tempDir';

/** Fast timings for tests: poll often, back off in milliseconds. */
export const FAST: Partial<SchedulerOptions> = {
  pollIntervalMs: 100,
  missedGraceMs: 0,
  retry: { maxAttempts: 3, maxAttemptsRateLimited: 5, backoffMs: () => 200 },
};

export interface Seen {
  name: EventName;
  payload: unknown;
}

export interface HarnessOptions {
  scheduler?: Partial<SchedulerOptions>;
  settings?: Partial<Settings>;
  adapters?: (dataDir: string) => AdapterRegistry;
  credentials?: (ctx: EngineContext) => PublishCredentials;
}

export class Harness {
  readonly events: Seen[] = [];
  module!: PublishingModule;
  ctx!: EngineContext;
  private db!: Database;
  readonly secrets = new MemorySecretStore();

  private constructor(
    readonly dataDir: string,
    private readonly cleanup: () => void,
    private readonly options: HarnessOptions,
  ) {}

  static async create(options: HarnessOptions = {}): Promise<Harness> {
    const dir = await freshDataDir();
    const harness = new Harness(dir.path, dir.cleanup, options);
    await harness.open();
    return harness;
  }

  /** Opens the database and starts the module (again, after stop(): a restart on the same folder). */
  async open(extra: HarnessOptions = {}): Promise<void> {
    const options = { ...this.options, ...extra };
    this.db = await Database.open(this.dataDir);
    await this.db.migrate();
    const settings = new ConfSettingsStore(this.dataDir);
    if (options.settings) settings.update(options.settings);
    this.ctx = {
      dataDir: this.dataDir,
      host: 'cli',
      db: this.db,
      secrets: this.secrets,
      settings,
      repos: {
        brands: new BrandRepository(this.db),
        accounts: new AccountRepository(this.db),
        posts: new PostRepository(this.db),
        knowledge: new KnowledgeRepository(this.db),
      },
      emit: (name, payload) => {
        this.events.push({ name, payload: eventSchemas[name].parse(payload) });
      },
      log: () => undefined,
    };
    this.module = publishingModule(this.ctx, {
      adapters: options.adapters?.(this.dataDir) ?? createAdapterRegistry({ dataDir: this.dataDir }),
      credentials: options.credentials?.(this.ctx) ?? keychainCredentials(this.ctx),
      scheduler: { ...FAST, ...options.scheduler },
    });
    await this.module.start!();
  }

  async stop(): Promise<void> {
    await this.module.stop!();
    await this.db.close();
  }

  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    this.cleanup();
  }

  call(route: string, input: unknown): Promise<Result<unknown>> {
    return dispatch(this.module.handlers as RouteHandlers, route, input, {
      onInternalError: (r, e) => {
        throw new Error(`${r} failed: ${String(e)}`);
      },
    });
  }

  /** Calls a route and returns its data, failing the test on an error result. */
  async ok<T = Record<string, unknown>>(route: string, input: unknown): Promise<T> {
    const result = await this.call(route, input);
    if (!result.ok) throw new Error(`${route} → ${result.error.code}: ${result.error.message}`);
    return result.data as T;
  }

  async brand(timezone = 'Europe/Paris'): Promise<string> {
    const brand = await this.ctx.repos.brands.create({ name: `Brand ${randomUUID().slice(0, 8)}`, timezone }, timezone);
    return brand.id;
  }

  /** A sandbox account (connection 'sandbox'): publishes into <dataDir>/outbox. */
  async sandboxAccount(brandId: string, platform: Platform = 'mastodon'): Promise<string> {
    const account = await this.ctx.repos.accounts.create({ brandId, platform, handle: `sandbox:${platform}`, connection: 'sandbox' });
    return account.id;
  }

  /** A real-platform account whose credentials sit in the (memory) keychain. */
  async platformAccount(brandId: string, platform: Platform, accessToken = 'token-1'): Promise<string> {
    const account = await this.ctx.repos.accounts.create({ brandId, platform, handle: `@someone-${platform}` });
    await this.secrets.set(`account.${account.id}.credentials`, JSON.stringify({ accessToken, refreshToken: 'refresh-1' }));
    return account.id;
  }

  async draft(brandId: string, accountId: string, text = 'Hello from Chorus', platform: Platform = 'mastodon'): Promise<string> {
    const post = await this.ok<{ id: string }>('posts.create', { brandId, platform, accountId, text });
    return post.id;
  }

  /** Waits until the post reaches one of `statuses` (polling the database). */
  async until(postId: string, statuses: string[], timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const post = await this.ctx.repos.posts.get(postId);
      if (statuses.includes(post.status)) return post;
      if (Date.now() > deadline) throw new Error(`Post ${postId} stayed ${post.status}; wanted ${statuses.join('|')}.`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
