// Small local models often write a tool call as text instead of making it.
// This recognises the common shapes, but only returns a call that names a
// real tool with arguments valid against that tool's JSON Schema: a guess
// that might run the wrong tool is worse than no call.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { findBalancedJson } from './jsonRepair';
import type { JsonSchema, ToolCall, ToolSpec } from './ModelProvider';

const validators = new WeakMap<JsonSchema, z.ZodType | null>();

/** A zod validator built from a tool's JSON Schema (cached); null when the schema cannot be read. */
function validatorFor(schema: JsonSchema): z.ZodType | null {
  if (validators.has(schema)) return validators.get(schema)!;
  let validator: z.ZodType | null;
  try {
    validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    validator = null;
  }
  validators.set(schema, validator);
  return validator;
}

/** Validates tool arguments against the tool's JSON Schema; issues as `path: message`. */
export function checkToolArguments(tool: ToolSpec, args: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; issues: string[] } {
  const validator = validatorFor(tool.parameters);
  if (!validator) return { ok: false, issues: [`The schema of "${tool.name}" cannot be checked.`] };
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return { ok: false, issues: ['The arguments must be a JSON object.'] };
  const result = validator.safeParse(args);
  if (!result.success) return { ok: false, issues: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
  return { ok: true, value: args as Record<string, unknown> };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `{name, arguments|parameters}`, `{function: {name, arguments}}`, `{tool, args}`; arguments may be a JSON string. */
function readCallObject(value: unknown): { name: string; args: unknown } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.function === 'object' && record.function !== null) return readCallObject(record.function);
  const name = record.name ?? record.tool ?? record.tool_name;
  if (typeof name !== 'string') return undefined;
  let args: unknown = record.arguments ?? record.parameters ?? record.args ?? record.input ?? {};
  if (typeof args === 'string') args = parseJson(args);
  return { name, args };
}

/** Every JSON object or array found in the text, fences and tags first. */
function jsonCandidates(content: string): unknown[] {
  const found: unknown[] = [];
  for (const match of content.matchAll(/<tool_call>\s*([\s\S]*?)\s*<\/tool_call>/g)) found.push(parseJson(match[1]!));
  for (const match of content.matchAll(/```(?:json|tool_call|tool)?\s*\n?([\s\S]*?)```/g)) found.push(parseJson(match[1]!.trim()));
  for (let from = 0; from < content.length; ) {
    const span = findBalancedJson(content, from);
    if (!span) break;
    found.push(parseJson(content.slice(span.start, span.end)));
    from = span.end;
  }
  return found.filter((v) => v !== undefined);
}

/**
 * A tool call written as text in `content`, or null. Recognises a JSON object
 * naming the tool (bare, in a ```json fence, or in <tool_call> tags, also in a
 * list) and `functions.name({...})` / `name({...})`. Only a call to one of
 * `tools` whose arguments pass that tool's schema is returned.
 */
export function parseTextToolCall(content: string, tools: readonly ToolSpec[]): ToolCall | null {
  if (!content.trim() || tools.length === 0) return null;
  const byName = new Map(tools.map((t) => [t.name, t]));
  const accept = (name: string, args: unknown): ToolCall | null => {
    const tool = byName.get(name) ?? byName.get(name.replace(/^functions\./, ''));
    if (!tool) return null;
    const checked = checkToolArguments(tool, args ?? {});
    return checked.ok ? { id: `call_${randomUUID()}`, name: tool.name, arguments: checked.value } : null;
  };

  for (const candidate of jsonCandidates(content)) {
    for (const item of Array.isArray(candidate) ? candidate : [candidate]) {
      const call = readCallObject(item);
      const accepted = call && accept(call.name, call.args);
      if (accepted) return accepted;
    }
  }

  // functions.chorus.brand_profile({"brandId": "…"}) or brand_profile({...})
  for (const match of content.matchAll(/(?:functions\.)?([A-Za-z_][\w.-]*)\s*\(\s*(?=\{)/g)) {
    const start = match.index + match[0].length;
    const span = findBalancedJson(content, start);
    if (!span || span.start !== start) continue;
    const accepted = accept(match[1]!, parseJson(content.slice(span.start, span.end)));
    if (accepted) return accepted;
  }
  return null;
}
