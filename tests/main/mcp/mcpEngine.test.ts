import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type CreatedEngine } from '../../../src/main/engine';
import { MCP_CONFIG_FILE } from '../../../src/main/engine/mcp/mcpConfig';
import type { McpServerInfo } from '../../../src/shared/contract/schemas/mcp';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { crashingServer, filesystemServer, isAlive } from '../../fakes/mcp/servers';
import { freshDataDir, tempDir } from '../../fakes/tempDir';

// The MCP module inside a real engine: routes, events, and children stopped with the engine.
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serverEngine(mcpServers: Record<string, unknown>): Promise<{ engine: CreatedEngine; events: unknown[] }> {
  const dir = await freshDataDir();
  cleanups.push(dir.cleanup);
  writeFileSync(join(dir.path, MCP_CONFIG_FILE), JSON.stringify({ mcpServers }));
  const engine = createEngine({ dataDir: dir.path, host: 'server', secrets: new MemorySecretStore(), log: () => undefined });
  cleanups.push(() => engine.stop());
  const events: unknown[] = [];
  engine.subscribe((name, payload) => {
    if (name === 'mcp.status') events.push(payload);
  });
  await engine.start();
  return { engine, events };
}

async function servers(engine: CreatedEngine): Promise<McpServerInfo[]> {
  const result = await engine.call('mcp.servers', {});
  if (!result.ok) throw new Error(result.error.message);
  return result.data as McpServerInfo[];
}

async function allRunning(engine: CreatedEngine): Promise<McpServerInfo[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const list = await servers(engine);
    if (list.every((s) => s.status === 'running')) return list;
    if (Date.now() > deadline) throw new Error(`Servers did not start: ${JSON.stringify(list)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('mcp module in the engine', () => {
  it('starts configured servers with the host, answers the routes, and stops every child with the engine', async () => {
    const files = tempDir();
    cleanups.push(files.cleanup);
    const { engine, events } = await serverEngine({ fs: filesystemServer(files.path), echo: crashingServer() });
    const list = await allRunning(engine);
    expect(list.map((s) => s.name)).toEqual(['echo', 'fs']);
    expect(list.find((s) => s.name === 'echo')!.tools.map((t) => [t.name, t.effect])).toEqual([
      ['echo.echo', 'read'],
      ['echo.env', 'read'],
      ['echo.crash', 'write'],
    ]);
    expect(events).toEqual(expect.arrayContaining([{ server: 'fs', status: 'starting' }, { server: 'fs', status: 'running' }]));

    const target = join(files.path, 'note.txt');
    const refused = await engine.call('mcp.callTool', { server: 'fs', tool: 'write_file', arguments: { path: target, content: 'x' } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'approval_required' } });
    const written = await engine.call('mcp.callTool', {
      server: 'fs',
      tool: 'write_file',
      arguments: { path: target, content: 'x' },
      approved: true,
    });
    expect(written).toMatchObject({ ok: true, data: { isError: false } });
    const badArgs = await engine.call('mcp.callTool', { server: 'fs', tool: 'read_text_file', arguments: { path: ['no'] } });
    expect(badArgs).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: ['arguments', 'path'] }] } });

    const logs = await engine.call('mcp.logs', { server: 'echo' });
    expect(logs.ok && (logs.data as { lines: { text: string }[] }).lines.some((l) => l.text.startsWith('crashing server up'))).toBe(true);

    const malformed = await engine.call('mcp.import', { json: '{"mcpServers": {"x": {"command": ""}}}' });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: ['mcpServers', 'x', 'command'] }] } });
    expect((await servers(engine)).map((s) => s.name)).toEqual(['echo', 'fs']);

    const pids = (await servers(engine)).map((s) => s.pid!);
    expect(pids.every(isAlive)).toBe(true);
    await engine.stop();
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('refuses a draft for a brand that does not exist', async () => {
    const { engine } = await serverEngine({});
    const result = await engine.call('drafts.submit', {
      brandId: '00000000-0000-4000-8000-000000000000',
      platform: 'x',
      text: 'hello',
      source: 'test',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
