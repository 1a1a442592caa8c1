// Every configured MCP server, kept running, and their tools offered to agents
// as one ToolSource. One instance per engine; `stop()` ends every child.
import { isDeepStrictEqual } from 'node:util';
import { ChorusError } from '../../../shared/contract';
import type {
  McpCallToolResult,
  McpConfigFile,
  McpLogLine,
  McpServerConfig,
  McpServerInfo,
  McpServerStatus,
} from '../../../shared/contract/schemas/mcp';
import type { AgentTool, ToolCallContext, ToolResult, ToolSource } from '../agents/AgentTool';
import type { SecretStore } from '../secrets/SecretStore';
import {
  describeTarget,
  emptyConfig,
  moveInlineSecrets,
  parseMcpConfigText,
  readMcpConfig,
  secretKeysOf,
  writeMcpConfig,
} from './mcpConfig';
import { DEFAULT_BACKOFF, McpServerConnection, type BackoffOptions, type McpToolEntry } from './McpServerConnection';

export interface McpHostOptions {
  dataDir: string;
  secrets: SecretStore;
  log: (message: string, error?: unknown) => void;
  /** Every status change, for the `mcp.status` event. */
  onStatus?: (event: { server: string; status: McpServerStatus; lastError?: string }) => void;
  /**
   * Start every enabled server with the host (the app, `chorus serve`). When false
   * (one-shot CLI commands) a server starts the first time its tools are needed.
   */
  autoStart: boolean;
  backoff?: Partial<BackoffOptions>;
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  random?: () => number;
}

export interface CallOptions {
  /** A person approved this call; required for `write` tools. */
  approved?: boolean;
  signal?: AbortSignal;
}

export class McpHost implements ToolSource {
  private config: McpConfigFile = emptyConfig();
  /** Why mcp.json could not be read at start, if it could not. */
  private configError: string | null = null;
  private readonly connections = new Map<string, McpServerConnection>();
  private running = false;
  /** Config changes one at a time, so two imports never interleave their writes. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: McpHostOptions) {}

  async start(): Promise<void> {
    try {
      this.config = readMcpConfig(this.options.dataDir);
    } catch (error) {
      // A broken file must not keep Chorus from starting; it is reported and left untouched.
      this.configError = error instanceof Error ? error.message : String(error);
      this.options.log(`MCP servers are off: ${this.configError}`);
    }
    this.running = true;
    for (const [name, config] of Object.entries(this.config.mcpServers)) this.connections.set(name, this.connect(name, config));
    if (this.options.autoStart) {
      for (const connection of this.connections.values()) if (!connection.config.disabled) void connection.start();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.changes.catch(() => undefined);
    await Promise.all([...this.connections.values()].map((c) => c.stop()));
  }

  // ── Contract ──

  servers(): McpServerInfo[] {
    return [...this.connections.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => ({
        name: c.name,
        transport: 'url' in c.config ? 'http' : 'stdio',
        target: describeTarget(c.config),
        disabled: c.config.disabled,
        status: c.status,
        lastError: c.lastError,
        restarts: c.restarts,
        pid: c.pid,
        tools: c.tools.map((t) => ({ name: t.name, description: t.description, effect: t.effect })),
      }));
  }

  /** The config error found at start, if mcp.json could not be read. */
  get loadError(): string | null {
    return this.configError;
  }

  logs(server: string): McpLogLine[] {
    return this.connection(server).logLines();
  }

  /**
   * Validates the text first (nothing changes when it is wrong), moves inline
   * tokens to the keychain, saves, then starts, restarts or stops what changed.
   */
  importConfig(json: string, mode: 'merge' | 'replace'): Promise<McpServerInfo[]> {
    return this.change(async () => {
      const incoming = parseMcpConfigText(json);
      if (this.configError && mode === 'merge') {
        throw new ChorusError('conflict', `${this.configError} Fix the file, or import with mode "replace".`);
      }
      const moved: Record<string, McpServerConfig> = {};
      for (const [name, config] of Object.entries(incoming.mcpServers)) {
        moved[name] = (await moveInlineSecrets(name, config, this.options.secrets)).config;
      }
      const next: McpConfigFile = {
        mcpServers: mode === 'replace' ? moved : { ...this.config.mcpServers, ...moved },
      };
      writeMcpConfig(this.options.dataDir, next);
      this.config = next;
      this.configError = null;
      await this.reconcile();
      return this.servers();
    });
  }

  remove(server: string): Promise<{ server: string }> {
    return this.change(async () => {
      const config = this.config.mcpServers[server];
      if (!config) throw this.notFound(server);
      const rest = { ...this.config.mcpServers };
      delete rest[server];
      writeMcpConfig(this.options.dataDir, { mcpServers: rest });
      this.config = { mcpServers: rest };
      await this.connections.get(server)?.stop();
      this.connections.delete(server);
      // Tokens Chorus moved to the keychain for this server go with it.
      for (const key of secretKeysOf(config)) if (key.startsWith(`mcp.${server.toLowerCase()}.`)) await this.options.secrets.delete(key);
      return { server };
    });
  }

