import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChorusError } from '../../../src/shared/contract';
import { McpHost, type McpHostOptions } from '../../../src/main/engine/mcp/McpHost';
import { MCP_CONFIG_FILE } from '../../../src/main/engine/mcp/mcpConfig';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { crashingServer, filesystemServer, isAlive } from '../../fakes/mcp/servers';
import { tempDir } from '../../fakes/tempDir';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  host: McpHost;
  dataDir: string;
  files: string;
  secrets: MemorySecretStore;
  statuses: { server: string; status: string; lastError?: string; at: number }[];
}

async function hostWith(mcpServers: Record<string, unknown>, options: Partial<McpHostOptions> = {}): Promise<Setup> {
  const data = tempDir('chorus-mcp-');
  const files = tempDir('chorus-mcp-files-');
  cleanups.push(data.cleanup, files.cleanup);
  writeFileSync(join(data.path, MCP_CONFIG_FILE), JSON.stringify({ mcpServers }));
  const secrets = options.secrets instanceof MemorySecretStore ? options.secrets : new MemorySecretStore();
  const statuses: Setup['statuses'] = [];
  const host = new McpHost({
    dataDir: data.path,
    secrets,
    log: () => undefined,
    autoStart: true,
    onStatus: (event) => statuses.push({ ...event, at: Date.now() }),
    ...options,
  });
  cleanups.push(() => host.stop());
  await host.start();
  return { host, dataDir: data.path, files: files.path, secrets, statuses };
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function rejection(promise: Promise<unknown>): Promise<ChorusError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChorusError);
  return error as ChorusError;
}

describe('MCP host with the real filesystem server', () => {
  async function withFiles() {
    const files = tempDir('chorus-mcp-root-');
    cleanups.push(files.cleanup);
    writeFileSync(join(files.path, 'hello.txt'), 'hello from disk\n');
    const setup = await hostWith({ fs: filesystemServer(files.path) });
    return { ...setup, root: files.path };
  }

  it('lists the server’s tools namespaced, with read and write effects from the annotations', async () => {
    const { host } = await withFiles();
    const tools = await host.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('fs.read_text_file')?.effect).toBe('read');
    expect(byName.get('fs.list_directory')?.effect).toBe('read');
    expect(byName.get('fs.write_file')?.effect).toBe('write');
    expect(byName.get('fs.create_directory')?.effect).toBe('write');
    expect(tools.every((t) => t.name.startsWith('fs.'))).toBe(true);
    expect(byName.get('fs.read_text_file')?.inputSchema).toMatchObject({ properties: { path: { type: 'string' } } });
    const [server] = host.servers();
    expect(server).toMatchObject({ name: 'fs', status: 'running', transport: 'stdio', lastError: null });
    expect(server!.pid).toBeGreaterThan(0);
  });

  it('calls a read tool through the host and through its AgentTool', async () => {
    const { host, root } = await withFiles();
    const result = await host.callTool('fs', 'read_text_file', { path: join(root, 'hello.txt') });
    expect(result).toMatchObject({ content: 'hello from disk\n', isError: false });

    const tool = (await host.listTools()).find((t) => t.name === 'fs.read_text_file')!;
    const viaAgent = await tool.call({ path: join(root, 'hello.txt') }, { runId: 'r', agentId: 'a', signal: new AbortController().signal });
    expect(viaAgent).toMatchObject({ content: 'hello from disk\n', isError: false });
  });

  it('refuses arguments that break the input schema before calling the server', async () => {
    const { host } = await withFiles();
    await host.listTools();
    const error = await rejection(host.callTool('fs', 'read_text_file', { path: 42 }));
    expect(error.code).toBe('invalid_input');
    expect(error.issues?.[0]?.path).toEqual(['arguments', 'path']);
    // The server itself would have answered with an isError result, not thrown: the host refused first.
    expect(error.message).toContain('fs.read_text_file');

    const tool = (await host.listTools()).find((t) => t.name === 'fs.read_text_file')!;
    const viaAgent = await tool.call({}, { runId: 'r', agentId: 'a', signal: new AbortController().signal });
    expect(viaAgent.isError).toBe(true);
    expect(viaAgent.content).toMatch(/^Invalid arguments for fs\.read_text_file: path:/);
  });

  it('needs approval for a write tool and writes once approved', async () => {
    const { host, root } = await withFiles();
    const target = join(root, 'new.txt');
    const error = await rejection(host.callTool('fs', 'write_file', { path: target, content: 'x' }));
    expect(error.code).toBe('approval_required');
    expect(existsSync(target)).toBe(false);

    const result = await host.callTool('fs', 'write_file', { path: target, content: 'approved text' }, { approved: true });
    expect(result.isError).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('approved text');
  });

  it('answers not_found for an unknown server or tool', async () => {
    const { host } = await withFiles();
    expect((await rejection(host.callTool('nope', 'x', {}))).code).toBe('not_found');
    expect((await rejection(host.callTool('fs', 'format_disk', {}))).code).toBe('not_found');
  });
});

