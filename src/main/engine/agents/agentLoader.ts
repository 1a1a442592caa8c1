// Agents are Markdown files: YAML front matter (who they are, which model and
// tools, which output schema) and the instructions as prose. The built-ins ship
// in agents/ at the package root; a user adds or overrides them (same id) in
// <dataDir>/agents. A broken file is reported with its path and line and never
// stops the others from loading.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { packageRoot } from '../system/packageInfo';
import { OUTPUT_SCHEMA_NAMES, type OutputSchemaName } from './outputSchemas';

export const TEAM_IDS = ['strategy', 'creative', 'community', 'data', 'brand'] as const;
export type TeamId = (typeof TEAM_IDS)[number];

/** `chorus.brand_profile`, an MCP tool `server.tool`, or every tool of a server `server.*`. */
export const TOOL_PATTERN = /^[A-Za-z0-9_-]+\.(\*|[A-Za-z0-9_][A-Za-z0-9_.-]*)$/;

/** `default`, a provider (`offline`), or `provider:model` (`ollama:qwen2.5:7b-instruct`). */
const ModelRef = z.string().regex(/^[a-z][a-z0-9_-]*(:.+)?$/, {
  message: 'Write a model as "provider" or "provider:model", e.g. ollama:qwen2.5:7b-instruct.',
});

export const AgentFrontMatter = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, { message: 'An id is lower-case letters, digits and dashes, starting with a letter.' }),
    name: z.string().trim().min(1).max(80),
    team: z.enum(TEAM_IDS),
    role: z.string().trim().min(1).max(400),
    /** `default`, one model, or a fallback chain tried in order. */
    model: z
      .union([z.literal('default'), ModelRef, z.array(ModelRef).min(1)])
      .default('default')
      .transform((m) => (m === 'default' ? ('default' as const) : Array.isArray(m) ? m : [m])),
    tools: z
      .array(z.string().regex(TOOL_PATTERN, { message: 'A tool is "server.tool" or "server.*", e.g. chorus.brand_profile.' }))
      .default([]),
    output: z.enum(OUTPUT_SCHEMA_NAMES),
    /** Tool-loop steps before the final answer; 0 skips tools altogether. */
    maxSteps: z.number().int().min(0).max(20).default(6),
    temperature: z.number().min(0).max(2).optional(),
  })
  .strict();

export type AgentSource = 'builtin' | 'user';

export interface AgentDefinition {
  id: string;
  name: string;
  team: TeamId;
  role: string;
  model: 'default' | string[];
  tools: string[];
  output: OutputSchemaName;
  maxSteps: number;
  temperature?: number;
  /** The prose after the front matter: the system prompt. */
  instructions: string;
  source: AgentSource;
  path: string;
}

export interface AgentLoadProblem {
  path: string;
  /** 1-based line in the file. */
  line: number;
  message: string;
}

export interface LoadedAgents {
  agents: AgentDefinition[];
  problems: AgentLoadProblem[];
}

export function builtinAgentsDir(): string {
  return join(packageRoot(), 'agents');
}

export function userAgentsDir(dataDir: string): string {
  return join(dataDir, 'agents');
}

type Parsed = { ok: true; agent: AgentDefinition } | { ok: false; problems: AgentLoadProblem[] };

/** Where a zod issue points: the line of the deepest key on its path that exists. */
function lineOfPath(doc: Document, counter: LineCounter, path: readonly PropertyKey[], fallback: number): number {
  for (let depth = path.length; depth > 0; depth--) {
    const parentPath = path.slice(0, depth - 1) as (string | number)[];
    const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
    const last = path[depth - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return counter.linePos(range[0]).line + fallback;
    }
    const node = doc.getIn([...parentPath, last as string | number], true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return counter.linePos(node.range[0]).line + fallback;
  }
  return fallback;
}

/** Parses one agent file's text; `path` is only for messages. */
export function parseAgentFile(text: string, path: string, source: AgentSource): Parsed {
  const problem = (line: number, message: string): Parsed => ({ ok: false, problems: [{ path, line, message }] });
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = normalized.split('\n');
  if (lines[0]?.trim() !== '---') return problem(1, 'An agent file starts with a "---" line, then YAML front matter, then "---".');
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
  if (end < 0) return problem(lines.length, 'The front matter is not closed: add a "---" line after it.');

  // Front matter line 1 is file line 2: the offset every position gets.
  const offset = 1;
  const counter = new LineCounter();
  const doc = parseDocument(lines.slice(1, end).join('\n'), { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.map((error) => ({
        path,
        line: (error.linePos?.[0]?.line ?? 1) + offset,
        message: `YAML: ${error.message.split('\n')[0]}`,
      })),
    };
  }
  const raw: unknown = doc.toJS();
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return problem(2, 'The front matter must be a YAML mapping (key: value lines).');

  const parsed = AgentFrontMatter.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const key = issue.path.length ? issue.path.join('.') : '(front matter)';
        const missing = issue.path.length === 1 && !Object.hasOwn(raw, String(issue.path[0]));
        return {
          path,
          line: missing ? 1 : lineOfPath(doc, counter, issue.path, offset),
          message: missing ? `Missing "${key}".` : `${key}: ${issue.message}`,
        };
      }),
    };
  }
  const instructions = lines.slice(end + 1).join('\n').trim();
  if (instructions.length < 20) return problem(end + 2, 'Write the agent’s instructions as prose after the front matter.');
  return { ok: true, agent: { ...parsed.data, instructions, source, path } };
}

function loadDir(dir: string, source: AgentSource, problems: AgentLoadProblem[]): AgentDefinition[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.md') && !n.startsWith('.')).sort();
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    // A user without agents of their own is normal; Chorus without its own agents is a packaging bug.
    if (!missing || source === 'builtin') {
      problems.push({ path: dir, line: 0, message: missing ? 'The built-in agents folder is missing from this installation.' : `Cannot read the folder: ${(error as Error).message}` });
    }
    return [];
  }
  const byId = new Map<string, AgentDefinition>();
  for (const name of names) {
    if (name.toLowerCase() === 'readme.md') continue;
    const path = join(dir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      problems.push({ path, line: 0, message: `Cannot read the file: ${(error as Error).message}` });
      continue;
    }
    const result = parseAgentFile(text, path, source);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const twin = byId.get(result.agent.id);
    if (twin) {
      problems.push({ path, line: 2, message: `Another file in this folder (${twin.path}) already defines the agent "${result.agent.id}"; this one is ignored.` });
      continue;
    }
    byId.set(result.agent.id, result.agent);
  }
  return [...byId.values()];
}

/** Built-in agents, then the user's: a user agent with a built-in's id replaces it. */
export function loadAgents(options: { dataDir: string; builtinDir?: string }): LoadedAgents {
  const problems: AgentLoadProblem[] = [];
  const merged = new Map<string, AgentDefinition>();
  for (const agent of loadDir(options.builtinDir ?? builtinAgentsDir(), 'builtin', problems)) merged.set(agent.id, agent);
  for (const agent of loadDir(userAgentsDir(options.dataDir), 'user', problems)) merged.set(agent.id, agent);
  const agents = [...merged.values()].sort((a, b) => a.team.localeCompare(b.team) || a.id.localeCompare(b.id));
  return { agents, problems };
}
