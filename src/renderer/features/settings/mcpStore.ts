import { create } from 'zustand';
import type { Result } from '../../../shared/contract/errors';
import type { EventPayload } from '../../../shared/contract/routes';
import type { McpLogLine, McpServerInfo } from '../../../shared/contract/schemas/mcp';
import { call } from '../../lib/api';

export type McpLogs = { status: 'loading' } | { status: 'ready'; lines: McpLogLine[] } | { status: 'failed'; message: string };

interface McpState {
  servers: McpServerInfo[];
  status: 'idle' | 'loading' | 'ready' | 'failed';
  error: string | null;
  /** Log panels that are open, with their lines. */
  logs: Record<string, McpLogs>;
  load(): Promise<void>;
  /** A live `mcp.status` event: shown at once, then the full record is fetched (restarts, tools, pid). */
  receive(event: EventPayload<'mcp.status'>): void;
  openLogs(server: string): Promise<void>;
  closeLogs(server: string): void;
  loadLogs(server: string): Promise<void>;
  restart(server: string): Promise<Result<McpServerInfo>>;
  remove(server: string): Promise<Result<{ server: string }>>;
  importConfig(json: string, mode: 'merge' | 'replace'): Promise<Result<McpServerInfo[]>>;
}

// A list that arrives after a newer request (or a newer event) is dropped.
let ticket = 0;
const logTickets = new Map<string, number>();

export const useMcpStore = create<McpState>()((set, get) => ({
  servers: [],
  status: 'idle',
  error: null,
  logs: {},

  async load() {
    const mine = ++ticket;
    if (get().status !== 'ready') set({ status: 'loading' });
    const result = await call('mcp.servers', {});
    if (mine !== ticket) return;
    if (result.ok) set({ servers: result.data, status: 'ready', error: null });
    // A failed refresh keeps the list already on screen.
    else if (get().status !== 'ready') set({ status: 'failed', error: result.error.message });
  },

  receive(event) {
    ticket++;
    set((s) => ({
      servers: s.servers.map((server) =>
        server.name === event.server ? { ...server, status: event.status, lastError: event.lastError ?? server.lastError } : server,
      ),
    }));
    void get().load();
    // A status change comes with log lines (what Chorus noted, what the server printed).
    if (get().logs[event.server]) void get().loadLogs(event.server);
  },

  async openLogs(server) {
    set((s) => ({ logs: { ...s.logs, [server]: { status: 'loading' } } }));
    await get().loadLogs(server);
  },

  closeLogs(server) {
    logTickets.delete(server);
    set((s) => {
      const logs = { ...s.logs };
      delete logs[server];
      return { logs };
    });
  },

  async loadLogs(server) {
    const mine = (logTickets.get(server) ?? 0) + 1;
    logTickets.set(server, mine);
    const result = await call('mcp.logs', { server });
    // Closed meanwhile, or a newer request is on its way.
    if (logTickets.get(server) !== mine || !get().logs[server]) return;
    const logs: McpLogs = result.ok ? { status: 'ready', lines: result.data.lines } : { status: 'failed', message: result.error.message };
    set((s) => ({ logs: { ...s.logs, [server]: logs } }));
  },

  async restart(server) {
    const result = await call('mcp.restart', { server });
    if (result.ok) {
      ticket++;
      const info = result.data;
      set((s) => ({ servers: s.servers.map((x) => (x.name === info.name ? info : x)) }));
      if (get().logs[server]) void get().loadLogs(server);
    }
    return result;
  },

  async remove(server) {
    const result = await call('mcp.remove', { server });
    if (result.ok) {
      ticket++;
      get().closeLogs(server);
      set((s) => ({ servers: s.servers.filter((x) => x.name !== server) }));
    }
    return result;
  },

  async importConfig(json, mode) {
    const result = await call('mcp.import', { json, mode });
    if (result.ok) {
      ticket++;
      set({ servers: result.data, status: 'ready', error: null });
    }
    return result;
  },
}));
