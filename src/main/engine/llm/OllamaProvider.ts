// Ollama through its native API (/api/chat, /api/embed), not the OpenAI shim:
// the native API is where `num_ctx` and the model's capabilities live.
import { randomUUID } from 'node:crypto';
import { Ollama, type Message as OllamaMessage, type Tool as OllamaTool } from 'ollama';
import { z } from 'zod';
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
import { classifyTransportError, kindForStatus, withTimeout } from './providerErrors';

export const DEFAULT_OLLAMA_CONTEXT_WINDOW = 8192;

export interface OllamaProviderOptions {
  /** Read on every call, so a changed `settings.ollamaUrl` applies at once. */
  host: () => string;
  /** `num_ctx` when a request does not say; Ollama's own default (2048/4096) silently truncates agent prompts. */
  defaultContextWindow?: number | (() => number);
  /** How long `availability()` waits for /api/version. */
  availabilityTimeoutMs?: number;
  /** Upper bound for one chat or embed call (a cold model load can take a while). */
  requestTimeoutMs?: number;
}

// The wire shapes we rely on, checked: model output is a boundary.
const WireToolCall = z.object({
  function: z.object({
    name: z.string().min(1),
    // Ollama sends an object; some older builds and proxies send a JSON string.
    arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).default({}),
  }),
});
const WireChatChunk = z.object({
  model: z.string().optional(),
  message: z
    .object({
      content: z.string().nullish(),
      tool_calls: z.array(WireToolCall).nullish(),
    })
    .optional(),
  done: z.boolean().optional(),
  done_reason: z.string().nullish(),
  prompt_eval_count: z.number().nullish(),
  eval_count: z.number().nullish(),
});
const WireShow = z.object({
  capabilities: z.array(z.string()).nullish(),
  model_info: z.record(z.string(), z.unknown()).nullish(),
});
const WireTags = z.object({
  models: z.array(z.object({ name: z.string(), model: z.string().optional() })).default([]),
});
const WireEmbed = z.object({
  embeddings: z.array(z.array(z.number())),
  prompt_eval_count: z.number().nullish(),
});
const WireVersion = z.object({ version: z.string() });

const KNOWN_CAPABILITIES = new Set(['completion', 'tools', 'embedding', 'vision', 'thinking']);

interface ShowInfo {
  capabilities: NonNullable<ModelInfo['capabilities']>;
  contextLength?: number;
}

export class OllamaProvider implements ModelProvider {
  readonly id = 'ollama';
  private readonly showCache = new Map<string, Promise<ShowInfo>>();

  constructor(private readonly options: OllamaProviderOptions) {}

