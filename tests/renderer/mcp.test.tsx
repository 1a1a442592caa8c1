import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../src/shared/contract/errors';
import type { McpServerInfo } from '../../src/shared/contract/schemas/mcp';

// Components talk to lib/api only; the test plays that module, not the transport.
const api = vi.hoisted(() => ({
  call: vi.fn(),
  subscribe: vi.fn(),
}));
vi.mock('../../src/renderer/lib/api', () => api);

const { McpSection, MAX_CONFIG_BYTES } = await import('../../src/renderer/features/settings/McpSection');
const { useMcpStore } = await import('../../src/renderer/features/settings/mcpStore');

type Handler = (input: never) => Result<unknown>;
let handlers: Record<string, Handler>;
let calls: { route: string; input: unknown }[];
let eventListeners: Map<string, (payload: unknown) => void>;
let servers: McpServerInfo[];

function server(overrides: Partial<McpServerInfo> = {}): McpServerInfo {
  return {
    name: 'crashy',
    transport: 'stdio',
    target: 'node crashingServer.ts',
    disabled: false,
    status: 'running',
    lastError: null,
    restarts: 0,
    pid: 4242,
    tools: [
      { name: 'crashy.echo', description: 'Echo', effect: 'read' },
      { name: 'crashy.crash', description: 'Crash', effect: 'write' },
    ],
    ...overrides,
  };
}

/** jsdom's File has no text(); read it the older way, so the real bytes still go through. */
function jsonFile(text: string, name = 'mcp.json'): File {
  const file = new File([text], name, { type: 'application/json' });
  Object.defineProperty(file, 'text', {
    value: () =>
      new Promise<string>((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result));
        reader.onerror = () => reject(reader.error);
        reader.readAsText(file);
      }),
  });
  return file;
}

function drop(target: HTMLElement, files: File[]) {
  const dataTransfer = { files, types: ['Files'], dropEffect: 'none' };
  fireEvent.dragOver(target, { dataTransfer });
  fireEvent.drop(target, { dataTransfer });
}

beforeEach(() => {
  calls = [];
  servers = [server()];
  eventListeners = new Map();
  handlers = { 'mcp.servers': () => ({ ok: true, data: servers }) };
  api.call.mockReset();
  api.call.mockImplementation(async (route: string, input: unknown) => {
    calls.push({ route, input });
    const handler = handlers[route];
    if (!handler) throw new Error(`unexpected call ${route}`);
    return handler(input as never);
  });
  api.subscribe.mockReset();
  api.subscribe.mockImplementation((name: string, listener: (payload: unknown) => void) => {
    eventListeners.set(name, listener);
    return () => eventListeners.delete(name);
  });
  useMcpStore.setState({ servers: [], status: 'idle', error: null, logs: {} });
});

afterEach(cleanup);

const importCalls = () => calls.filter((c) => c.route === 'mcp.import').map((c) => c.input);

