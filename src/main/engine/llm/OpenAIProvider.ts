// OpenAI and any OpenAI-compatible server (LM Studio, vLLM, llama.cpp server)
// through the official SDK with a configurable base URL.
import type OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { z } from 'zod';
import { extractJson } from './jsonRepair';
import {
  ProviderError,
  type ChatMessage,
  type ChatRequest,
  type ChatResponse,
  type EmbedRequest,
  type ModelInfo,
  type ModelProvider,
  type ToolCall,
  type Usage,
} from './ModelProvider';
import { classifyTransportError, kindForStatus, networkCode } from './providerErrors';

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
// The SDK costs ~80 ms to load; it loads with the first client, not at start.
let openai: typeof import('openai') | null = null;
async function loadOpenAI(): Promise<typeof import('openai')> {
  openai ??= await import('openai');
  return openai;
}

export const OPENAI_API_KEY_SECRET = 'openai.apiKey';

export interface OpenAIProviderOptions {
  /** Read on every call, so Settings changes apply at once. */
  baseUrl: () => string;
  /** The key from the SecretStore, or null. Never logged, never returned. */
  apiKey: () => Promise<string | null>;
  availabilityTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** api.openai.com refuses every call without a key; local servers usually need none. */
export function requiresApiKey(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname.endsWith('openai.com');
  } catch {
    return true;
  }
}

const WireToolCallDelta = z.object({
  index: z.number().optional(),
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});
const WireUsage = z.object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() }).nullish();
const WireCompletion = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), tool_calls: z.array(WireToolCallDelta).nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: WireUsage,
});
const WireChunk = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullish(), tool_calls: z.array(WireToolCallDelta).nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  usage: WireUsage,
});
const WireEmbeddings = z.object({
  data: z.array(z.object({ embedding: z.array(z.number()), index: z.number().optional() })),
  usage: WireUsage,
});

interface PendingToolCall {
  id: string;
  name: string;
  args: string;
}

export class OpenAIProvider implements ModelProvider {
  readonly id = 'openai';
  private cached: { key: string; client: OpenAI } | undefined;

  constructor(private readonly options: OpenAIProviderOptions) {}

  async availability(): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      const client = await this.client();
      await client.models.list({ timeout: this.options.availabilityTimeoutMs ?? 3000 });
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: this.classify(error).message };
    }
  }

  async listModels(): Promise<ModelInfo[]> {
    try {
      const client = await this.client();
      const names: string[] = [];
      for await (const model of client.models.list()) names.push(z.object({ id: z.string() }).parse(model).id);
      return names.sort().map((name) => ({ name }));
    } catch (error) {
      throw this.classify(error);
    }
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const client = await this.client();
    const tools = request.tools ?? [];
    const names = new WireToolNames([
      ...tools.map((t) => t.name),
      ...request.messages.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []).map((tc) => tc.name) : [])),
    ]);
    const body: ChatCompletionCreateParamsBase = {
      model: request.model,
      messages: request.messages.map((m) => toOpenAIMessage(m, names)),
      ...(tools.length > 0 ? { tools: tools.map((t) => toOpenAITool(t, names)) } : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.responseSchema
        ? {
            response_format: {
              type: 'json_schema' as const,
              // Not strict: strict mode rejects optional properties, which our zod schemas have.
              json_schema: { name: schemaName(request.responseSchema.name), schema: request.responseSchema.schema, strict: false },
            },
          }
        : {}),
    };
    const callOptions = { signal: request.signal, timeout: this.options.requestTimeoutMs ?? 300_000 };
    try {
      if (!request.onDelta) {
        const completion = WireCompletion.parse(await client.chat.completions.create({ ...body, stream: false }, callOptions));
        const choice = completion.choices[0]!;
        const pending = (choice.message.tool_calls ?? []).map((tc, i) => ({
          id: tc.id ?? `call_${i}`,
          name: tc.function?.name ?? '',
          args: tc.function?.arguments ?? '',
        }));
        return this.toResponse(choice.message.content ?? '', names.originals(pending), choice.finish_reason, completion.usage, completion.model ?? request.model);
      }
      const stream = await client.chat.completions.create(
        { ...body, stream: true, stream_options: { include_usage: true } },
        callOptions,
      );
      let content = '';
      let finish: string | null | undefined;
      let usage: z.infer<typeof WireUsage>;
      let model = request.model;
      const pending = new Map<number, PendingToolCall>();
      for await (const raw of stream) {
        const chunk = WireChunk.parse(raw);
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices) {
          const text = choice.delta?.content;
          if (text) {
            content += text;
            request.onDelta(text);
          }
          // Tool calls arrive in fragments keyed by index: the id and name
          // first, then the arguments string piece by piece.
          for (const part of choice.delta?.tool_calls ?? []) {
            const index = part.index ?? pending.size;
            const entry = pending.get(index) ?? { id: '', name: '', args: '' };
            if (part.id) entry.id = part.id;
            if (part.function?.name) entry.name += part.function.name;
            if (part.function?.arguments) entry.args += part.function.arguments;
            pending.set(index, entry);
          }
          if (choice.finish_reason) finish = choice.finish_reason;
        }
      }
      const calls = [...pending.entries()].sort(([a], [b]) => a - b).map(([i, c]) => ({ ...c, id: c.id || `call_${i}` }));
      return this.toResponse(content, names.originals(calls), finish, usage, model);
    } catch (error) {
      throw this.classify(error, request.signal, request.model);
    }
  }

  async embed(request: EmbedRequest): Promise<{ embeddings: number[][]; usage?: Usage }> {
    const client = await this.client();
    try {
      const result = WireEmbeddings.parse(
        await client.embeddings.create(
          { model: request.model, input: request.input, encoding_format: 'float' },
          { signal: request.signal, timeout: this.options.requestTimeoutMs ?? 300_000 },
        ),
      );
      const ordered = [...result.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      return {
        embeddings: ordered.map((d) => d.embedding),
        usage: { promptTokens: result.usage?.prompt_tokens ?? 0, completionTokens: 0 },
      };
    } catch (error) {
      throw this.classify(error, request.signal, request.model);
    }
  }

  private toResponse(
    content: string,
    pending: PendingToolCall[],
    finish: string | null | undefined,
    usage: z.infer<typeof WireUsage>,
    model: string,
  ): ChatResponse {
    const toolCalls = pending.filter((c) => c.name).map(toToolCall);
    return {
      content,
      toolCalls,
      usage: { promptTokens: usage?.prompt_tokens ?? 0, completionTokens: usage?.completion_tokens ?? 0 },
      model,
      finishReason: toolCalls.length > 0 ? 'tool_calls' : finish === 'length' ? 'length' : 'stop',
    };
  }

  private async client(): Promise<OpenAI> {
    const baseURL = this.options.baseUrl();
    let key: string | null;
    try {
      key = (await this.options.apiKey())?.trim() || null;
    } catch (error) {
      // No keychain means no key: a reason to fall back, not to stop the chain.
      const reason = error instanceof Error ? error.message : String(error);
      throw new ProviderError(this.id, 'auth', `The OpenAI API key could not be read: ${reason}`);
    }
    if (!key && requiresApiKey(baseURL)) {
      throw new ProviderError(this.id, 'auth', 'No OpenAI API key is set (Settings → Models).');
    }
    const cacheKey = `${baseURL}\n${key ?? ''}`;
    if (this.cached?.key !== cacheKey) {
      const { default: OpenAIClient } = await loadOpenAI();
      const client = new OpenAIClient({
        baseURL,
        // The SDK insists on a key; local servers that need none get no Authorization header at all.
        apiKey: key ?? 'unused',
        ...(key ? {} : { defaultHeaders: { Authorization: null } }),
        // The fallback chain is the retry policy: fail fast, then try the next model.
        maxRetries: 0,
      });
      this.cached = { key: cacheKey, client };
    }
    return this.cached.client;
  }

  private classify(error: unknown, signal?: AbortSignal, model?: string): ProviderError {
    if (error instanceof ProviderError) return error;
    if (error instanceof z.ZodError) {
      return new ProviderError(this.id, 'server', `The server answered in an unexpected shape: ${z.prettifyError(error)}`);
    }
    if (openai && error instanceof openai.APIError && typeof error.status === 'number') {
      const kind = kindForStatus(error.status);
      const message =
        kind === 'auth'
          ? 'The API key was refused.'
          : kind === 'model_missing' && model
            ? `The model "${model}" is not available at ${this.options.baseUrl()}.`
            : kind === 'rate_limited'
              ? 'Rate limited by the server; try again later.'
              : error.message;
      return new ProviderError(this.id, kind, message, error.status);
    }
    if (networkCode(error)) return classifyTransportError(this.id, error, signal);
    return classifyTransportError(this.id, error, signal);
  }
}

