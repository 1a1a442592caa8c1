// A ModelProvider that replays a script instead of running a model. It is what
// agent-runtime tests and benchmarks use: deterministic replies, tool calls and
// errors, an optional seeded fraction of malformed replies (the slips small
// local models make), and an optional fixed latency.
import {
  ProviderError,
  type ChatRequest,
  type ChatResponse,
  type EmbedRequest,
  type ModelInfo,
  type ModelProvider,
  type ProviderId,
  type ToolCall,
  type Usage,
} from '../../src/main/engine/llm/ModelProvider';

/** One scripted reply. */
export type ScriptReply =
  /** Assistant text (for structured output: the JSON text). */
  | { content: string; usage?: Usage; finishReason?: ChatResponse['finishReason'] }
  /** A tool call (or several); ids are made up when left out. */
  | { toolCalls: { name: string; arguments: Record<string, unknown>; id?: string }[]; content?: string; usage?: Usage }
  /** The provider fails with this classified error. */
  | { error: { kind: ProviderError['kind']; message?: string; status?: number } };

/** A reply, or a function that picks one from the request (e.g. to echo a tool result). */
export type ScriptStep = ScriptReply | ((request: ChatRequest, callIndex: number) => ScriptReply);

export type MalformedKind = 'bad_json' | 'schema_violation' | 'text_tool_call';

export interface ScriptedProviderOptions {
  id?: ProviderId;
  /** Replies in order; one is taken per `chat` call (a malformed reply does not take one). */
  script: ScriptStep[];
  /** When the script runs out: 'cycle' starts over, 'repeat_last' keeps the last step, 'throw' (default) fails the test loudly. */
  whenExhausted?: 'cycle' | 'repeat_last' | 'throw';
  /**
   * Fraction (0..1) of calls answered with a malformed version of the scripted
   * reply instead. Decided per call index from `seed`, so a run is repeatable.
   * A malformed reply does not consume its step: the next call (the repair)
   * gets the proper reply unless it too is picked to be malformed.
   */
  malformedRate?: number;
  seed?: number;
  /** Which slips to make; the one used is picked (seeded) among those that apply to the reply. */
  malformedKinds?: MalformedKind[];
  /** Fixed delay before each reply, in ms (honours the request's AbortSignal). */
  latencyMs?: number;
  /** Makes `availability()` report this reason. */
  unavailableReason?: string;
  /** Models `listModels()` reports; defaults to `['scripted']`. */
  models?: string[];
  /** Embedding size for `embed()` (deterministic hash vectors); default 768. */
  embeddingDimensions?: number;
}

export interface ScriptedCall {
  request: ChatRequest;
  response?: ChatResponse;
  error?: ProviderError;
  /** Set when this reply was deliberately malformed. */
  malformed?: MalformedKind;
}