describe('MCP section', { timeout: 20_000 }, () => {
  it('shows each server’s status, tools, and follows mcp.status events live', async () => {
    render(<McpSection />);
    const item = await screen.findByTestId('mcp-server');
    expect(within(item).getByTestId('mcp-status').textContent).toBe('Running');
    expect(within(item).getByTestId('mcp-tools').textContent).toContain('crashy.echo');
    expect(within(item).getByTestId('mcp-tools').textContent).toContain('crashy.crashasks first');

    servers = [server({ status: 'restarting', lastError: 'exited with code 3: crashing after 300 ms', restarts: 1, pid: null, tools: [] })];
    act(() => eventListeners.get('mcp.status')!({ server: 'crashy', status: 'restarting', lastError: 'exited with code 3: crashing after 300 ms' }));
    // The event shows at once; the full record (restart count) follows from mcp.servers.
    expect(within(item).getByTestId('mcp-status').textContent).toBe('Restarting');
    expect(within(item).getByTestId('mcp-last-error').textContent).toBe('Last error: exited with code 3: crashing after 300 ms');
    await waitFor(() => expect(within(item).getByTestId('mcp-restarts').textContent).toBe('Restarted 1 time'));
  });

  it('shows the log lines of a server in a panel that refreshes on its status events', async () => {
    const user = userEvent.setup({ delay: null });
    let lines = [{ at: '2025-01-01T10:00:00.000Z', stream: 'host', text: 'starting: node crashingServer.ts' }];
    handlers['mcp.logs'] = (input: { server: string }) => ({ ok: true, data: { server: input.server, lines } });
    render(<McpSection />);
    await user.click(await screen.findByRole('button', { name: 'Show logs' }));
    const panel = await screen.findByTestId('mcp-logs');
    await waitFor(() => expect(within(panel).getAllByTestId('mcp-log-line')).toHaveLength(1));
    expect(calls.find((c) => c.route === 'mcp.logs')!.input).toEqual({ server: 'crashy' });

    lines = [...lines, { at: '2025-01-01T10:00:01.000Z', stream: 'stderr', text: 'crashing after 300 ms' }];
    act(() => eventListeners.get('mcp.status')!({ server: 'crashy', status: 'restarting' }));
    await waitFor(() => expect(within(panel).getAllByTestId('mcp-log-line')).toHaveLength(2));
    expect(within(panel).getAllByTestId('mcp-log-line')[1]!.textContent).toContain('stderrcrashing after 300 ms');

    await user.click(screen.getByRole('button', { name: 'Hide logs' }));
    expect(screen.queryByTestId('mcp-logs')).toBeNull();
  });

  it('shows the engine’s import errors with the path of each bad field, and keeps the text to fix', async () => {
    const user = userEvent.setup({ delay: null });
    handlers['mcp.import'] = () => ({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'mcpServers.gh.command: The command cannot be empty. (and 1 more)',
        issues: [
          { path: ['mcpServers', 'gh', 'command'], message: 'The command cannot be empty.' },
          { path: ['mcpServers', 'web', 'url'], message: 'Must be an http:// or https:// URL.' },
        ],
      },
    });
    render(<McpSection />);
    const pasted = '{"mcpServers": {"gh": {"command": ""}, "web": {"url": "ftp://x"}}}';
    const textarea = await screen.findByLabelText('Config JSON');
    fireEvent.change(textarea, { target: { value: pasted } });
    await user.click(screen.getByRole('button', { name: 'Import' }));

    const issues = await screen.findAllByTestId('mcp-import-issue');
    expect(issues.map((li) => li.textContent)).toEqual([
      'mcpServers.gh.command The command cannot be empty.',
      'mcpServers.web.url Must be an http:// or https:// URL.',
    ]);
    expect(importCalls()).toEqual([{ json: pasted, mode: 'merge' }]);
    expect((textarea as HTMLTextAreaElement).value).toBe(pasted);
  });

  it('imports a dropped .json file by sending its text, then clears the form', async () => {
    const text = JSON.stringify({ mcpServers: { fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] } } });
    handlers['mcp.import'] = () => ({ ok: true, data: [server(), server({ name: 'fs', tools: [] })] });
    render(<McpSection />);
    const section = await screen.findByTestId('mcp-section');
    await screen.findByTestId('mcp-server');

    drop(section, [jsonFile(text)]);

    await waitFor(() => expect(importCalls()).toEqual([{ json: text, mode: 'merge' }]));
    await waitFor(() => expect(screen.getAllByTestId('mcp-server')).toHaveLength(2));
    expect(screen.getByText('Imported. 2 servers are configured.')).toBeTruthy();
    expect((screen.getByLabelText('Config JSON') as HTMLTextAreaElement).value).toBe('');
  });

  it('refuses a dropped file over the size limit without sending it', async () => {
    render(<McpSection />);
    const section = await screen.findByTestId('mcp-section');
    drop(section, [jsonFile('x'.repeat(MAX_CONFIG_BYTES + 1), 'huge.json')]);
    expect((await screen.findByTestId('mcp-import-error')).textContent).toMatch(/huge\.json is .* KB; a config is at most 1000 KB/);
    expect(importCalls()).toEqual([]);
  });

  it('restarts a server, and removes one only after a confirmation', async () => {
    const user = userEvent.setup({ delay: null });
    handlers['mcp.restart'] = () => ({ ok: true, data: server({ restarts: 0, pid: 5151 }) });
    handlers['mcp.remove'] = (input: { server: string }) => ({ ok: true, data: { server: input.server } });
    render(<McpSection />);
    await user.click(await screen.findByRole('button', { name: 'Restart' }));
    await waitFor(() => expect(screen.getByText(/process 5151/)).toBeTruthy());

    await user.click(screen.getByRole('button', { name: 'Remove…' }));
    expect(calls.some((c) => c.route === 'mcp.remove')).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByTestId('mcp-server')).toBeNull());
    expect(calls.find((c) => c.route === 'mcp.remove')!.input).toEqual({ server: 'crashy' });
  });
});
