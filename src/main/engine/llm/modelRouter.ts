// The fallback chain: a list like ['ollama:llama3.2', 'openai:gpt-4o-mini',
// 'offline'] tried in order. A provider that cannot answer now (down, no key,
// model not pulled, rate limited, no tool support) hands over to the next,
// and every attempt, success or failure, becomes a model_calls row.
import type { ModelCallJournalEntry, ModelCallLog } from './ModelCallLog';
import {
  ProviderError,
  type ChatRequest,
  type ChatResponse,
  type EmbedRequest,
  type ModelProvider,
  type ProviderErrorKind,
  type ProviderId,
  type Usage,
} from './ModelProvider';
import { OFFLINE_MODEL } from './OfflineProvider';
import { costUsd } from './prices';

/** `provider:model` (the model may itself contain ':', as in `qwen2.5:7b`), or a bare provider id for its default model. */
export type ModelRef = string;

export interface Candidate {
  /** The chain entry as written, e.g. 'ollama:llama3.2'. */
  ref: ModelRef;
  provider: ModelProvider;
  model: string;
}

/** Who is calling, for the usage row. */
export interface CallMeta {
  agentId: string;
  runId?: string | null;
  stepPath?: string | null;
  /** A durable workflow's journal: replays calls it already made, records new ones with their usage row. */
  journal?: CallJournal;
}

/** What a journaled call came to: the answer, or the provider error the chain fell back from. */
export type JournaledCall =
  | { ok: true; response: ChatResponse }
  | { ok: false; provider: ProviderId; kind: ProviderErrorKind; message: string; status?: number };

/**
 * The workflow side of call journaling. Keys are deterministic (the step, its
 * attempt, the agent's step path and a counter), so a resumed run asks for the
 * same keys in the same order and gets back what already happened.
 */
export interface CallJournal {
  nextKey(stepPath: string | null | undefined): string;
  replay(key: string): JournaledCall | undefined;
  /** Where the journal row goes, written in the usage row's transaction. */
  entry(key: string, outcome: JournaledCall): ModelCallJournalEntry;
  /** After the transaction committed. */
  committed(key: string, outcome: JournaledCall): void;
}

export interface Fallback {
  ref: ModelRef;
  kind: ProviderErrorKind | 'invalid_output';
  reason: string;
}

export interface RoutedResponse extends ChatResponse {
  provider: ProviderId;
  /** The chain entries skipped before this one answered, with why. */
  fallbacks: Fallback[];
}

/** A chat request without a model: the chain picks it. */
export type RoutedChatRequest = Omit<ChatRequest, 'model'> &
  CallMeta & {
    /** Overrides the agent's preference and the default chain (e.g. a test button). */
    chain?: ModelRef[];
    /** The agent's own model preference (front matter `model:`), tried before the default chain. */
    preference?: ModelRef | ModelRef[];
  };

/** Errors that mean "this provider cannot answer now", so the next one should try. */
export const FALLBACK_KINDS: ReadonlySet<ProviderErrorKind> = new Set([
  'unreachable',
  'auth',
  'model_missing',
  'rate_limited',
  'unsupported',
  'server',
]);

export function shouldFallBack(error: unknown): error is ProviderError {
  return error instanceof ProviderError && FALLBACK_KINDS.has(error.kind);
}

/** Every entry of the chain failed; `attempts` says why each did. */
export class ModelChainError extends Error {
  override readonly name = 'ModelChainError';
  constructor(readonly attempts: Fallback[]) {
    super(
      attempts.length === 0
        ? 'No model is configured.'
        : `No model could answer: ${attempts.map((a) => `${a.ref} (${a.reason})`).join('; ')}`,
    );
  }
}

export interface ModelRouterOptions {
  providers: ModelProvider[];
  /** The default chain, read on every call so Settings changes apply at once. */
  defaultChain: () => ModelRef[];
  /** Default model per provider, for bare refs like 'ollama'. */
  defaultModel: (provider: ProviderId) => string | undefined;
  /** Where usage rows go; null in tests that do not care. */
  log: ModelCallLog | null;
  /** OpenAI's base URL, so a local OpenAI-compatible server is costed at 0. */
  openaiBaseUrl?: () => string;
  /** Reports a failed usage-row write (the call itself still succeeds). */
  onLogError?: (error: unknown) => void;
}