describe('MCP host restarts', () => {
  it('restarts a server that keeps crashing with growing, jittered delays, then gives up', async () => {
    const { host, statuses } = await hostWith(
      { crashy: crashingServer({ CRASH_AFTER_MS: '300' }) },
      { backoff: { baseMs: 150, maxMs: 5_000, jitter: 0.2, healthyAfterMs: 30_000, maxRestarts: 3 } },
    );
    await until('the server to give up', () => host.servers()[0]!.status === 'failed', 40_000);

    const delays = host
      .logs('crashy')
      .map((line) => /restarting in (\d+) ms/.exec(line.text)?.[1])
      .filter((d): d is string => d !== undefined)
      .map(Number);
    expect(delays).toHaveLength(3);
    // 150, 300, 600 ms ± 20 %: each is longer than the last.
    expect(delays[0]).toBeGreaterThanOrEqual(120);
    expect(delays[0]).toBeLessThanOrEqual(180);
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(delays[2]!).toBeGreaterThan(delays[1]!);
    expect(delays[2]).toBeLessThanOrEqual(720);

    // The time actually waited between "restarting" and the next "starting" honours each delay.
    const waited: number[] = [];
    statuses.forEach((s, i) => {
      if (s.status !== 'restarting') return;
      const next = statuses.slice(i + 1).find((n) => n.status === 'starting');
      if (next) waited.push(next.at - s.at);
    });
    expect(waited).toHaveLength(3);
    waited.forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(delays[i]! - 10));

    const [server] = host.servers();
    expect(server).toMatchObject({ status: 'failed', restarts: 3 });
    expect(server!.lastError).toMatch(/exited|closed/i);
    expect(server!.lastError).toContain('crashing after 300 ms');
    const texts = host.logs('crashy').map((l) => l.text);
    expect(texts).toContain('crashing after 300 ms');
    expect(texts.some((t) => t.startsWith('gave up after 3 restarts'))).toBe(true);
    expect(statuses.map((s) => s.status)).toEqual(expect.arrayContaining(['starting', 'restarting', 'failed']));
  });

  it('brings a server back after it crashes on demand, and a manual restart resets the count', async () => {
    const { host } = await hostWith({ crashy: crashingServer() }, { backoff: { baseMs: 50, healthyAfterMs: 60_000 } });
    await host.listTools();
    const firstPid = host.servers()[0]!.pid!;
    const crash = await host.callTool('crashy', 'crash', {}, { approved: true });
    expect(crash.isError).toBe(true);

    await until('the restart', () => {
      const s = host.servers()[0]!;
      return s.status === 'running' && s.pid !== firstPid;
    });
    expect(host.servers()[0]).toMatchObject({ restarts: 1 });
    expect(host.servers()[0]!.lastError).toContain('crashing on request');
    expect(isAlive(firstPid)).toBe(false);
    expect(await host.callTool('crashy', 'echo', { text: 'back' })).toMatchObject({ content: 'back', isError: false });

    const restarted = await host.restart('crashy');
    expect(restarted).toMatchObject({ status: 'running', restarts: 0 });
  });

  it('stop() ends every child process', async () => {
    const files = tempDir();
    cleanups.push(files.cleanup);
    const { host } = await hostWith({ fs: filesystemServer(files.path), a: crashingServer(), b: crashingServer() });
    await host.listTools();
    const pids = host.servers().map((s) => s.pid);
    expect(pids.every((pid) => typeof pid === 'number')).toBe(true);
    expect(pids.every((pid) => isAlive(pid!))).toBe(true);
    await host.stop();
    expect(pids.filter((pid) => isAlive(pid!))).toEqual([]);
    expect(host.servers().map((s) => s.status)).toEqual(['stopped', 'stopped', 'stopped']);
  });

  it('shares one start-up between callers that ask at once', async () => {
    const { host } = await hostWith({ crashy: crashingServer() }, { autoStart: false });
    expect(host.servers()[0]!.status).toBe('stopped');
    const [a, b] = await Promise.all([host.listTools(), host.listTools()]);
    expect(a.map((t) => t.name).sort()).toEqual(['crashy.crash', 'crashy.echo', 'crashy.env']);
    expect(b).toHaveLength(3);
    const starts = host.logs('crashy').filter((l) => l.text.startsWith('starting:'));
    expect(starts).toHaveLength(1);
  });
});

