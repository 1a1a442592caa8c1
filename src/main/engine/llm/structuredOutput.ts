// Structured output that survives small models: ask with a JSON Schema, undo
// the obvious slips, validate with zod, send the real validation errors back
// for a bounded number of repairs, then move down the fallback chain.
import { z } from 'zod';
import { coerceToSchema, extractJson } from './jsonRepair';
import type { ChatMessage, ChatRequest, ChatResponse, JsonSchema, ModelProvider, ProviderId } from './ModelProvider';
import { ModelChainError, shouldFallBack, type CallMeta, type Candidate, type Fallback, type ModelRef, type ModelRouter } from './modelRouter';

export interface OutputIssue {
  path: (string | number)[];
  message: string;
}

export type ParsedOutput<T> =
  | { ok: true; value: T; coercions: string[] }
  | { ok: false; issues: OutputIssue[]; coercions: string[] };

/** JSON Schema for a zod schema, as providers want it (no `$schema` key: some servers reject it). */
export function toProviderSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return json;
}

/** Reads and validates one reply: extraction, coercions, then `safeParse`. */
export function parseStructured<S extends z.ZodType>(content: string, schema: S, jsonSchema: JsonSchema = toProviderSchema(schema)): ParsedOutput<z.output<S>> {
  const extracted = extractJson(content);
  if (!extracted.ok) return { ok: false, issues: [{ path: [], message: extracted.error }], coercions: [] };
  const coercions = [...extracted.coerced];
  // Try the value as it came first: a coercion must never break a valid reply.
  const direct = schema.safeParse(extracted.value);
  if (direct.success) return { ok: true, value: direct.data, coercions };
  const coerced = coerceToSchema(extracted.value, jsonSchema, coercions);
  const result = schema.safeParse(coerced);
  if (result.success) return { ok: true, value: result.data, coercions };
  return {
    ok: false,
    issues: result.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })),
    coercions: extracted.coerced,
  };
}

/** The message that goes back to the model: the real errors, by path. */
export function repairMessage(schemaName: string, issues: OutputIssue[]): string {
  const lines = issues.slice(0, 20).map((i) => `- ${i.path.length ? i.path.join('.') : '(the whole reply)'}: ${i.message}`);
  return [
    `Your reply does not match the "${schemaName}" JSON schema:`,
    ...lines,
    'Reply again with only the corrected JSON object: no explanations, no code fences.',
  ].join('\n');
}

export class StructuredOutputError extends Error {
  override readonly name = 'StructuredOutputError';
  constructor(
    readonly attempts: Fallback[],
    readonly lastIssues: OutputIssue[],
  ) {
    super(`No model produced valid output: ${attempts.map((a) => `${a.ref} (${a.reason})`).join('; ')}`);
  }
}

export interface GenerateObjectOptions<S extends z.ZodType> {
  /** Either a router (with an optional chain / preference) or one provider and model. */
  router?: ModelRouter;
  chain?: ModelRef[];
  preference?: ModelRef | ModelRef[];
  provider?: ModelProvider;
  model?: string;
  schema: S;
  /** Sent to the provider (OpenAI `json_schema.name`) and used by the offline drafter ('draft'). */
  schemaName: string;
  messages: ChatMessage[];
  /** Repair rounds per model after the first reply; default 3. */
  maxRepairs?: number;
  meta?: CallMeta;
  purpose?: ChatRequest['purpose'];
  temperature?: number;
  contextWindow?: number;
  signal?: AbortSignal;
  onDelta?: (text: string) => void;
}

export interface GenerateObjectResult<T> {
  value: T;
  /** Repair messages sent, over every model tried. */
  repairs: number;
  provider: ProviderId;
  model: string;
  templateMade: boolean;
  /** Slips undone without asking the model (for logs). */
  coercions: string[];
  /** Models skipped before this one, with why. */
  fallbacks: Fallback[];
}