/** OpenAI allows [a-zA-Z0-9_-]{1,64} for a response format name. */
function schemaName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'output';
}

function toToolCall(call: PendingToolCall): ToolCall {
  const raw = call.args.trim() === '' ? '{}' : call.args;
  const parsed = extractJson(raw);
  if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value)) {
    return { id: call.id, name: call.name, arguments: parsed.value as Record<string, unknown> };
  }
  return {
    id: call.id,
    name: call.name,
    arguments: {},
    invalidArguments: {
      raw: call.args,
      error: parsed.ok ? 'The arguments must be a JSON object.' : 'The arguments are not valid JSON.',
    },
  };
}

/**
 * OpenAI function names must match ^[a-zA-Z0-9_-]{1,64}$, while Chorus names
 * tools `chorus.brand_profile` or `<mcp server>.<tool>`. Names are mapped to a
 * valid, unique wire name per request and mapped back on the way in.
 */
export class WireToolNames {
  private readonly toWire = new Map<string, string>();
  private readonly fromWire = new Map<string, string>();

  constructor(names: Iterable<string>) {
    for (const name of names) this.wire(name);
  }

  wire(name: string): string {
    const known = this.toWire.get(name);
    if (known) return known;
    const base = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'tool';
    let candidate = base;
    for (let n = 2; this.fromWire.has(candidate); n++) candidate = `${base.slice(0, 64 - `_${n}`.length)}_${n}`;
    this.toWire.set(name, candidate);
    this.fromWire.set(candidate, name);
    return candidate;
  }

  originals<T extends { name: string }>(calls: T[]): T[] {
    return calls.map((call) => ({ ...call, name: this.fromWire.get(call.name) ?? call.name }));
  }
}

function toOpenAIMessage(message: ChatMessage, names: WireToolNames): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      return message.toolCalls?.length
        ? {
            role: 'assistant',
            content: message.content || null,
            tool_calls: message.toolCalls.map((tc) => ({
              id: tc.id,
              type: 'function' as const,
              function: { name: names.wire(tc.name), arguments: JSON.stringify(tc.arguments) },
            })),
          }
        : { role: 'assistant', content: message.content };
    case 'tool':
      return { role: 'tool', content: message.content, tool_call_id: message.toolCallId };
  }
}

function toOpenAITool(tool: { name: string; description: string; parameters: Record<string, unknown> }, names: WireToolNames): ChatCompletionTool {
  return { type: 'function', function: { name: names.wire(tool.name), description: tool.description, parameters: tool.parameters } };
}
