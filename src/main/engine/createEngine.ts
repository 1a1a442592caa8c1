import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ChorusError,
  dispatch,
  events,
  type EventName,
  type EventPayload,
  type RouteHandlers,
} from '../../shared/contract';
import { localTimeZone } from '../../shared/timezone';
import { Database } from './db/Database';
import type { Engine, EngineOptions, EventListener } from './Engine';
import { AccountRepository } from './repositories/AccountRepository';
import { BrandRepository } from './repositories/BrandRepository';
import { KnowledgeRepository } from './repositories/KnowledgeRepository';
import { PostRepository } from './repositories/PostRepository';
import { KeytarSecretStore } from './secrets/KeytarSecretStore';
import { ConfSettingsStore } from './settings/ConfSettingsStore';
import { DataDirLock } from './system/DataDirLock';
import { runDoctor } from './system/doctor';
import { appVersion } from './system/packageInfo';

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/** The services a started engine holds; exposed to tests and benchmarks. */
export interface EngineServices {
  db: Database;
  brands: BrandRepository;
  accounts: AccountRepository;
  posts: PostRepository;
  knowledge: KnowledgeRepository;
}

export interface CreatedEngine extends Engine {
  /** The started services; throws before start(). */
  services(): EngineServices;
  /** Migrations applied by the last start(). */
  readonly appliedMigrations: readonly number[];
}

export function createEngine(options: EngineOptions): CreatedEngine {
  const dataDir = resolve(options.dataDir);
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`[chorus] ${message}`, error ?? ''));
  const secrets = options.secrets ?? new KeytarSecretStore();
  let settings = options.settings ?? null;
  const listeners = new Set<EventListener>();

  let state: State = 'idle';
  let lock: DataDirLock | null = null;
  let started: EngineServices | null = null;
  let appliedMigrations: number[] = [];
  let pendingStart: Promise<void> | null = null;

  const services = (): EngineServices => {
    if (!started) throw new ChorusError('unavailable', 'Chorus is not running yet.');
    return started;
  };
  const settingsStore = () => {
    settings ??= new ConfSettingsStore(dataDir);
    return settings;
  };

  function emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = events[name].parse(payload) as EventPayload<E>;
    for (const listener of listeners) {
      try {
        listener(name, checked);
      } catch (error) {
        log(`An event listener for ${name} failed`, error);
      }
    }
  }

  const handlers: RouteHandlers = {
    'system.info': async () => ({
      version: appVersion(),
      host: options.host,
      dataDir,
      schemaVersion: await services().db.schemaVersion(),
    }),
    'system.doctor': async () =>
      runDoctor({ dataDir, db: started?.db ?? null, secrets, ollamaUrl: settingsStore().read().ollamaUrl }),

    'brands.list': () => services().brands.list(),
    'brands.get': ({ id }) => services().brands.get(id),
    'brands.create': async (input) => {
      const brand = await services().brands.create(input, localTimeZone());
      emit('brands.changed', { id: brand.id, change: 'created' });
      return brand;
    },
    'brands.update': async ({ id, patch }) => {
      const brand = await services().brands.update(id, patch);
      emit('brands.changed', { id, change: 'updated' });
      return brand;
    },
    'brands.delete': async ({ id }) => {
      await services().brands.delete(id);
      emit('brands.changed', { id, change: 'deleted' });
      return { id };
    },

    'accounts.list': ({ brandId }) => services().accounts.list(brandId),
    'posts.list': (filter) => services().posts.list(filter),

    'secrets.list': async () => (await secrets.keys()).map((key) => ({ key, isSet: true })),
    'secrets.set': async ({ key, value }) => {
      await secrets.set(key, value);
      return { key, isSet: true };
    },
    'secrets.delete': async ({ key }) => {
      await secrets.delete(key);
      return { key, isSet: false };
    },

    'settings.get': async () => settingsStore().read(),
    'settings.update': async (patch) => {
      const next = settingsStore().update(patch);
      emit('settings.changed', next);
      return next;
    },
  };

  async function doStart(): Promise<void> {
    state = 'starting';
    mkdirSync(dataDir, { recursive: true });
    lock = DataDirLock.acquire(dataDir, options.host);
    try {
      const db = await Database.open(dataDir);
      appliedMigrations = await db.migrate();
      started = {
        db,
        brands: new BrandRepository(db),
        accounts: new AccountRepository(db),
        posts: new PostRepository(db),
        knowledge: new KnowledgeRepository(db),
      };
      settingsStore().read();
      state = 'running';
    } catch (error) {
      await started?.db.close().catch(() => undefined);
      started = null;
      lock.release();
      lock = null;
      state = 'idle';
      throw error;
    }
  }

  return {
    dataDir,
    get appliedMigrations() {
      return appliedMigrations;
    },
    services,

    start() {
      if (state === 'running') return Promise.resolve();
      if (state === 'stopping' || state === 'stopped') {
        return Promise.reject(new ChorusError('unavailable', 'This engine was stopped; create a new one.'));
      }
      pendingStart ??= doStart().finally(() => {
        pendingStart = null;
      });
      return pendingStart;
    },

    async stop() {
      if (state === 'stopped' || state === 'idle') {
        state = 'stopped';
        return;
      }
      await pendingStart?.catch(() => undefined);
      state = 'stopping';
      listeners.clear();
      try {
        await started?.db.close();
      } finally {
        started = null;
        lock?.release();
        lock = null;
        state = 'stopped';
      }
    },

    async call(route, input) {
      if (state !== 'running') {
        return { ok: false, error: { code: 'unavailable', message: 'Chorus is starting or stopping; try again in a moment.' } };
      }
      return dispatch(handlers, route, input, { onInternalError: (r, e) => log(`Route ${r} failed`, e) });
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