export async function generateObject<S extends z.ZodType>(options: GenerateObjectOptions<S>): Promise<GenerateObjectResult<z.output<S>>> {
  const maxRepairs = options.maxRepairs ?? 3;
  const jsonSchema = toProviderSchema(options.schema);
  const meta: CallMeta = options.meta ?? { agentId: options.purpose?.agentId ?? 'unknown' };
  const { candidates, call } = targets(options, meta);
  const fallbacks: Fallback[] = [];
  let repairs = 0;
  let lastIssues: OutputIssue[] = [];

  for (const candidate of candidates) {
    const messages = [...options.messages];
    let previousReply: string | undefined;
    let reason: Fallback | undefined;
    for (let attempt = 0; attempt <= maxRepairs; attempt += 1) {
      let response: ChatResponse;
      try {
        const previous = fallbacks.at(-1);
        response = await call(
          candidate,
          {
            messages: [...messages],
            responseSchema: { name: options.schemaName, schema: jsonSchema },
            ...(options.purpose ? { purpose: { ...options.purpose, outputSchema: options.purpose.outputSchema ?? options.schemaName } } : {}),
            ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
            ...(options.contextWindow === undefined ? {} : { contextWindow: options.contextWindow }),
            ...(options.signal ? { signal: options.signal } : {}),
            ...(options.onDelta ? { onDelta: options.onDelta } : {}),
          },
          attempt === 0 && previous ? `${previous.ref}: ${previous.reason}` : null,
        );
      } catch (error) {
        if (!shouldFallBack(error)) throw error;
        reason = { ref: candidate.ref, kind: error.kind, reason: error.message };
        break;
      }
      const parsed = parseStructured(response.content, options.schema, jsonSchema);
      if (parsed.ok) {
        return {
          value: parsed.value,
          repairs,
          provider: candidate.provider.id,
          model: response.model || candidate.model,
          templateMade: !!response.templateMade,
          coercions: parsed.coercions,
          fallbacks,
        };
      }
      lastIssues = parsed.issues;
      const summary = parsed.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      if (response.content === previousReply) {
        // The model repeats itself: more repairs would only burn time.
        reason = { ref: candidate.ref, kind: 'invalid_output', reason: `the same invalid reply twice (${summary})` };
        break;
      }
      if (attempt === maxRepairs) {
        reason = { ref: candidate.ref, kind: 'invalid_output', reason: `invalid output after ${maxRepairs} repairs (${summary})` };
        break;
      }
      previousReply = response.content;
      messages.push({ role: 'assistant', content: response.content }, { role: 'user', content: repairMessage(options.schemaName, parsed.issues) });
      repairs += 1;
    }
    if (reason) fallbacks.push(reason);
  }
  if (fallbacks.every((f) => f.kind !== 'invalid_output')) throw new ModelChainError(fallbacks);
  throw new StructuredOutputError(fallbacks, lastIssues);
}

type CallFn = (candidate: Candidate, request: Omit<ChatRequest, 'model'>, fallbackReason: string | null) => Promise<ChatResponse>;

function targets<S extends z.ZodType>(options: GenerateObjectOptions<S>, meta: CallMeta): { candidates: Candidate[]; call: CallFn } {
  if (options.router) {
    const router = options.router;
    return {
      candidates: router.candidates({
        ...(options.chain ? { chain: options.chain } : {}),
        ...(options.preference ? { preference: options.preference } : {}),
      }),
      call: (candidate, request, fallbackReason) => router.callCandidate(candidate, request, { ...meta, fallbackReason }),
    };
  }
  if (options.provider && options.model) {
    const provider = options.provider;
    return {
      candidates: [{ ref: `${provider.id}:${options.model}`, provider, model: options.model }],
      call: (candidate, request) => provider.chat({ ...request, model: candidate.model }),
    };
  }
  throw new Error('generateObject needs a router, or a provider and a model.');
}
