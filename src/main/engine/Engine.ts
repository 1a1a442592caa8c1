import type { EventName, EventPayload, HostKind, Result } from '../../shared/contract';
import type { SecretStore } from './secrets/SecretStore';
import type { SettingsStore } from './settings/SettingsStore';

export interface EngineOptions {
  /** The data folder: database, settings, user agents. Created if missing. */
  dataDir: string;
  /** Which host runs this engine; shown in system.info and used in lock messages. */
  host: HostKind;
  /** Defaults to the OS keychain (keytar). */
  secrets?: SecretStore;
  /** Defaults to `conf` in the data folder. The Electron host passes electron-store. */
  settings?: SettingsStore;
  /**
   * Opens a URL in the system browser (OAuth sign-in pages). The Electron host
   * passes shell.openExternal; without one the link is logged and the OS opener tried.
   */
  openExternal?: (url: string) => Promise<void> | void;
  /** Called with unexpected errors; defaults to console.error. */
  log?: (message: string, error?: unknown) => void;
}

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface Engine {
  readonly dataDir: string;
  /** Opens the database, applies migrations, takes the data-folder lock. */
  start(): Promise<void>;
  /** Stops services in reverse order and closes the database. Safe to call twice. */
  stop(): Promise<void>;
  /** The one entry point for both bindings: parse, call, check; never throws. */
  call(route: unknown, input: unknown): Promise<Result<unknown>>;
  /** Every contract event; returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void;
}
