import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ChorusError,
  dispatch,
  events,
  ROUTE_NAMES,
  type EventName,
  type EventPayload,
  type RouteHandlers,
} from '../../shared/contract';
import { Database } from './db/Database';
import type { Engine, EngineOptions, EventListener } from './Engine';
import type { EngineContext, EngineModule, Repositories } from './EngineContext';
import { createModules } from './modules';
import { AccountRepository } from './repositories/AccountRepository';
import { BrandRepository } from './repositories/BrandRepository';
import { KnowledgeRepository } from './repositories/KnowledgeRepository';
import { PostRepository } from './repositories/PostRepository';
import { KeytarSecretStore } from './secrets/KeytarSecretStore';
import { ConfSettingsStore } from './settings/ConfSettingsStore';
import { DataDirLock } from './system/DataDirLock';

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/** The started database and repositories; exposed to tests and benchmarks. */
export type EngineServices = Repositories & { db: Database };

export interface CreatedEngine extends Engine {
  /** The started services; throws before start(). */
  services(): EngineServices;
  /** The context modules were built with; throws before start(). */
  context(): EngineContext;
  /** Migrations applied by the last start(). */
  readonly appliedMigrations: readonly number[];
  /** A started module by name (tests, benchmarks and the CLI wait on workflow runs through it). */
  module<T extends EngineModule>(name: string): T;
}

/** Merges module handlers and insists every route in the contract has exactly one. */
function collectHandlers(modules: readonly EngineModule[]): RouteHandlers {
  const merged: Record<string, unknown> = {};
  for (const module of modules) {
    for (const [route, handler] of Object.entries(module.handlers)) {
      if (merged[route]) throw new Error(`Route ${route} is handled by two modules (the second is ${module.name}).`);
      merged[route] = handler;
    }
  }
  const missing = ROUTE_NAMES.filter((route) => !merged[route]);
  if (missing.length) throw new Error(`No engine module handles: ${missing.join(', ')}.`);
  return merged as RouteHandlers;
}

export function createEngine(options: EngineOptions): CreatedEngine {
  const dataDir = resolve(options.dataDir);
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`[chorus] ${message}`, error ?? ''));
  const secrets = options.secrets ?? new KeytarSecretStore();
  const listeners = new Set<EventListener>();

  let state: State = 'idle';
  let lock: DataDirLock | null = null;
  let db: Database | null = null;
  let context: EngineContext | null = null;
  let modules: EngineModule[] = [];
  let startedModules: EngineModule[] = [];
  let handlers: RouteHandlers | null = null;
  let appliedMigrations: number[] = [];
  let pendingStart: Promise<void> | null = null;

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

  const requireContext = (): EngineContext => {
    if (!context) throw new ChorusError('unavailable', 'Chorus is not running yet.');
    return context;
  };

  async function shutDown(): Promise<void> {
    for (const module of startedModules.reverse()) {
      try {
        await module.stop?.();
      } catch (error) {
        log(`Stopping ${module.name} failed`, error);
      }
    }
    startedModules = [];
    modules = [];
    handlers = null;
    context = null;
    try {
      await db?.close();
    } finally {
      db = null;
      lock?.release();
      lock = null;
    }
  }

  async function doStart(): Promise<void> {
    state = 'starting';
    mkdirSync(dataDir, { recursive: true });
    lock = DataDirLock.acquire(dataDir, options.host);
    try {
      db = await Database.open(dataDir);
      appliedMigrations = await db.migrate();
      context = {
        dataDir,
        host: options.host,
        db,
        secrets,
        settings: options.settings ?? new ConfSettingsStore(dataDir),
        repos: {
          brands: new BrandRepository(db),
          accounts: new AccountRepository(db),
          posts: new PostRepository(db),
          knowledge: new KnowledgeRepository(db),
        },
        emit,
        log,
        openExternal: options.openExternal,
      };
      modules = createModules(context);
      handlers = collectHandlers(modules);
      for (const module of modules) {
        await module.start?.();
        startedModules.push(module);
      }
      state = 'running';
    } catch (error) {
      await shutDown().catch(() => undefined);
      state = 'idle';
      throw error;
    }
  }

  return {
    dataDir,
    get appliedMigrations() {
      return appliedMigrations;
    },
    context: requireContext,
    module<T extends EngineModule>(name: string): T {
      const found = modules.find((m) => m.name === name);
      if (!found) throw new Error(`There is no started engine module "${name}".`);
      return found as T;
    },
    services: () => {
      const ctx = requireContext();
      return { ...ctx.repos, db: ctx.db };
    },

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
        await shutDown();
      } finally {
        state = 'stopped';
      }
    },

    async call(route, input) {
      if (state !== 'running' || !handlers) {
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
