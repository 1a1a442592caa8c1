import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../../src/main/engine/db/Database';
import { MIGRATIONS } from '../../../src/main/engine/db/migrations';
import { BrandRepository } from '../../../src/main/engine/repositories/BrandRepository';
import { EMBEDDING_DIMENSIONS, KnowledgeRepository } from '../../../src/main/engine/repositories/KnowledgeRepository';
import { freshDataDir } from '../../fakes/tempDir';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openMigrated(): Promise<Database> {
  const db = await Database.openInMemory();
  cleanups.push(() => db.close());
  await db.migrate();
  return db;
}

/** A unit vector pointing mostly along `axis`. */
function vec(axis: number, wobble = 0): number[] {
  const v = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  v[axis] = 1;
  v[(axis + 1) % EMBEDDING_DIMENSIONS] = wobble;
  return v;
}

describe('Database', () => {
  it('applies each migration once and records it; a second start applies nothing', async () => {
    const dir = await freshDataDir();
    cleanups.push(dir.cleanup);
    const first = await Database.open(dir.path);
    expect(await first.migrate()).toEqual(MIGRATIONS.map((m) => m.version));
    await first.close();

    const second = await Database.open(dir.path);
    cleanups.push(() => second.close());
    expect(await second.migrate()).toEqual([]);
    const rows = await second.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations');
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('rolls back a failing migration whole and does not record it', async () => {
    const db = await openMigrated();
    const broken = { version: 999, name: 'broken', sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();' };
    await expect(db.migrate([...MIGRATIONS, broken])).rejects.toThrow(/no_such_function/);
    const tables = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
    expect(tables).toHaveLength(0);
    expect(await db.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
  });

  it('runs concurrent writes one at a time without losing any', async () => {
    const db = await openMigrated();
    const brands = new BrandRepository(db);
    await Promise.all(Array.from({ length: 40 }, (_, i) => brands.create({ name: `Brand ${i}` }, 'UTC')));
    expect((await brands.list()).length).toBe(40);
  });

  it('finds the nearest knowledge chunks with pgvector through the HNSW index', async () => {
    const db = await openMigrated();
    const brand = await new BrandRepository(db).create({ name: 'Vectors' }, 'UTC');
    const knowledge = new KnowledgeRepository(db);
    await knowledge.add({ brandId: brand.id, source: 'about', content: 'about us', embedding: vec(0), model: 'test' });
    await knowledge.add({ brandId: brand.id, source: 'faq', content: 'faq', embedding: vec(5), model: 'test' });
    await knowledge.add({ brandId: brand.id, source: 'blog', content: 'blog', embedding: vec(0, 0.5), model: 'test' });

    const matches = await knowledge.nearest(brand.id, vec(0), 2);
    expect(matches.map((m) => m.source)).toEqual(['about', 'blog']);
    expect(matches[0]!.similarity).toBeCloseTo(1, 5);

    await db.write(async (tx) => {
      await tx.exec('SET LOCAL enable_seqscan = off');
      const plan = await tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM knowledge_chunks ORDER BY embedding <=> '[${vec(0).join(',')}]'::vector LIMIT 2`,
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('knowledge_chunks_embedding');
    });
  });

  it('refuses an embedding of the wrong size with a clear error', async () => {
    const db = await openMigrated();
    const brand = await new BrandRepository(db).create({ name: 'Sizes' }, 'UTC');
    const knowledge = new KnowledgeRepository(db);
    await expect(
      knowledge.add({ brandId: brand.id, source: 's', content: 'c', embedding: [1, 2, 3], model: 'm' }),
    ).rejects.toThrow(/768 dimensions/);
  });
});
