import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/main/engine';
import type { Brand, Post } from '../../../src/shared/contract';
import { CHORUS_BIN, REPO_ROOT } from '../../fakes/cliProcess';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { freshDataDir } from '../../fakes/tempDir';

// `chorus mcp` driven by the SDK's own client over stdio, on a data folder seeded first.
let dataDir = '';
let cleanup = () => undefined as unknown;
let brand: Brand;
let client: Client;
let transport: StdioClientTransport;
let stderr = '';
const clientErrors: Error[] = [];

function vector(hot: number): number[] {
  return Array.from({ length: 768 }, (_, i) => (i === hot ? 1 : 0));
}

async function withEngine<T>(work: (engine: ReturnType<typeof createEngine>) => Promise<T>): Promise<T> {
  const engine = createEngine({ dataDir, host: 'cli', secrets: new MemorySecretStore(), log: () => undefined });
  await engine.start();
  try {
    return await work(engine);
  } finally {
    await engine.stop();
  }
}

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  const content = result.content as { type: string; text?: string }[];
  return content.map((c) => c.text ?? '').join('\n');
}

beforeAll(async () => {
  const dir = await freshDataDir();
  dataDir = dir.path;
  cleanup = dir.cleanup;
  await withEngine(async (engine) => {
    const created = await engine.call('brands.create', { name: 'Northwind Coffee', timezone: 'America/Chicago' });
    if (!created.ok) throw new Error(created.error.message);
    brand = created.data as Brand;
    const { posts, knowledge } = engine.services();
    await posts.create({
      brandId: brand.id,
      platform: 'bluesky',
      text: 'Spring roast is here',
      status: 'scheduled',
      schedule: { at: '2025-03-10T15:00:00.000Z', timeZone: 'America/Chicago' },
    });
    await posts.create({
      brandId: brand.id,
      platform: 'mastodon',
      text: 'Summer menu',
      status: 'scheduled',
      schedule: { at: '2025-06-10T15:00:00.000Z', timeZone: 'America/Chicago' },
    });
    await knowledge.add({ brandId: brand.id, source: 'faq.md', content: 'Our beans are roasted every Tuesday in Chicago.', embedding: vector(1), model: 'test' });
    await knowledge.add({ brandId: brand.id, source: 'about.md', content: 'Founded in 2009 by two baristas.', embedding: vector(2), model: 'test' });
  });

  transport = new StdioClientTransport({
    command: process.execPath,
    args: [CHORUS_BIN, 'mcp', '--data-dir', dataDir],
    cwd: REPO_ROOT,
    env: getDefaultEnvironment(),
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  client = new Client({ name: 'chorus-test', version: '1.0.0' });
  client.onerror = (error) => clientErrors.push(error);
  await client.connect(transport, { timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await client?.close();
  cleanup();
});

describe('chorus mcp', () => {
  it('lists its tools, marking which only read', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(['create_draft', 'list_brands', 'read_calendar', 'search_knowledge']);
    expect(byName.get('list_brands')?.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('create_draft')?.annotations?.readOnlyHint).toBe(false);
    expect(byName.get('create_draft')?.inputSchema.required).toEqual(expect.arrayContaining(['brand', 'platform', 'text']));
  });

  it('lists the brand created before it started', async () => {
    const result = await client.callTool({ name: 'list_brands', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(textOf(result))).toEqual([expect.objectContaining({ id: brand.id, name: 'Northwind Coffee', timezone: 'America/Chicago' })]);
  });

  it('reads the calendar for a date range, by brand name', async () => {
    const result = await client.callTool({
      name: 'read_calendar',
      arguments: { brand: 'northwind coffee', from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z' },
    });
    const posts = JSON.parse(textOf(result)) as Post[];
    expect(posts.map((p) => [p.text, p.scheduledAt])).toEqual([['Spring roast is here', '2025-03-10T15:00:00.000Z']]);

    const backwards = await client.callTool({ name: 'read_calendar', arguments: { from: '2025-04-01T00:00:00Z', to: '2025-03-01T00:00:00Z' } });
    expect(backwards.isError).toBe(true);
    expect(textOf(backwards)).toContain('"from" must be before "to"');
  });

  it('searches knowledge by text, stemming included', async () => {
    const result = await client.callTool({ name: 'search_knowledge', arguments: { brand: brand.id, query: 'roasting' } });
    const hits = JSON.parse(textOf(result)) as { source: string }[];
    expect(hits.map((h) => h.source)).toEqual(['faq.md']);
  });

  it('returns clear tool errors for bad input instead of failing the session', async () => {
    const badPlatform = await client.callTool({ name: 'create_draft', arguments: { brand: brand.id, platform: 'myspace', text: 'hi' } });
    expect(badPlatform.isError).toBe(true);
    expect(textOf(badPlatform)).toMatch(/platform/);

    const noBrand = await client.callTool({ name: 'create_draft', arguments: { brand: 'Contoso', platform: 'x', text: 'hi' } });
    expect(noBrand.isError).toBe(true);
    expect(textOf(noBrand)).toContain('There is no brand "Contoso". Brands: "Northwind Coffee".');
  });

  it('puts a created draft in the approval queue, never publishing it', async () => {
    const result = await client.callTool({
      name: 'create_draft',
      arguments: { brand: 'Northwind Coffee', platform: 'linkedin', text: 'Meet our new roaster.' },
    });
    expect(result.isError).toBeFalsy();
    const draft = JSON.parse(textOf(result)) as { id: string; status: string };
    expect(draft.status).toBe('in_review');

    expect(clientErrors).toEqual([]);
    await client.close();
    await withEngine(async (engine) => {
      const listed = await engine.call('posts.list', { brandId: brand.id, status: 'in_review' });
      expect(listed.ok && (listed.data as Post[]).map((p) => [p.id, p.text, p.platform])).toEqual([
        [draft.id, 'Meet our new roaster.', 'linkedin'],
      ]);
      const history = await engine.services().posts.history(draft.id);
      expect(history.map((e) => e.kind)).toEqual(['created', 'submitted']);
      expect(history[1]!.detail).toEqual({ source: 'mcp:chorus-test' });
    });
    expect(stderr).toContain('[chorus mcp] serving');
  });
});