  async restart(server: string): Promise<McpServerInfo> {
    const connection = this.connection(server);
    if (connection.config.disabled) throw new ChorusError('conflict', `The MCP server "${server}" is disabled in the config.`);
    await connection.restart();
    return this.servers().find((s) => s.name === server)!;
  }

  /** Calls one tool; argument problems and missing approval are refused before anything reaches the server. */
  async callTool(server: string, tool: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<McpCallToolResult> {
    const connection = this.connection(server);
    await this.ensureStarted(connection);
    const entry = connection.tools.find((t) => t.tool === tool);
    if (!entry) {
      if (connection.status !== 'running') throw connection.unavailable();
      throw new ChorusError('not_found', `The MCP server "${server}" has no tool named "${tool}".`);
    }
    if (entry.effect === 'write' && options.approved !== true) {
      throw new ChorusError(
        'approval_required',
        `${entry.name} can change things outside Chorus; a person must approve this call (approved: true).`,
      );
    }
    const issues = entry.check(args);
    if (issues.length) {
      throw new ChorusError(
        'invalid_input',
        `Arguments for ${entry.name} do not fit its input schema: ${describeIssues(issues)}`,
        issues.map((issue) => ({ path: ['arguments', ...issue.path], message: issue.message })),
      );
    }
    return connection.call(entry, args, options.signal);
  }

  // ── ToolSource, for the agent runtime ──

  /** Tools of every running server; servers not started yet are started first (start-ups are shared). */
  async listTools(): Promise<AgentTool[]> {
    const enabled = [...this.connections.values()].filter((c) => !c.config.disabled);
    await Promise.all(enabled.map((c) => this.ensureStarted(c)));
    return enabled.flatMap((connection) => connection.tools.map((entry) => this.agentTool(connection, entry)));
  }

  private agentTool(connection: McpServerConnection, entry: McpToolEntry): AgentTool {
    return {
      name: entry.name,
      description: entry.description,
      inputSchema: entry.inputSchema,
      effect: entry.effect,
      // The runtime asks a person before `write` tools; by the time call() runs, that has happened.
      call: async (args: Record<string, unknown>, context: ToolCallContext): Promise<ToolResult> => {
        const issues = entry.check(args);
        if (issues.length) return { content: `Invalid arguments for ${entry.name}: ${describeIssues(issues)}`, isError: true };
        const current = this.connections.get(connection.name);
        if (current !== connection || connection.status !== 'running') {
          return { content: connection.unavailable().message, isError: true };
        }
        const result = await connection.call(entry, args, context.signal);
        return result.data === undefined ? { content: result.content, isError: result.isError } : result;
      },
    };
  }

  // ── Internals ──

  private connect(name: string, config: McpServerConfig): McpServerConnection {
    return new McpServerConnection({
      name,
      config,
      secrets: this.options.secrets,
      backoff: { ...DEFAULT_BACKOFF, ...this.options.backoff },
      connectTimeoutMs: this.options.connectTimeoutMs ?? 30_000,
      callTimeoutMs: this.options.callTimeoutMs ?? 120_000,
      random: this.options.random,
      onStatus: (c) => {
        if (!this.running && c.status !== 'stopped') return;
        this.options.onStatus?.({ server: c.name, status: c.status, ...(c.lastError ? { lastError: c.lastError } : {}) });
      },
    });
  }

  /** Brings the connections in line with the config: unchanged servers keep running. */
  private async reconcile(): Promise<void> {
    const work: Promise<void>[] = [];
    for (const [name, connection] of this.connections) {
      const config = this.config.mcpServers[name];
      if (config && isDeepStrictEqual(config, connection.config)) continue;
      const wasUp = connection.status !== 'stopped';
      this.connections.delete(name);
      const stopped = connection.stop();
      work.push(stopped);
      if (config) {
        const replacement = this.connect(name, config);
        this.connections.set(name, replacement);
        // A server that was up comes back with its new config.
        if (!config.disabled && (this.options.autoStart || wasUp)) work.push(stopped.then(() => void replacement.start()));
      }
    }
    for (const [name, config] of Object.entries(this.config.mcpServers)) {
      if (this.connections.has(name)) continue;
      const connection = this.connect(name, config);
      this.connections.set(name, connection);
      if (this.options.autoStart && !config.disabled) void connection.start();
    }
    await Promise.all(work);
  }

  private async ensureStarted(connection: McpServerConnection): Promise<void> {
    if (!this.running) throw new ChorusError('unavailable', 'MCP servers are stopping.');
    if (connection.config.disabled) throw new ChorusError('conflict', `The MCP server "${connection.name}" is disabled in the config.`);
    if (connection.status === 'stopped') await connection.start();
    else await connection.whenSettled();
  }

  private connection(server: string): McpServerConnection {
    const connection = this.connections.get(server);
    if (!connection) throw this.notFound(server);
    return connection;
  }

  private notFound(server: string): ChorusError {
    return new ChorusError('not_found', `There is no MCP server named "${server}".`);
  }

  private change<T>(work: () => Promise<T>): Promise<T> {
    if (!this.running) return Promise.reject(new ChorusError('unavailable', 'MCP servers are not running.'));
    const run = this.changes.then(work);
    this.changes = run.catch(() => undefined);
    return run;
  }
}

function describeIssues(issues: { path: (string | number)[]; message: string }[]): string {
  return issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}