/** mulberry32: tiny, fast, good enough to spread decisions evenly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function delay(id: ProviderId, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ProviderError(id, 'aborted', 'The call was aborted.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ProviderError(id, 'aborted', 'The call was aborted.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class ScriptedProvider implements ModelProvider {
  readonly id: ProviderId;
  /** Every call, in order, with what was answered. */
  readonly calls: ScriptedCall[] = [];
  private cursor = 0;

  constructor(private readonly options: ScriptedProviderOptions) {
    this.id = options.id ?? 'scripted';
    const rate = options.malformedRate ?? 0;
    if (rate < 0 || rate > 1) throw new RangeError('malformedRate must be between 0 and 1.');
  }

  /** How many calls were answered with a deliberately malformed reply. */
  get malformedCount(): number {
    return this.calls.filter((c) => c.malformed).length;
  }

  async availability(): Promise<{ ok: true } | { ok: false; reason: string }> {
    return this.options.unavailableReason ? { ok: false, reason: this.options.unavailableReason } : { ok: true };
  }

  async listModels(): Promise<ModelInfo[]> {
    return (this.options.models ?? ['scripted']).map((name) => ({ name, capabilities: ['completion', 'tools'] }));
  }

  async embed(request: EmbedRequest): Promise<{ embeddings: number[][]; usage?: Usage }> {
    const dims = this.options.embeddingDimensions ?? 768;
    const embeddings = request.input.map((text) => {
      let h = 2166136261;
      for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619);
      const next = random(h);
      const v = Array.from({ length: dims }, () => next() * 2 - 1);
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    });
    const promptTokens = request.input.reduce((n, t) => n + estimateTokens(t), 0);
    return { embeddings, usage: { promptTokens, completionTokens: 0 } };
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const callIndex = this.calls.length;
    const call: ScriptedCall = { request };
    this.calls.push(call);
    if (this.options.latencyMs) await delay(this.id, this.options.latencyMs, request.signal);
    else if (request.signal?.aborted) throw new ProviderError(this.id, 'aborted', 'The call was aborted.');

    const step = this.peekStep();
    const reply = typeof step === 'function' ? step(request, callIndex) : step;
    const malformed = this.pickMalformed(callIndex, reply);
    if (!malformed) this.advance();

    if ('error' in reply) {
      const error = new ProviderError(this.id, reply.error.kind, reply.error.message ?? `Scripted ${reply.error.kind} error.`, reply.error.status);
      call.error = error;
      throw error;
    }

    let response = this.toResponse(reply, request, callIndex);
    if (malformed) {
      response = this.malform(response, malformed, request, callIndex);
      call.malformed = malformed;
    }
    if (request.onDelta && response.content) {
      // Three-ish pieces, so streaming consumers see more than one delta.
      const size = Math.max(1, Math.ceil(response.content.length / 3));
      for (let i = 0; i < response.content.length; i += size) request.onDelta(response.content.slice(i, i + size));
    }
    call.response = response;
    return response;
  }

  private peekStep(): ScriptStep {
    const { script } = this.options;
    if (script.length === 0) throw new Error('ScriptedProvider: the script is empty.');
    if (this.cursor < script.length) return script[this.cursor]!;
    switch (this.options.whenExhausted ?? 'throw') {
      case 'cycle':
        return script[this.cursor % script.length]!;
      case 'repeat_last':
        return script[script.length - 1]!;
      case 'throw':
        throw new Error(`ScriptedProvider: the script has ${script.length} steps and call ${this.cursor + 1} asked for another.`);
    }
  }

  private advance(): void {
    this.cursor += 1;
  }

  private toResponse(reply: Exclude<ScriptReply, { error: unknown }>, request: ChatRequest, callIndex: number): ChatResponse {
    const promptTokens = request.messages.reduce((n, m) => n + estimateTokens(m.content), 0);
    if ('toolCalls' in reply) {
      const toolCalls: ToolCall[] = reply.toolCalls.map((tc, i) => ({
        id: tc.id ?? `call_${callIndex}_${i}`,
        name: tc.name,
        arguments: tc.arguments,
      }));
      return {
        content: reply.content ?? '',
        toolCalls,
        usage: reply.usage ?? { promptTokens, completionTokens: estimateTokens(JSON.stringify(toolCalls)) },
        model: request.model,
        finishReason: 'tool_calls',
      };
    }
    return {
      content: reply.content,
      toolCalls: [],
      usage: reply.usage ?? { promptTokens, completionTokens: estimateTokens(reply.content) },
      model: request.model,
      finishReason: reply.finishReason ?? 'stop',
    };
  }

  private pickMalformed(callIndex: number, reply: ScriptReply): MalformedKind | undefined {
    const rate = this.options.malformedRate ?? 0;
    if (rate === 0 || 'error' in reply) return undefined;
    const next = random(((this.options.seed ?? 1) * 0x9e3779b1) ^ callIndex);
    if (next() >= rate) return undefined;
    const kinds = this.options.malformedKinds ?? ['bad_json', 'schema_violation', 'text_tool_call'];
    const applicable = kinds.filter((kind) => {
      if ('toolCalls' in reply) return kind === 'text_tool_call';
      if (kind === 'text_tool_call') return false;
      return looksLikeJson(reply.content);
    });
    if (applicable.length === 0) return undefined;
    return applicable[Math.floor(next() * applicable.length)];
  }

  private malform(response: ChatResponse, kind: MalformedKind, request: ChatRequest, callIndex: number): ChatResponse {
    switch (kind) {
      case 'text_tool_call': {
        // Small models often describe the call in the text instead of making it.
        const text = response.toolCalls
          .map((tc) => JSON.stringify({ name: tc.name, arguments: tc.arguments }))
          .join('\n');
        return { ...response, content: text, toolCalls: [], finishReason: 'stop' };
      }
      case 'bad_json': {
        // Cut the JSON off and leave a trailing comma: unparseable by any coercion.
        const cut = response.content.slice(0, Math.max(1, Math.floor(response.content.length / 2)));
        return { ...response, content: `${cut},` };
      }
      case 'schema_violation':
        return { ...response, content: violateSchema(response.content, request, callIndex) };
    }
  }
}

function looksLikeJson(content: string): boolean {
  try {
    const value: unknown = JSON.parse(content);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

/**
 * Valid JSON that breaks the schema: drops a required property when the
 * request carries a schema that names one, else gives the first property a
 * value of a type no coercion turns back into the original.
 */
function violateSchema(content: string, request: ChatRequest, callIndex: number): string {
  const value = JSON.parse(content) as unknown;
  if (Array.isArray(value)) return JSON.stringify({ unexpected: value });
  const object = { ...(value as Record<string, unknown>) };
  const required = request.responseSchema?.schema.required;
  if (Array.isArray(required) && required.length > 0) {
    const key = String(required[callIndex % required.length]);
    delete object[key];
    return JSON.stringify(object);
  }
  const first = Object.keys(object)[0];
  if (first === undefined) return JSON.stringify([]);
  const original = object[first];
  object[first] = typeof original === 'object' && original !== null ? 12345 : { unexpected: true };
  return JSON.stringify(object);
}
