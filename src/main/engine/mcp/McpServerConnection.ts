// One configured MCP server: its child process (stdio) or HTTP session, its
// tools, its status, a bounded log, and restarts with exponential backoff.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { z } from 'zod';
import { ChorusError, type ContractIssue } from '../../../shared/contract';
import type {
  McpCallToolResult,
  McpLogLine,
  McpServerConfig,
  McpServerStatus,
  McpToolEffect,
} from '../../../shared/contract/schemas/mcp';
import type { JsonSchema } from '../llm/ModelProvider';
import type { SecretStore } from '../secrets/SecretStore';
import { appVersion } from '../system/packageInfo';
import { resolveSecretReferences } from './mcpConfig';
import { RingBuffer } from './RingBuffer';

// The SDK's client side costs ~0.1 s to load; it loads when the first server connects, not at start.
let mcpSdk: Promise<{
  Client: typeof import('@modelcontextprotocol/sdk/client/index.js').Client;
  StdioClientTransport: typeof import('@modelcontextprotocol/sdk/client/stdio.js').StdioClientTransport;
  StreamableHTTPClientTransport: typeof import('@modelcontextprotocol/sdk/client/streamableHttp.js').StreamableHTTPClientTransport;
  ToolListChangedNotificationSchema: typeof import('@modelcontextprotocol/sdk/types.js').ToolListChangedNotificationSchema;
}> | null = null;
function loadMcpSdk() {
  mcpSdk ??= Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]).then(([client, stdio, http, types]) => ({
    Client: client.Client,
    StdioClientTransport: stdio.StdioClientTransport,
    StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
    ToolListChangedNotificationSchema: types.ToolListChangedNotificationSchema,
  }));
  return mcpSdk;
}

export interface BackoffOptions {
  /** First restart delay; doubles per consecutive failure. */
  baseMs: number;
  maxMs: number;
  /** ± this fraction of each delay, so servers that died together do not restart in lockstep. */
  jitter: number;
  /** Running this long without trouble forgets earlier failures. */
  healthyAfterMs: number;
  /** Consecutive restarts before giving up (status `failed`); a manual restart starts over. */
  maxRestarts: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  baseMs: 1_000,
  maxMs: 60_000,
  jitter: 0.2,
  healthyAfterMs: 60_000,
  maxRestarts: 10,
};

export const LOG_LINES_KEPT = 200;

export interface ConnectionOptions {
  name: string;
  config: McpServerConfig;
  secrets: SecretStore;
  backoff: BackoffOptions;
  connectTimeoutMs: number;
  callTimeoutMs: number;
  /** Called on every status change (the host turns it into an `mcp.status` event). */
  onStatus: (connection: McpServerConnection) => void;
  random?: () => number;
}

/** A server's tool, namespaced, with its effect and argument check. */
export interface McpToolEntry {
  /** `<server>.<tool>` */
  name: string;
  /** The tool's name on its server. */
  tool: string;
  description: string;
  inputSchema: JsonSchema;
  effect: McpToolEffect;
  /** Problems with `args`, or an empty list when they fit the tool's input schema. */
  check(args: Record<string, unknown>): ContractIssue[];
}

/** MCP tool annotations are hints: only an explicit `readOnlyHint: true` makes a tool a reader. */
export function effectOf(annotations: { readOnlyHint?: boolean } | undefined): McpToolEffect {
  return annotations?.readOnlyHint === true ? 'read' : 'write';
}

/** The content blocks we read back from a tools/call reply; anything else is summarised. */
const ContentBlock = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.enum(['image', 'audio']), mimeType: z.string(), data: z.string() }),
  z.object({ type: z.literal('resource_link'), uri: z.string(), name: z.string().optional() }),
  z.object({
    type: z.literal('resource'),
    resource: z.object({ uri: z.string(), text: z.string().optional(), mimeType: z.string().optional() }),
  }),
  z.object({ type: z.string() }),
]);
const CallReply = z.object({
  content: z.array(ContentBlock).default([]),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  isError: z.boolean().optional(),
});