  async availability(): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      const client = this.client(undefined, this.options.availabilityTimeoutMs ?? 1500);
      WireVersion.parse(await client.version());
      return { ok: true };
    } catch (error) {
      const classified = this.classify(error);
      return { ok: false, reason: `Ollama at ${this.options.host()}: ${classified.message}` };
    }
  }

  async listModels(): Promise<ModelInfo[]> {
    try {
      const tags = WireTags.parse(await this.client(undefined, 10_000).list());
      return tags.models.map((m) => ({ name: m.name }));
    } catch (error) {
      throw this.classify(error);
    }
  }

  /** The model's capabilities from /api/show, cached per host and model. */
  async modelInfo(model: string): Promise<ShowInfo> {
    const key = `${this.options.host()}\n${model}`;
    let cached = this.showCache.get(key);
    if (!cached) {
      cached = this.fetchShow(model);
      this.showCache.set(key, cached);
      // A failed look-up (server down, model not pulled yet) is not remembered.
      cached.catch(() => this.showCache.delete(key));
    }
    return cached;
  }

  private defaultContextWindow(): number {
    const configured = this.options.defaultContextWindow;
    return (typeof configured === 'function' ? configured() : configured) ?? DEFAULT_OLLAMA_CONTEXT_WINDOW;
  }

  async supportsTools(model: string): Promise<boolean> {
    return (await this.modelInfo(model)).capabilities.includes('tools');
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const tools = request.tools ?? [];
    if (tools.length > 0 && request.responseSchema) {
      // A programming error, not a provider failure: Ollama ignores or garbles
      // one of the two. Run the tool loop first, then one call with the schema.
      throw new Error('OllamaProvider.chat: `tools` and `responseSchema` (format) cannot be sent in the same call.');
    }
    if (tools.length > 0 && !(await this.supportsTools(request.model))) {
      throw new ProviderError(this.id, 'unsupported', `The Ollama model "${request.model}" does not support tools.`);
    }
    const body = {
      model: request.model,
      messages: request.messages.map(toOllamaMessage),
      options: {
        num_ctx: request.contextWindow ?? this.defaultContextWindow(),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      },
      ...(tools.length > 0 ? { tools: tools.map(toOllamaTool) } : {}),
      ...(request.responseSchema ? { format: request.responseSchema.schema } : {}),
    };
    const client = this.client(request.signal, this.options.requestTimeoutMs ?? 300_000);
    try {
      if (!request.onDelta) {
        return this.toResponse([WireChatChunk.parse(await client.chat({ ...body, stream: false }))], request.model);
      }
      const chunks: z.infer<typeof WireChatChunk>[] = [];
      for await (const raw of await client.chat({ ...body, stream: true })) {
        const chunk = WireChatChunk.parse(raw);
        chunks.push(chunk);
        const text = chunk.message?.content;
        if (text) request.onDelta(text);
      }
      return this.toResponse(chunks, request.model);
    } catch (error) {
      throw this.classify(error, request.signal, request.model);
    }
  }

  async embed(request: EmbedRequest): Promise<{ embeddings: number[][]; usage?: Usage }> {
    try {
      const client = this.client(request.signal, this.options.requestTimeoutMs ?? 300_000);
      const result = WireEmbed.parse(await client.embed({ model: request.model, input: request.input }));
      return {
        embeddings: result.embeddings,
        usage: { promptTokens: result.prompt_eval_count ?? 0, completionTokens: 0 },
      };
    } catch (error) {
      throw this.classify(error, request.signal, request.model);
    }
  }

  private async fetchShow(model: string): Promise<ShowInfo> {
    try {
      const show = WireShow.parse(await this.client(undefined, 10_000).show({ model }));
      const capabilities = (show.capabilities ?? []).filter((c): c is ShowInfo['capabilities'][number] =>
        KNOWN_CAPABILITIES.has(c),
      );
      const contextKey = Object.keys(show.model_info ?? {}).find((k) => k.endsWith('.context_length'));
      const contextLength = contextKey ? Number(show.model_info?.[contextKey]) : undefined;
      return Number.isFinite(contextLength) ? { capabilities, contextLength } : { capabilities };
    } catch (error) {
      throw this.classify(error, undefined, model);
    }
  }

  private toResponse(chunks: z.infer<typeof WireChatChunk>[], requestedModel: string): ChatResponse {
    let content = '';
    const toolCalls: ToolCall[] = [];
    let last: z.infer<typeof WireChatChunk> | undefined;
    for (const chunk of chunks) {
      content += chunk.message?.content ?? '';
      for (const call of chunk.message?.tool_calls ?? []) toolCalls.push(this.toToolCall(call));
      last = chunk;
    }
    const finishReason: ChatResponse['finishReason'] =
      toolCalls.length > 0 ? 'tool_calls' : last?.done_reason === 'length' ? 'length' : 'stop';
    return {
      content,
      toolCalls,
      usage: { promptTokens: last?.prompt_eval_count ?? 0, completionTokens: last?.eval_count ?? 0 },
      model: last?.model ?? requestedModel,
      finishReason,
    };
  }

  private toToolCall(call: z.infer<typeof WireToolCall>): ToolCall {
    let args = call.function.arguments;
    if (typeof args === 'string') {
      const parsed = z.record(z.string(), z.unknown()).safeParse(safeJson(args));
      if (!parsed.success) {
        throw new ProviderError(this.id, 'bad_request', `Ollama returned unreadable arguments for the tool "${call.function.name}".`);
      }
      args = parsed.data;
    }
    // Ollama gives tool calls no id; the runtime needs one to pair results with calls.
    return { id: `call_${randomUUID()}`, name: call.function.name, arguments: args };
  }

  private client(signal: AbortSignal | undefined, timeoutMs: number): Ollama {
    const bounded = withTimeout(signal, timeoutMs);
    return new Ollama({
      host: this.options.host(),
      // ollama-js takes no per-call signal for non-streaming calls; this adds one to every fetch.
      fetch: (input, init) =>
        fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, bounded]) : bounded }),
    });
  }

  private classify(error: unknown, signal?: AbortSignal, model?: string): ProviderError {
    if (error instanceof ProviderError) return error;
    if (error instanceof z.ZodError) {
      return new ProviderError(this.id, 'server', `Ollama answered in an unexpected shape: ${z.prettifyError(error)}`);
    }
    const status = (error as { status_code?: unknown }).status_code;
    if (typeof status === 'number') {
      const message = error instanceof Error ? error.message : String(error);
      if (status === 404 || /not found/i.test(message)) {
        return new ProviderError(
          this.id,
          'model_missing',
          model ? `The Ollama model "${model}" is not installed (ollama pull ${model}).` : message,
          status,
        );
      }
      if (/does not support tools/i.test(message)) return new ProviderError(this.id, 'unsupported', message, status);
      return new ProviderError(this.id, kindForStatus(status), message, status);
    }
    return classifyTransportError(this.id, error, signal);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toOllamaMessage(message: ChatMessage): OllamaMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      return message.toolCalls?.length
        ? {
            role: 'assistant',
            content: message.content,
            tool_calls: message.toolCalls.map((tc) => ({ function: { name: tc.name, arguments: tc.arguments } })),
          }
        : { role: 'assistant', content: message.content };
    case 'tool':
      return { role: 'tool', content: message.content, tool_name: message.toolName };
  }
}

function toOllamaTool(tool: { name: string; description: string; parameters: Record<string, unknown> }): OllamaTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters as OllamaTool['function']['parameters'] },
  };
}
