import { z } from 'zod';

export const Settings = z.object({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** Holds every publishing job while true (tray: "Pause publishing"). */
  publishingPaused: z.boolean().default(false),
  /** Posts that came due while Chorus was closed: publish them at start, or hold them for review. Never skipped. */
  missedPosts: z.enum(['publish', 'hold']).default('publish'),
  ollamaUrl: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:11434'),
  /** Model choice (routes/models.ts). An agent's own `model` goes first, then this order. */
  ollamaModel: z.string().trim().min(1).max(200).default('llama3.2'),
  /** `num_ctx` sent with every Ollama call; Ollama's own default silently truncates long prompts. */
  ollamaContextWindow: z.number().int().min(512).max(1_048_576).default(8192),
  /** Any OpenAI-compatible server: LM Studio, vLLM, llama.cpp server… The key is in the keychain ('openai.apiKey'). */
  openaiBaseUrl: z.url({ protocol: /^https?$/ }).default('https://api.openai.com/v1'),
  openaiModel: z.string().trim().min(1).max(200).default('gpt-4o-mini'),
  /** Providers tried in order until one answers; 'offline' drafts from templates without a model. */
  modelFallbackOrder: z
    .array(z.enum(['ollama', 'openai', 'offline']))
    .min(1)
    .refine((order) => new Set(order).size === order.length, { message: 'Each provider may appear once.' })
    .default(['ollama', 'openai', 'offline']),
});

export const SettingsPatch = Settings.partial().strict();

export type Settings = z.infer<typeof Settings>;
export type SettingsPatch = z.infer<typeof SettingsPatch>;