function contentText(blocks: z.infer<typeof ContentBlock>[]): string {
  return blocks
    .map((block) => {
      if ('text' in block) return block.text;
      if ('data' in block) return `[${block.type} ${block.mimeType}, ${Math.floor((block.data.length * 3) / 4)} bytes]`;
      if ('resource' in block) return block.resource.text ?? `[resource ${block.resource.uri}]`;
      if ('uri' in block) return `[link ${block.uri}]`;
      return `[${block.type} content]`;
    })
    .join('\n');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A JSON Schema → zod validator; when a schema is beyond zod's converter the server alone checks. */
function argumentChecker(schema: JsonSchema): { check: McpToolEntry['check']; problem?: string } {
  let validator: z.ZodType;
  try {
    validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    return { check: () => [], problem: messageOf(error) };
  }
  return {
    check: (args) => {
      const result = validator.safeParse(args);
      if (result.success) return [];
      return result.error.issues.map((issue) => ({
        path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        message: issue.message,
      }));
    },
  };
}

export class McpServerConnection {
  status: McpServerStatus = 'stopped';
  lastError: string | null = null;
  /** Restarts since the last healthy period. */
  restarts = 0;
  tools: McpToolEntry[] = [];

  private readonly logs = new RingBuffer<McpLogLine>(LOG_LINES_KEPT);
  private client: Client | null = null;
  private transport: Transport | null = null;
  private pending: Promise<void> | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private healthyTimer: NodeJS.Timeout | null = null;
  /** Bumped by every attempt and every stop, so late callbacks of an old attempt do nothing. */
  private generation = 0;
  private wanted = false;
  private secretValues: string[] = [];
  private stderrTail = '';
  private lastStderrLine = '';

  constructor(private readonly options: ConnectionOptions) {}

  get name(): string {
    return this.options.name;
  }

  get config(): McpServerConfig {
    return this.options.config;
  }

  get pid(): number | null {
    // Only the stdio transport has a child process (and so a pid).
    const pid = (this.transport as { pid?: number | null } | null)?.pid;
    return typeof pid === 'number' ? pid : null;
  }

  logLines(): McpLogLine[] {
    return this.logs.toArray();
  }

  /** Starts the server, or joins the start already under way. Resolves when the attempt ends, whatever its outcome. */
  start(): Promise<void> {
    this.wanted = true;
    if (this.status === 'running') return Promise.resolve();
    if (this.pending) return this.pending;
    this.clearRestartTimer();
    this.pending = this.connect().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** The start under way, if any. */
  whenSettled(): Promise<void> {
    return this.pending ?? Promise.resolve();
  }

  /** Closes the session and stops the child (stdin closed, then SIGTERM, then SIGKILL). */
  async stop(): Promise<void> {
    this.wanted = false;
    this.generation += 1;
    this.clearRestartTimer();
    this.clearHealthyTimer();
    await this.dispose();
    await this.pending?.catch(() => undefined);
    this.tools = [];
    if (this.status !== 'stopped') {
      this.note('stopped');
      this.setStatus('stopped');
    }
  }

  /** A person asked for it: forget earlier failures and start afresh. */
  async restart(): Promise<void> {
    await this.stop();
    this.restarts = 0;
    await this.start();
  }

  async call(entry: McpToolEntry, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpCallToolResult> {
    const client = this.client;
    if (this.status !== 'running' || !client) throw this.unavailable();
    let reply: unknown;
    try {
      reply = await client.callTool({ name: entry.tool, arguments: args }, undefined, {
        signal,
        timeout: this.options.callTimeoutMs,
      });
    } catch (error) {
      return { content: `${entry.name} failed: ${this.redact(messageOf(error))}`, isError: true };
    }
    const parsed = CallReply.safeParse(reply);
    if (!parsed.success) {
      return { content: `${entry.name} answered in a shape Chorus does not understand.`, isError: true };
    }
    const result: McpCallToolResult = { content: contentText(parsed.data.content), isError: parsed.data.isError ?? false };
    if (parsed.data.structuredContent !== undefined) result.data = parsed.data.structuredContent;
    return result;
  }

  unavailable(): ChorusError {
    const why = this.lastError ? `: ${this.lastError}` : '.';
    return new ChorusError('unavailable', `The MCP server "${this.name}" is ${this.status}${why}`);
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.clearHealthyTimer();
    this.setStatus('starting');
    try {
      const { Client, ToolListChangedNotificationSchema } = await loadMcpSdk();
      const transport = await this.createTransport(generation);
      if (generation !== this.generation) return;
      const client = new Client({ name: 'chorus', version: appVersion() }, { capabilities: {} });
      client.onclose = () => this.onClosed(generation);
      client.onerror = (error) => {
        if (generation === this.generation) this.note(`transport error: ${messageOf(error)}`);
      };
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        if (generation === this.generation) void this.refreshTools(client, generation);
      });
      this.client = client;
      this.transport = transport;
      this.note(`starting: ${'url' in this.config ? this.config.url : this.config.command}`);
      await client.connect(transport, { timeout: this.options.connectTimeoutMs });
      this.tools = await this.listTools(client);
      if (generation !== this.generation) return;
      this.note(`running${this.pid ? ` (pid ${this.pid})` : ''} with ${this.tools.length} tools`);
      this.setStatus('running');
      this.healthyTimer = setTimeout(() => {
        this.healthyTimer = null;
        this.restarts = 0;
      }, this.options.backoff.healthyAfterMs);
      this.healthyTimer.unref();
    } catch (error) {
      if (generation !== this.generation) return;
      this.lastError = this.redact(this.withStderr(messageOf(error)));
      this.note(`failed to start: ${this.lastError}`);
      await this.dispose();
      // A missing secret will still be missing after a backoff: wait for a person.
      if (error instanceof ChorusError) this.setStatus('failed');
      else this.scheduleRestart();
    }
  }

  private async createTransport(generation: number): Promise<Transport> {
    const { config, secrets } = this.options;
    if ('url' in config) {
      const { resolved, secretValues } = await resolveSecretReferences(config.headers, secrets);
      this.secretValues = secretValues;
      const { StreamableHTTPClientTransport } = await loadMcpSdk();
      return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: resolved } });
    }
    const { resolved, secretValues } = await resolveSecretReferences(config.env, secrets);
    this.secretValues = secretValues;
    const { StdioClientTransport } = await loadMcpSdk();
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args,
      env: resolved,
      cwd: config.cwd,
      stderr: 'pipe',
    });
    this.stderrTail = '';
    this.lastStderrLine = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      if (generation === this.generation) this.onStderr(chunk.toString('utf8'));
    });
    return transport;
  }

  private async listTools(client: Client): Promise<McpToolEntry[]> {
    const entries: McpToolEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.options.connectTimeoutMs });
      for (const tool of page.tools) {
        const { check, problem } = argumentChecker(tool.inputSchema);
        if (problem) this.note(`arguments of ${tool.name} are checked by the server only: ${problem}`);
        entries.push({
          name: `${this.name}.${tool.name}`,
          tool: tool.name,
          description: tool.description ?? tool.title ?? '',
          inputSchema: tool.inputSchema,
          effect: effectOf(tool.annotations),
          check,
        });
      }
      cursor = page.nextCursor;
    } while (cursor);
    return entries;
  }

  private async refreshTools(client: Client, generation: number): Promise<void> {
    try {
      const tools = await this.listTools(client);
      if (generation === this.generation) {
        this.tools = tools;
        this.note(`tool list changed: ${tools.length} tools`);
      }
    } catch (error) {
      this.note(`could not refresh the tool list: ${messageOf(error)}`);
    }
  }

  private onClosed(generation: number): void {
    // Only a session that was up: a failing start-up is handled where connect() throws.
    if (generation !== this.generation || !this.wanted || this.status !== 'running') return;
    this.generation += 1;
    this.clearHealthyTimer();
    this.tools = [];
    this.client = null;
    this.transport = null;
    const what = 'url' in this.config ? 'The connection closed' : 'The server process exited';
    this.lastError = this.redact(this.withStderr(what));
    this.note(this.lastError);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const { baseMs, maxMs, jitter, maxRestarts } = this.options.backoff;
    if (this.restarts >= maxRestarts) {
      this.note(`gave up after ${this.restarts} restarts in a row; restart it by hand`);
      this.setStatus('failed');
      return;
    }
    const random = this.options.random ?? Math.random;
    const plain = Math.min(maxMs, baseMs * 2 ** this.restarts);
    const delay = Math.max(0, Math.round(plain * (1 + jitter * (2 * random() - 1))));
    this.restarts += 1;
    this.note(`restarting in ${delay} ms (restart ${this.restarts})`);
    this.setStatus('restarting');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.wanted) return;
      this.pending ??= this.connect().finally(() => {
        this.pending = null;
      });
    }, delay);
    this.restartTimer.unref();
  }

  private async dispose(): Promise<void> {
    const client = this.client;
    const transport = this.transport;
    this.client = null;
    this.transport = null;
    try {
      if (client) await client.close();
      else await transport?.close();
    } catch (error) {
      this.note(`closing failed: ${messageOf(error)}`);
    }
  }

  private onStderr(text: string): void {
    const lines = (this.stderrTail + text).split(/\r?\n/);
    this.stderrTail = lines.pop() ?? '';
    if (this.stderrTail.length > 4_000) {
      lines.push(this.stderrTail);
      this.stderrTail = '';
    }
    for (const line of lines) {
      if (!line.trim()) continue;
      const redacted = this.redact(line.length > 2_000 ? `${line.slice(0, 2_000)}…` : line);
      this.lastStderrLine = redacted;
      this.logs.push({ at: new Date().toISOString(), stream: 'stderr', text: redacted });
    }
  }

  private withStderr(message: string): string {
    return this.lastStderrLine ? `${message} (last stderr line: ${this.lastStderrLine})` : message;
  }

  private redact(text: string): string {
    let out = text;
    for (const secret of this.secretValues) if (secret.length >= 3) out = out.split(secret).join('[secret]');
    return out;
  }

  private note(text: string): void {
    this.logs.push({ at: new Date().toISOString(), stream: 'host', text: this.redact(text) });
  }

  private setStatus(status: McpServerStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.options.onStatus(this);
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  private clearHealthyTimer(): void {
    if (this.healthyTimer) clearTimeout(this.healthyTimer);
    this.healthyTimer = null;
  }
}
