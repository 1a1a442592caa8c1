// A real database (PGlite, every migration) on a fresh data folder and the
// in-memory keychain, with the accounts module built on them alone, fake
// adapters, a fake clock and a browser that follows redirects. Calls go through
// the contract's dispatch, so inputs and outputs are checked by the same zod
// schemas the bindings use. (The whole engine is exercised in accountsEngine.test.ts.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dispatch, events as eventSchemas, type EventName, type Result, type RouteHandlers } from '../../../src/shared/contract';
import type { EngineContext } from '../../../src/main/engine';
import { accountsModule, type AccountsModule, type AccountsModuleOptions } from '../../../src/main/engine/accounts/accountsModule';
import { Database } from '../../../src/main/engine/db/Database';
import { AccountRepository } from '../../../src/main/engine/repositories/AccountRepository';
import { BrandRepository } from '../../../src/main/engine/repositories/BrandRepository';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { freshDataDir } from '../../fakes/tempDir';

export interface Harness {
  db: Database;
  accounts: AccountRepository;
  dataDir: string;
  secrets: MemorySecretStore;
  module: AccountsModule;
  events: { name: EventName; payload: unknown }[];
  clock: { now: number };
  call<T = unknown>(route: string, input: unknown): Promise<Result<T>>;
  ok<T = unknown>(route: string, input: unknown): Promise<T>;
  brandId: string;
  /** Every row of every table in the public schema, as JSON. */
  dbDump(): Promise<string>;
  /** Whether any file in the data folder contains this text. */
  filesContain(text: string): boolean;
  close(): Promise<void>;
}

export async function startHarness(options: Omit<AccountsModuleOptions, 'now'>): Promise<Harness> {
  const dir = await freshDataDir();
  const secrets = new MemorySecretStore();
  const db = await Database.open(dir.path);
  await db.migrate();
  const events: Harness['events'] = [];
  const brands = new BrandRepository(db);
  const accounts = new AccountRepository(db);
  const context = {
    dataDir: dir.path,
    host: 'cli',
    db,
    secrets,
    repos: { brands, accounts },
    emit: (name: EventName, payload: unknown) => void events.push({ name, payload: eventSchemas[name].parse(payload) }),
    log: () => undefined,
  } as unknown as EngineContext;
  const clock = { now: Date.parse('2026-03-01T12:00:00Z') };
  const module = accountsModule(context, { ...options, now: () => clock.now });
  const call = <T>(route: string, input: unknown) =>
    dispatch(module.handlers as RouteHandlers, route, input, {
      onInternalError: (r, e) => {
        throw new Error(`${r} failed: ${String(e)}`);
      },
    }) as Promise<Result<T>>;
  const ok = async <T>(route: string, input: unknown): Promise<T> => {
    const result = await call<T>(route, input);
    if (!result.ok) throw new Error(`${route}: ${result.error.code}: ${result.error.message}`);
    return result.data;
  };
  const brand = await brands.create({ name: `Brand ${Math.random().toString(36).slice(2, 8)}` }, 'UTC');
  return {
    db,
    accounts,
    dataDir: dir.path,
    secrets,
    module,
    events,
    clock,
    call,
    ok,
    brandId: brand.id,
    async dbDump() {
      const tables = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      const dump: Record<string, unknown[]> = {};
      for (const { table_name } of tables) dump[table_name] = await db.query(`SELECT * FROM "${table_name}"`);
      return JSON.stringify(dump);
    },
    filesContain(text) {
      const needle = Buffer.from(text);
      const walk = (path: string): boolean =>
        statSync(path).isDirectory() ? readdirSync(path).some((name) => walk(join(path, name))) : readFileSync(path).includes(needle);
      return walk(dir.path);
    },
    async close() {
      await module.stop?.();
      await db.close();
      dir.cleanup();
    },
  };
}

/** Resolves when an event with that name arrives (or was already seen) and matches. */
export async function waitForEvent(h: Harness, name: EventName, match: (payload: unknown) => boolean = () => true, timeoutMs = 10_000): Promise<unknown> {
  const started = Date.now();
  for (;;) {
    const seen = h.events.find((e) => e.name === name && match(e.payload));
    if (seen) return seen.payload;
    if (Date.now() - started > timeoutMs) throw new Error(`No ${name} event within ${timeoutMs} ms; saw ${JSON.stringify(h.events)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits for a condition that another async path makes true (e.g. the browser finished reading a page). */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`Condition not met within ${timeoutMs} ms.`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
