import type { EventName, EventPayload, HostKind, RouteHandlers } from '../../shared/contract';
import type { Database } from './db/Database';
import type { AccountRepository } from './repositories/AccountRepository';
import type { BrandRepository } from './repositories/BrandRepository';
import type { KnowledgeRepository } from './repositories/KnowledgeRepository';
import type { PostRepository } from './repositories/PostRepository';
import type { SecretStore } from './secrets/SecretStore';
import type { SettingsStore } from './settings/SettingsStore';

export interface Repositories {
  brands: BrandRepository;
  accounts: AccountRepository;
  posts: PostRepository;
  knowledge: KnowledgeRepository;
}

/** What every engine module gets: the started database and the shared services. */
export interface EngineContext {
  readonly dataDir: string;
  readonly host: HostKind;
  readonly db: Database;
  readonly secrets: SecretStore;
  readonly settings: SettingsStore;
  readonly repos: Repositories;
  /** The host's way to open a URL in the system browser, when it has one (EngineOptions.openExternal). */
  readonly openExternal?: (url: string) => Promise<void> | void;
  /** Publishes a contract event to every binding (payload checked against its schema). */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  log(message: string, error?: unknown): void;
}

/**
 * One concern of the engine (brands, publishing, models…): the routes it
 * answers and, optionally, services to start after the database and stop before it.
 */
export interface EngineModule {
  readonly name: string;
  readonly handlers: Partial<RouteHandlers>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export type EngineModuleFactory = (context: EngineContext) => EngineModule;
