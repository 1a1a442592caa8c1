import { z } from 'zod';
import { Platform } from './accounts';
import { Id, IsoDateTime, text } from './common';

// ── The config file: the `mcpServers` shape Claude Desktop, Cursor and others use ──

/** No dots: a server's tools are named `<server>.<tool>`. */
export const McpServerName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, {
    message: 'A server name holds 1–64 letters, digits, "_" or "-" (no dots: tools are named <server>.<tool>).',
  });

/** `${secret:github.token}`: replaced at spawn time by the keychain value of `github.token`. */
export const SECRET_REFERENCE = /\$\{secret:([a-z0-9][a-z0-9._:-]*)\}/gi;

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'An environment variable name holds letters, digits and "_".' });
const Value = z.string().max(16_384, { message: 'At most 16384 characters.' });

export const McpStdioServerConfig = z
  .object({
    type: z.literal('stdio').optional(),
    command: z.string().trim().min(1, { message: 'The command cannot be empty.' }).max(1024),
    args: z.array(Value).max(200).default([]),
    /** Values may hold `${secret:<key>}` references. */
    env: z.record(EnvName, Value).default({}),
    cwd: z.string().min(1).max(1024).optional(),
    disabled: z.boolean().default(false),
  })
  .strict();

export const McpHttpServerConfig = z
  .object({
    type: z.enum(['http', 'streamable-http', 'streamableHttp']).optional(),
    url: z.url({ protocol: /^https?$/, message: 'Must be an http:// or https:// URL.' }).max(2048),
    /** Values may hold `${secret:<key>}` references. */
    headers: z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { message: 'Not a valid header name.' }), Value).default({}),
    disabled: z.boolean().default(false),
  })
  .strict();

export type McpStdioServerConfig = z.output<typeof McpStdioServerConfig>;
export type McpHttpServerConfig = z.output<typeof McpHttpServerConfig>;
export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;

/**
 * One server: which shape applies is decided by `command` or `url`, so an
 * error names the field that is wrong instead of "matches no union member".
 */
export const McpServerConfig = z.unknown().transform((value, ctx): McpServerConfig => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'A server is an object with "command" (a local program) or "url" (a remote server).' });
    return z.NEVER;
  }
  const record = value as Record<string, unknown>;
  if ('command' in record && 'url' in record) {
    ctx.addIssue({ code: 'custom', message: 'A server has either "command" or "url", not both.' });
    return z.NEVER;
  }
  if (record.type === 'sse') {
    ctx.addIssue({ code: 'custom', path: ['type'], message: 'The old SSE transport is not supported; use the server’s streamable HTTP URL.' });
    return z.NEVER;
  }
  const schema = 'url' in record ? McpHttpServerConfig : 'command' in record ? McpStdioServerConfig : null;
  if (!schema) {
    ctx.addIssue({ code: 'custom', message: 'A server needs "command" (a local program) or "url" (a remote server).' });
    return z.NEVER;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  }
  return parsed.data;
});

export const McpConfigFile = z
  .object({
    mcpServers: z.record(McpServerName, McpServerConfig, {
      error: (issue) => (issue.input === undefined ? 'Expected an "mcpServers" object: {"mcpServers": {"name": {...}}}.' : undefined),
    }),
  })
  // Other clients' files carry their own top-level keys; only mcpServers matters here.
  .loose();

export type McpConfigFile = { mcpServers: Record<string, McpServerConfig> };

// ── Status, logs and calls ──

export const McpServerStatus = z.enum(['starting', 'running', 'restarting', 'stopped', 'failed']);
export const McpToolEffect = z.enum(['read', 'write']);

export const McpToolInfo = z.object({
  /** Namespaced: `<server>.<tool>`. */
  name: z.string(),
  description: z.string(),
  /** `write` tools need a person's approval before each call. */
  effect: McpToolEffect,
});

export const McpServerInfo = z.object({
  name: McpServerName,
  transport: z.enum(['stdio', 'http']),
  /** The command line or the URL, with secret references left as references. */
  target: z.string(),
  disabled: z.boolean(),
  status: McpServerStatus,
  lastError: z.string().nullable(),
  /** Restarts since the last healthy period. */
  restarts: z.number().int().min(0),
  pid: z.number().int().nullable(),
  tools: z.array(McpToolInfo),
});

export const McpLogLine = z.object({
  at: IsoDateTime,
  /** `stderr` from the server process; `host` for what Chorus noted (starts, exits, restarts). */
  stream: z.enum(['stderr', 'host']),
  text: z.string(),
});

export const McpServerRef = z.object({ server: McpServerName }).strict();

export const McpImportInput = z
  .object({
    /** Pasted or dropped text of an `mcpServers` config. */
    json: z.string().min(1, { message: 'Paste a config first.' }).max(1_000_000),
    /** `merge` adds and replaces the named servers; `replace` makes the config exactly this. */
    mode: z.enum(['merge', 'replace']).default('merge'),
  })
  .strict();

export const McpCallToolInput = z
  .object({
    server: McpServerName,
    /** The tool's own name, without the server prefix. */
    tool: z.string().min(1).max(128),
    arguments: z.record(z.string(), z.unknown()).default({}),
    /** Must be true for `write` tools: the person approved this very call. */
    approved: z.boolean().default(false),
  })
  .strict();

export const McpCallToolResult = z.object({
  /** The text the tool answered (non-text parts summarised). */
  content: z.string(),
  isError: z.boolean(),
  /** The tool's structured content, when it gave one. */
  data: z.unknown().optional(),
});

export const McpStatusEvent = z.object({
  server: McpServerName,
  status: McpServerStatus,
  lastError: z.string().optional(),
});

// ── What `chorus mcp` needs from the engine ──

/** A draft proposed from outside (an assistant over MCP); it lands in the approval queue. */
export const DraftSubmitInput = z
  .object({
    brandId: Id,
    platform: Platform,
    text: text(70_000, 'The text').pipe(z.string().min(1, { message: 'A draft needs some text.' })),
    /** Who proposed it (e.g. "mcp:Claude Desktop"); kept in the post's history. */
    source: text(200, 'The source').pipe(z.string().min(1, { message: 'Say where the draft comes from.' })),
  })
  .strict();

export const KnowledgeSearchInput = z
  .object({
    brandId: Id,
    query: text(500, 'The query').pipe(z.string().min(1, { message: 'Say what to search for.' })),
    limit: z.number().int().min(1).max(50).default(5),
  })
  .strict();

export const KnowledgeHit = z.object({
  id: Id,
  source: z.string(),
  content: z.string(),
  /** Full-text rank; higher is better, comparable within one search only. */
  rank: z.number(),
});

export type McpServerStatus = z.infer<typeof McpServerStatus>;
export type McpToolEffect = z.infer<typeof McpToolEffect>;
export type McpToolInfo = z.infer<typeof McpToolInfo>;
export type McpServerInfo = z.infer<typeof McpServerInfo>;
export type McpLogLine = z.infer<typeof McpLogLine>;
export type McpCallToolResult = z.infer<typeof McpCallToolResult>;
export type KnowledgeHit = z.infer<typeof KnowledgeHit>;
