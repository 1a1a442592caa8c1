// USD per million tokens for common OpenAI models, frozen at the time of
// writing (openai.com/api/pricing). Unknown models get no cost rather than a guess.
const OPENAI_PRICES: Readonly<Record<string, { input: number; output: number }>> = Object.freeze({
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
});

/**
 * The cost of one call in USD, or null when unknown. Local providers cost 0.
 * Dated snapshots (`gpt-4o-mini-2024-07-18`) use their family's price.
 */
export function costUsd(
  provider: string,
  model: string,
  usage: { promptTokens: number; completionTokens: number },
  baseUrl?: string,
): number | null {
  if (provider === 'ollama' || provider === 'offline') return 0;
  if (provider !== 'openai') return null;
  // An OpenAI-compatible local server (LM Studio, vLLM…) is not billed by OpenAI.
  if (baseUrl && !/(^|\.)openai\.com$/.test(safeHost(baseUrl))) return 0;
  const family = Object.keys(OPENAI_PRICES)
    .sort((a, b) => b.length - a.length)
    .find((name) => model === name || model.startsWith(`${name}-`));
  if (!family) return null;
  const price = OPENAI_PRICES[family]!;
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
