// The one interface every model backend implements: Ollama, OpenAI (and
// OpenAI-compatible servers), the offline template drafter, and the scripted
// model tests use.
import type { Brand } from '../../../shared/contract';

/** A JSON Schema object (draft 2020-12 subset), e.g. from `z.toJSONSchema()`. */
export type JsonSchema = Record<string, unknown>;

export interface ToolCall {
  /** Provider-given id (OpenAI), or one Chorus makes up (Ollama gives none). */
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  /**
   * Set when the model's arguments could not be read as a JSON object (OpenAI
   * sends them as a string); `arguments` is then `{}`. The runtime should send
   * `error` back as the tool result instead of calling the tool.
   */
  invalidArguments?: { raw: string; error: string };
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; content: string; toolCallId: string; toolName: string };

export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  /**
   * Ask for JSON matching this schema. Ollama must never get `format` and
   * `tools` in one call: callers run the tool loop first, then one final call
   * with the schema and no tools.
   */
  responseSchema?: { name: string; schema: JsonSchema };
  temperature?: number;
  /** Context window for Ollama (`num_ctx`); set explicitly, never left to the server default. */
  contextWindow?: number;
  signal?: AbortSignal;
  /** Streaming: called with each piece of assistant text as it arrives. */
  onDelta?: (text: string) => void;
  /** What the call is for; the offline drafter needs it because it has no model. */
  purpose?: { agentId: string; outputSchema?: string; task?: string; brand?: Brand; platform?: string };
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatResponse {
  content: string;
  toolCalls: ToolCall[];
  usage: Usage;
  /** The model that answered (may differ from the one asked for, e.g. an alias). */
  model: string;
  finishReason: 'stop' | 'tool_calls' | 'length';
  /** True when no model wrote this (offline templates); shown in the data and the UI. */
  templateMade?: boolean;
}

export interface EmbedRequest {
  model: string;
  input: string[];
  signal?: AbortSignal;
}

export interface ModelInfo {
  name: string;
  /** What the model can do, when the provider says (Ollama's /api/show capabilities). */
  capabilities?: ('completion' | 'tools' | 'embedding' | 'vision' | 'thinking')[];
  contextLength?: number;
}

export type ProviderId = 'ollama' | 'openai' | 'offline' | (string & {});

export interface ModelProvider {
  readonly id: ProviderId;
  /** Whether it can be used now, and if not, why (shown in Settings and recorded on fallback). */
  availability(): Promise<{ ok: true } | { ok: false; reason: string }>;
  chat(request: ChatRequest): Promise<ChatResponse>;
  embed(request: EmbedRequest): Promise<{ embeddings: number[][]; usage?: Usage }>;
  listModels(): Promise<ModelInfo[]>;
  /**
   * Whether `model` accepts tools, when the provider can tell (Ollama's
   * /api/show capabilities). Absent means "assume yes".
   */
  supportsTools?(model: string): Promise<boolean>;
}

/**
 * `unsupported`: the provider or model cannot do what was asked (tools on an
 * Ollama model without the 'tools' capability, a schema the offline drafter
 * has no template for); the fallback chain moves on.
 */
export type ProviderErrorKind =
  | 'unreachable'
  | 'auth'
  | 'rate_limited'
  | 'bad_request'
  | 'model_missing'
  | 'server'
  | 'aborted'
  | 'unsupported';

/** A provider error, classified so the fallback chain knows whether to move on. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly provider: ProviderId,
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