describe('MCP config', () => {
  it('refuses a malformed config with the path of the bad field and changes nothing', async () => {
    const files = tempDir();
    cleanups.push(files.cleanup);
    const { host, dataDir } = await hostWith({ fs: filesystemServer(files.path) });
    await host.listTools();
    const path = join(dataDir, MCP_CONFIG_FILE);
    const before = readFileSync(path, 'utf8');

    const notJson = await rejection(host.importConfig('{"mcpServers": {', 'merge'));
    expect(notJson.code).toBe('invalid_input');
    expect(notJson.message).toMatch(/not valid JSON/);

    const bad = await rejection(
      host.importConfig(
        JSON.stringify({ mcpServers: { ok: { command: 'node' }, broken: { command: 'node', args: ['a', 7] }, 'bad.name': { url: 'x' } } }),
        'replace',
      ),
    );
    expect(bad.code).toBe('invalid_input');
    const paths = bad.issues!.map((i) => i.path.join('.'));
    expect(paths).toContain('mcpServers.broken.args.1');
    expect(paths.some((p) => p.startsWith('mcpServers.bad.name'))).toBe(true);
    expect(bad.message).toMatch(/^mcpServers\./);

    const neither = await rejection(host.importConfig(JSON.stringify({ mcpServers: { x: { cmd: 'node' } } }), 'merge'));
    expect(neither.message).toContain('"command"');
    expect(neither.issues![0]!.path).toEqual(['mcpServers', 'x']);

    const missing = await rejection(host.importConfig(JSON.stringify({ servers: {} }), 'merge'));
    expect(missing.issues![0]!.path).toEqual(['mcpServers']);

    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(host.servers().map((s) => [s.name, s.status])).toEqual([['fs', 'running']]);
  });

  it('merges an import, starting only what changed, and replace drops the rest', async () => {
    const files = tempDir();
    cleanups.push(files.cleanup);
    const { host, dataDir } = await hostWith({ fs: filesystemServer(files.path) });
    await host.listTools();
    const fsPid = host.servers()[0]!.pid;

    const merged = await host.importConfig(JSON.stringify({ mcpServers: { echo: crashingServer() } }), 'merge');
    expect(merged.map((s) => s.name)).toEqual(['echo', 'fs']);
    await host.listTools();
    expect(host.servers().find((s) => s.name === 'fs')!.pid).toBe(fsPid);
    const saved = JSON.parse(readFileSync(join(dataDir, MCP_CONFIG_FILE), 'utf8')) as { mcpServers: Record<string, unknown> };
    expect(Object.keys(saved.mcpServers).sort()).toEqual(['echo', 'fs']);

    const replaced = await host.importConfig(JSON.stringify({ mcpServers: { echo: crashingServer() } }), 'replace');
    expect(replaced.map((s) => s.name)).toEqual(['echo']);
    expect(isAlive(fsPid!)).toBe(false);

    await host.remove('echo');
    expect(host.servers()).toEqual([]);
    expect(JSON.parse(readFileSync(join(dataDir, MCP_CONFIG_FILE), 'utf8'))).toEqual({ mcpServers: {} });
  });
});

describe('MCP secrets', () => {
  it('injects keychain secrets into the child’s environment and redacts them from logs', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set('test.token', 'tok-3f9a-very-secret');
    const { host, dataDir } = await hostWith(
      { crashy: crashingServer({ CHORUS_TEST_TOKEN: '${secret:test.token}', PLAIN: 'visible' }) },
      { secrets },
    );
    await host.listTools();
    expect(await host.callTool('crashy', 'env', { name: 'CHORUS_TEST_TOKEN' })).toMatchObject({ content: 'tok-3f9a-very-secret' });
    expect(await host.callTool('crashy', 'env', { name: 'PLAIN' })).toMatchObject({ content: 'visible' });

    const lines = await until('the start-up line', () => {
      const logs = host.logs('crashy');
      return logs.some((l) => l.text.startsWith('crashing server up')) && logs;
    });
    const text = lines.map((l) => l.text).join('\n');
    expect(text).toContain('token=[secret]');
    expect(text).not.toContain('tok-3f9a-very-secret');
    expect(readFileSync(join(dataDir, MCP_CONFIG_FILE), 'utf8')).not.toContain('tok-3f9a');
  });

  it('moves plain tokens from a pasted config to the keychain and keeps a reference on disk', async () => {
    const secrets = new MemorySecretStore();
    const { host, dataDir } = await hostWith({}, { secrets });
    const pasted = { mcpServers: { gh: crashingServer({ GITHUB_TOKEN: 'ghp_plaintextvalue123', LOG_LEVEL: 'debug' }) } };
    await host.importConfig(JSON.stringify(pasted), 'merge');

    const onDisk = readFileSync(join(dataDir, MCP_CONFIG_FILE), 'utf8');
    expect(onDisk).not.toContain('ghp_plaintextvalue123');
    expect(onDisk).toContain('${secret:mcp.gh.github-token}');
    expect(onDisk).toContain('"LOG_LEVEL": "debug"');
    expect(await secrets.get('mcp.gh.github-token')).toBe('ghp_plaintextvalue123');
    expect(await host.callTool('gh', 'env', { name: 'GITHUB_TOKEN' })).toMatchObject({ content: 'ghp_plaintextvalue123' });

    await host.remove('gh');
    expect(await secrets.get('mcp.gh.github-token')).toBeNull();
  });

  it('fails a server whose secret is not set, naming the key, without restarting it', async () => {
    const { host } = await hostWith({ crashy: crashingServer({ TOKEN: '${secret:absent.key}' }) }, { backoff: { baseMs: 10 } });
    await host.listTools();
    const [server] = host.servers();
    expect(server).toMatchObject({ status: 'failed', restarts: 0, pid: null });
    expect(server!.lastError).toContain('"absent.key"');
    expect((await rejection(host.callTool('crashy', 'echo', { text: 'x' }))).code).toBe('unavailable');
  });
});
