import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { MIGRATIONS, type Migration } from './migrations';

export type Queryable = Pick<Transaction, 'query' | 'exec'>;

/**
 * PGlite on disk with pgvector. Reads go straight to the database; writes go
 * through `write`, which runs them one at a time, each in a transaction.
 */
export class Database {
  private writeQueue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly pg: PGlite) {}

  static async open(dataDir: string): Promise<Database> {
    const dir = join(dataDir, 'db');
    mkdirSync(dir, { recursive: true });
    const pg = await PGlite.create(dir, { extensions: { vector } });
    return new Database(pg);
  }

  /** For tests and benchmarks: a database that lives in memory only. */
  static async openInMemory(): Promise<Database> {
    return new Database(await PGlite.create({ extensions: { vector } }));
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.pg.query<T>(sql, params);
    return result.rows;
  }

  /** Serialises writers so two transactions never interleave. */
  write<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const run = this.writeQueue.then(() => this.pg.transaction(work));
    this.writeQueue = run.catch(() => undefined);
    return run;
  }

  /** Applies pending migrations, each in its own transaction; returns the versions applied. */
  async migrate(migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
    await this.pg.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = new Set(
      (await this.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
    );
    const done: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await this.write(async (tx) => {
        await tx.exec(migration.sql);
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      });
      done.push(migration.version);
    }
    return done;
  }

  async schemaVersion(): Promise<number> {
    const rows = await this.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    return rows[0]?.v ?? 0;
  }

  async close(): Promise<void> {
    await this.writeQueue;
    if (!this.pg.closed) await this.pg.close();
  }
}
