// The MCP servers config: `<dataDir>/mcp.json`, in the `mcpServers` shape other
// MCP clients use, so a config can be pasted from (or into) Claude Desktop or Cursor.
// Secrets never sit in it: values are `${secret:<key>}` references into the keychain.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChorusError, issuesFrom, type ContractIssue } from '../../../shared/contract';
import { McpConfigFile, SECRET_REFERENCE, type McpServerConfig } from '../../../shared/contract/schemas/mcp';
import type { SecretStore } from '../secrets/SecretStore';

export const MCP_CONFIG_FILE = 'mcp.json';

export const emptyConfig = (): McpConfigFile => ({ mcpServers: {} });

function summary(issues: ContractIssue[]): string {
  const first = issues[0];
  if (!first) return 'The config is not valid.';
  const where = first.path.length ? `${first.path.join('.')}: ` : '';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${where}${first.message}${more}`;
}

/** Validates pasted or dropped text; throws `invalid_input` with the path of every bad field. */
export function parseMcpConfigText(text: string): McpConfigFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = `The config is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    throw new ChorusError('invalid_input', message, [{ path: ['json'], message }]);
  }
  const parsed = McpConfigFile.safeParse(value);
  if (!parsed.success) {
    const issues = issuesFrom(parsed.error);
    throw new ChorusError('invalid_input', summary(issues), issues);
  }
  return { mcpServers: parsed.data.mcpServers };
}

/** The saved config; an absent file is an empty config, a broken one an error naming the file. */
export function readMcpConfig(dataDir: string): McpConfigFile {
  const path = join(dataDir, MCP_CONFIG_FILE);
  if (!existsSync(path)) return emptyConfig();
  try {
    return parseMcpConfigText(readFileSync(path, 'utf8'));
  } catch (error) {
    if (error instanceof ChorusError) {
      throw new ChorusError('invalid_input', `${path} is not a valid MCP config: ${error.message}`, error.issues);
    }
    throw error;
  }
}

/** Drops defaults so the file reads like one a person would write. */
function toFileShape(config: McpServerConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ('command' in config) {
    if (config.type) out.type = config.type;
    out.command = config.command;
    if (config.args.length) out.args = config.args;
    if (Object.keys(config.env).length) out.env = config.env;
    if (config.cwd) out.cwd = config.cwd;
  } else {
    if (config.type) out.type = config.type;
    out.url = config.url;
    if (Object.keys(config.headers).length) out.headers = config.headers;
  }
  if (config.disabled) out.disabled = true;
  return out;
}

/** Written beside the target and renamed, so a crash never leaves half a file. */
export function writeMcpConfig(dataDir: string, config: McpConfigFile): void {
  const path = join(dataDir, MCP_CONFIG_FILE);
  const temp = `${path}.${randomUUID()}.tmp`;
  const shape = { mcpServers: Object.fromEntries(Object.entries(config.mcpServers).map(([name, c]) => [name, toFileShape(c)])) };
  try {
    writeFileSync(temp, `${JSON.stringify(shape, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

// ── Secrets ──

const SECRET_ENV_NAME = /token|secret|passw(or)?d|api_?key|access_?key|private_?key|credential|auth/i;
const SECRET_HEADER_NAME = /^(authorization|proxy-authorization|cookie)$|token|secret|api-?key|auth/i;

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
const hasReference = (value: string) => [...value.matchAll(SECRET_REFERENCE)].length > 0;

/**
 * Pasted configs usually carry tokens in plain text (`"GITHUB_TOKEN": "ghp_…"`).
 * Values under secret-looking names move to the keychain as `mcp.<server>.<name>`
 * and the config keeps a reference, so the token is never written to mcp.json.
 */
export async function moveInlineSecrets(
  server: string,
  config: McpServerConfig,
  secrets: SecretStore,
): Promise<{ config: McpServerConfig; stored: string[] }> {
  const stored: string[] = [];
  const move = async (values: Record<string, string>, looksSecret: RegExp): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) {
      if (value === '' || hasReference(value) || !looksSecret.test(name)) {
        out[name] = value;
        continue;
      }
      const key = `mcp.${slug(server)}.${slug(name)}`;
      await secrets.set(key, value);
      stored.push(key);
      out[name] = `\${secret:${key}}`;
    }
    return out;
  };
  if ('command' in config) return { config: { ...config, env: await move(config.env, SECRET_ENV_NAME) }, stored };
  return { config: { ...config, headers: await move(config.headers, SECRET_HEADER_NAME) }, stored };
}

/** Every keychain key a server's config refers to. */
export function secretKeysOf(config: McpServerConfig): string[] {
  const values = 'command' in config ? Object.values(config.env) : Object.values(config.headers);
  return [...new Set(values.flatMap((v) => [...v.matchAll(SECRET_REFERENCE)].map((m) => m[1]!)))];
}

/**
 * Replaces `${secret:<key>}` references with keychain values. Returns the values
 * used too, so logs can redact them. A missing secret is an error naming it.
 */
export async function resolveSecretReferences(
  values: Record<string, string>,
  secrets: SecretStore,
): Promise<{ resolved: Record<string, string>; secretValues: string[] }> {
  const keys = new Set(Object.values(values).flatMap((v) => [...v.matchAll(SECRET_REFERENCE)].map((m) => m[1]!)));
  const found = new Map<string, string>();
  const missing: string[] = [];
  for (const key of keys) {
    const value = await secrets.get(key);
    if (value === null) missing.push(key);
    else found.set(key, value);
  }
  if (missing.length) {
    throw new ChorusError(
      'not_found',
      `The keychain has no ${missing.map((k) => `"${k}"`).join(', ')}; set ${missing.length > 1 ? 'them' : 'it'} in Settings → Secrets (secrets.set) and restart the server.`,
    );
  }
  const resolved = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, value.replace(SECRET_REFERENCE, (_, key: string) => found.get(key)!)]),
  );
  return { resolved, secretValues: [...found.values()] };
}

/** The command line or URL, for humans; references stay references. */
export function describeTarget(config: McpServerConfig): string {
  if ('url' in config) return config.url;
  return [config.command, ...config.args].map((part) => (/\s/.test(part) ? JSON.stringify(part) : part)).join(' ');
}
