// The obvious slips small models make when asked for JSON, undone before
// validation: fences, prose around the object, JSON inside a string, and
// scalar types the schema can tell apart ("42" for 42, "true" for true, null
// for an optional field, one object where a list of one is expected).
import type { JsonSchema } from './ModelProvider';

export type JsonExtraction = { ok: true; value: unknown; coerced: string[] } | { ok: false; error: string };

const FENCE = /```(?:json|JSON|jsonc)?\s*\n?([\s\S]*?)```/;

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The first balanced {...} or [...] in `text` that parses, string-literal aware. */
export function findBalancedJson(text: string, from = 0): { start: number; end: number } | undefined {
  for (let begin = from; begin < text.length; begin += 1) {
    if (text[begin] !== '{' && text[begin] !== '[') continue;
    const end = balancedEnd(text, begin);
    if (end !== undefined && tryParse(text.slice(begin, end)).ok) return { start: begin, end };
  }
  return undefined;
}

function balancedEnd(text: string, begin: number): number | undefined {
  const stack: string[] = [];
  let inString = false;
  let escaped = false;
  for (let i = begin; i < text.length; i += 1) {
    const ch = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') stack.push(ch === '{' ? '}' : ']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
      if (stack.length === 0) return i + 1;
    }
  }
  return undefined;
}

/**
 * Reads a JSON value out of a model's reply. `coerced` names each repair made,
 * so callers can count and log them.
 */
export function extractJson(text: string): JsonExtraction {
  const coerced: string[] = [];
  let candidate = text.trim();
  let parsed = tryParse(candidate);
  if (!parsed.ok) {
    const fence = FENCE.exec(candidate);
    if (fence?.[1] !== undefined) {
      const inner = tryParse(fence[1].trim());
      if (inner.ok) {
        coerced.push('removed a markdown code fence');
        parsed = inner;
        candidate = fence[1].trim();
      }
    }
  }
  if (!parsed.ok) {
    const span = findBalancedJson(candidate);
    if (span) {
      coerced.push('ignored text around the JSON');
      parsed = tryParse(candidate.slice(span.start, span.end));
    }
  }
  if (!parsed.ok) return { ok: false, error: 'The reply is not valid JSON.' };
  let value = parsed.value;
  // A JSON document written inside a JSON string: "{\"a\":1}".
  if (typeof value === 'string') {
    const inner = tryParse(value.trim());
    if (inner.ok && typeof inner.value === 'object' && inner.value !== null) {
      coerced.push('unwrapped JSON written inside a string');
      value = inner.value;
    }
  }
  return { ok: true, value, coerced };
}

type Schema = JsonSchema & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
  $defs?: Record<string, Schema>;
  definitions?: Record<string, Schema>;
};

function resolveRef(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let depth = 0; depth < 10 && typeof current.$ref === 'string'; depth += 1) {
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(current.$ref);
    const target = match ? (root[match[1] as '$defs' | 'definitions'] as Record<string, Schema> | undefined)?.[match[2]!] : undefined;
    if (!target) return current;
    current = target;
  }
  return current;
}

function types(schema: Schema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (typeof schema.type === 'string') return [schema.type];
  return [];
}

function variants(schema: Schema, root: Schema): Schema[] {
  const resolved = resolveRef(schema, root);
  const alternatives = resolved.anyOf ?? resolved.oneOf;
  if (alternatives) return alternatives.flatMap((s) => variants(s, root));
  return [resolved];
}

function allowsNull(schema: Schema, root: Schema): boolean {
  return variants(schema, root).some((s) => types(s).includes('null') || (s as { const?: unknown }).const === null);
}

/**
 * Nudges `value` toward `schema` where the intent is unambiguous; anything
 * else is left alone for validation to report.
 */
export function coerceToSchema(value: unknown, schema: JsonSchema, notes: string[] = [], root: JsonSchema = schema): unknown {
  const options = variants(schema as Schema, root as Schema);
  const wanted = new Set(options.flatMap(types));
  if (wanted.size === 0 && options.length === 1 && !options[0]!.properties && !options[0]!.items) return value;

  if (typeof value === 'string' && !wanted.has('string')) {
    const trimmed = value.trim();
    if ((wanted.has('number') || wanted.has('integer')) && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(trimmed)) {
      notes.push('read a number written as a string');
      return Number(trimmed);
    }
    if (wanted.has('boolean') && /^(true|false)$/i.test(trimmed)) {
      notes.push('read "true"/"false" as a boolean');
      return trimmed.toLowerCase() === 'true';
    }
  }

  if (wanted.has('array') && !Array.isArray(value) && value !== null && value !== undefined && !typeMatches(value, wanted)) {
    notes.push('wrapped a single value in a list');
    value = [value];
  }

  if (Array.isArray(value)) {
    const arraySchema = options.find((s) => types(s).includes('array') || s.items);
    if (arraySchema?.items) return value.map((item) => coerceToSchema(item, arraySchema.items!, notes, root));
    return value;
  }

  if (typeof value === 'object' && value !== null) {
    const objectSchema = options.find((s) => s.properties);
    if (!objectSchema?.properties) return value;
    const required = new Set(objectSchema.required ?? []);
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
      const propertySchema = objectSchema.properties[key];
      if (!propertySchema) {
        out[key] = field;
        continue;
      }
      if (field === null && !required.has(key) && !allowsNull(propertySchema, root as Schema)) {
        notes.push(`dropped null for the optional field "${key}"`);
        continue;
      }
      out[key] = coerceToSchema(field, propertySchema, notes, root);
    }
    return out;
  }
  return value;
}

function typeMatches(value: unknown, wanted: Set<string>): boolean {
  const type = jsonType(value);
  return wanted.has(type) || (type === 'integer' && wanted.has('number'));
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
