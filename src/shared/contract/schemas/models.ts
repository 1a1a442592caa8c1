import { z } from 'zod';
import { PLATFORMS } from '../../platforms';

export const PROVIDER_IDS = ['ollama', 'openai', 'offline'] as const;
export const ProviderName = z.enum(PROVIDER_IDS);
export type ProviderName = z.infer<typeof ProviderName>;

export const ModelSummary = z.object({
  name: z.string(),
  capabilities: z.array(z.string()).optional(),
  contextLength: z.number().int().positive().optional(),
});

/** One provider as Settings shows it. Never carries a key, only whether one is set. */
export const ProviderStatus = z.object({
  provider: ProviderName,
  reachable: z.boolean(),
  /** Why it cannot be used now; null when reachable. */
  reason: z.string().nullable(),
  /** Whether an API key is stored (OpenAI); null where keys do not apply. */
  keySet: z.boolean().nullable(),
  /** The model this provider uses by default (from settings). */
  model: z.string().nullable(),
  /** Installed/served models, when reachable; empty otherwise. */
  models: z.array(ModelSummary),
  /** Where it is (Ollama URL, OpenAI base URL); null for offline. */
  endpoint: z.string().nullable(),
});
export type ProviderStatus = z.infer<typeof ProviderStatus>;

export const ProvidersStatus = z.object({
  providers: z.array(ProviderStatus),
  /** The default fallback chain, e.g. ['ollama:llama3.2', 'openai:gpt-4o-mini', 'offline']. */
  chain: z.array(z.string()),
});

export const ProviderTestInput = z.object({ provider: ProviderName }).strict();

export const ProviderTestResult = z.object({
  provider: ProviderName,
  ok: z.boolean(),
  model: z.string().nullable(),
  /** What the model answered to a one-line prompt (trimmed), when ok. */
  reply: z.string().nullable(),
  latencyMs: z.number().int().nonnegative(),
  /** The classified failure, when not ok. */
  errorKind: z.string().nullable(),
  message: z.string().nullable(),
  templateMade: z.boolean(),
});

/**
 * The `draft` output schema: one post drafted for one platform. Agents that
 * draft ask for it by name (`outputSchema: 'draft'`); the offline drafter can
 * write it without a model.
 */
export const PostDraft = z.object({
  platform: z.enum(PLATFORMS),
  text: z.string().min(1),
  /** Without `#`. */
  hashtags: z.array(z.string()),
  callToAction: z.string().optional(),
  /** For the reviewer: what the draft is based on, what to check. */
  notes: z.string(),
});
export type PostDraft = z.infer<typeof PostDraft>;
export const DRAFT_OUTPUT_SCHEMA = 'draft';