export class ModelRouter {
  private readonly providers = new Map<ProviderId, ModelProvider>();

  constructor(private readonly options: ModelRouterOptions) {
    for (const provider of options.providers) this.providers.set(provider.id, provider);
  }

  provider(id: ProviderId): ModelProvider | undefined {
    return this.providers.get(id);
  }

  /** Parses one ref; throws on an unknown provider so a typo in an agent file is loud. */
  resolve(ref: ModelRef): Candidate {
    const colon = ref.indexOf(':');
    const providerId = colon === -1 ? ref : ref.slice(0, colon);
    const provider = this.providers.get(providerId);
    if (!provider) {
      throw new Error(
        `Unknown model "${ref}": write it as "ollama:<model>", "openai:<model>" or "offline" (providers: ${[...this.providers.keys()].join(', ')}).`,
      );
    }
    if (providerId === 'offline') return { ref: 'offline', provider, model: OFFLINE_MODEL };
    const model = colon === -1 ? this.options.defaultModel(providerId) : ref.slice(colon + 1);
    if (!model) throw new Error(`No model is set for "${providerId}"; write it as "${providerId}:<model>".`);
    return { ref: colon === -1 ? `${providerId}:${model}` : ref, provider, model };
  }

  /**
   * The candidates to try, in order: an explicit chain as given, else the
   * agent's preference followed by the default chain, without repeats.
   */
  candidates(options: { chain?: ModelRef[]; preference?: ModelRef | ModelRef[] } = {}): Candidate[] {
    const refs = options.chain ?? [...[options.preference ?? []].flat(), ...this.options.defaultChain()];
    const seen = new Set<string>();
    const out: Candidate[] = [];
    for (const ref of refs) {
      const candidate = this.resolve(ref);
      const key = `${candidate.provider.id}:${candidate.model}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(candidate);
    }
    return out;
  }

  /**
   * One call to one candidate, timed and recorded whatever happens.
   * `fallbackReason` is why the previous candidate was skipped to get here.
   */
  async callCandidate(
    candidate: Candidate,
    request: Omit<ChatRequest, 'model'>,
    meta: CallMeta & { fallbackReason?: string | null },
  ): Promise<ChatResponse> {
    const journal = meta.journal;
    const key = journal?.nextKey(meta.stepPath);
    if (journal && key) {
      const done = journal.replay(key);
      if (done?.ok) return done.response;
      if (done) throw new ProviderError(done.provider, done.kind, done.message, done.status);
    }
    const started = performance.now();
    try {
      const response = await candidate.provider.chat({ ...request, model: candidate.model });
      const outcome: JournaledCall = { ok: true, response };
      await this.record(candidate, meta, started, { usage: response.usage, model: response.model, templateMade: !!response.templateMade }, key ? { key, outcome } : undefined);
      return response;
    } catch (error) {
      const kind = error instanceof ProviderError ? error.kind : 'internal';
      const message = error instanceof Error ? error.message : String(error);
      // Only an error the chain falls back from is part of the run's history; an abort or a bug is not replayed.
      const outcome: JournaledCall | undefined =
        key && shouldFallBack(error) ? { ok: false, provider: error.provider, kind: error.kind, message, ...(error.status ? { status: error.status } : {}) } : undefined;
      await this.record(candidate, meta, started, { error: { kind, message } }, key && outcome ? { key, outcome } : undefined);
      throw error;
    }
  }

  /** The same router, with every call journaled in `journal` (a durable workflow step). */
  withJournal(journal: CallJournal): ModelRouter {
    const scoped = Object.create(this) as ModelRouter;
    scoped.callCandidate = (candidate, request, meta) => this.callCandidate(candidate, request, { ...meta, journal });
    return scoped;
  }

  /** Chat through the chain; throws ModelChainError when every entry failed, or the first non-fallback error. */
  async chat(request: RoutedChatRequest): Promise<RoutedResponse> {
    const { chain, preference, agentId, runId, stepPath, ...chatRequest } = request;
    const fallbacks: Fallback[] = [];
    for (const candidate of this.candidates({ ...(chain ? { chain } : {}), ...(preference ? { preference } : {}) })) {
      const previous = fallbacks.at(-1);
      try {
        const response = await this.callCandidate(candidate, chatRequest, {
          agentId,
          runId: runId ?? null,
          stepPath: stepPath ?? null,
          fallbackReason: previous ? `${previous.ref}: ${previous.reason}` : null,
        });
        return { ...response, provider: candidate.provider.id, fallbacks };
      } catch (error) {
        if (!shouldFallBack(error)) throw error;
        fallbacks.push({ ref: candidate.ref, kind: error.kind, reason: error.message });
      }
    }
    throw new ModelChainError(fallbacks);
  }

  /** Embeddings through the chain (providers that cannot embed are skipped). */
  async embed(
    request: Omit<EmbedRequest, 'model'> & CallMeta & { chain: ModelRef[] },
  ): Promise<{ embeddings: number[][]; provider: ProviderId; model: string; fallbacks: Fallback[] }> {
    const { chain, agentId, runId, stepPath, ...embedRequest } = request;
    const fallbacks: Fallback[] = [];
    for (const candidate of this.candidates({ chain })) {
      const started = performance.now();
      const previous = fallbacks.at(-1);
      const meta = { agentId, runId: runId ?? null, stepPath: stepPath ?? null, fallbackReason: previous ? `${previous.ref}: ${previous.reason}` : null };
      try {
        const result = await candidate.provider.embed({ ...embedRequest, model: candidate.model });
        await this.record(candidate, meta, started, { usage: result.usage ?? { promptTokens: 0, completionTokens: 0 }, model: candidate.model, templateMade: false });
        return { embeddings: result.embeddings, provider: candidate.provider.id, model: candidate.model, fallbacks };
      } catch (error) {
        const kind = error instanceof ProviderError ? error.kind : 'internal';
        await this.record(candidate, meta, started, { error: { kind, message: error instanceof Error ? error.message : String(error) } });
        if (!shouldFallBack(error)) throw error;
        fallbacks.push({ ref: candidate.ref, kind: error.kind, reason: error.message });
      }
    }
    throw new ModelChainError(fallbacks);
  }

  private async record(
    candidate: Candidate,
    meta: CallMeta & { fallbackReason?: string | null },
    started: number,
    outcome: { usage: Usage; model: string; templateMade: boolean } | { error: { kind: string; message: string } },
    journaled?: { key: string; outcome: JournaledCall },
  ): Promise<void> {
    const entry = journaled && meta.journal ? meta.journal.entry(journaled.key, journaled.outcome) : undefined;
    if (!this.options.log) {
      if (journaled) meta.journal?.committed(journaled.key, journaled.outcome);
      return;
    }
    const latencyMs = performance.now() - started;
    const ok = 'usage' in outcome;
    const usage = ok ? outcome.usage : { promptTokens: 0, completionTokens: 0 };
    const model = ok ? outcome.model || candidate.model : candidate.model;
    try {
      await this.options.log.recordCall({
        runId: meta.runId ?? null,
        stepPath: meta.stepPath ?? null,
        agentId: meta.agentId,
        provider: candidate.provider.id,
        model,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        latencyMs,
        // A failed call is not billed as far as we can tell; a successful one is priced when known.
        costUsd: ok ? costUsd(candidate.provider.id, model, usage, this.options.openaiBaseUrl?.()) : 0,
        errorKind: ok ? null : outcome.error.kind,
        errorMessage: ok ? null : outcome.error.message,
        fallbackReason: meta.fallbackReason ?? null,
        templateMade: ok ? outcome.templateMade : false,
      }, entry);
      if (journaled) meta.journal?.committed(journaled.key, journaled.outcome);
    } catch (error) {
      // Losing a usage row must not lose the model's answer.
      this.options.onLogError?.(error);
    }
  }
}
