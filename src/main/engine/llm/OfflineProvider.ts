// The drafter that needs no model: it fills templates from the brand profile
// and the platform's rules, so the app is useful on first launch with neither
// Ollama nor an API key. Every reply says it was template-made; it never
// claims a model wrote it.
import type { Brand } from '../../../shared/contract';
import { DRAFT_OUTPUT_SCHEMA, PostDraft } from '../../../shared/contract/schemas/models';
import { PLATFORMS, PLATFORM_LABELS, measureText, normalizeHashtag, rulesFor, type Platform } from '../../../shared/platforms';
import {
  ProviderError,
  type ChatRequest,
  type ChatResponse,
  type EmbedRequest,
  type ModelInfo,
  type ModelProvider,
  type Usage,
} from './ModelProvider';

export const OFFLINE_MODEL = 'templates';

type Tone = 'formal' | 'warm' | 'playful';

/** `{topic}`, `{pillar}`, `{brand}`, `{audience}` are filled in; sentences are dropped from the end to fit. */
const TEMPLATES: readonly string[] = [
  '{topic}. That is what {pillar} means at {brand}. Here is how we think about it for {audience}.',
  'A quick note on {pillar}: {topic}. We would love to hear how {audience} see it.',
  'Behind the scenes at {brand}: {topic}. {pillar} is something we care about every day.',
  '{topic}. Here is our take on {pillar}, written for {audience}.',
  'Three words on {pillar} from {brand}: clear, honest, useful. Today: {topic}.',
  'Something new on {pillar}: {topic}. More soon from {brand}.',
  'If you care about {pillar}, this one is for you: {topic}.',
];

const CALLS_TO_ACTION: Readonly<Record<Tone, readonly string[]>> = {
  formal: ['Read more on our website.', 'Share your perspective with us.', 'Follow us for further updates.'],
  warm: ['Tell us what you think.', 'Say hello in the comments.', 'Follow along for more.'],
  playful: ['Drop your take below!', 'Tag someone who needs this!', 'Stick around for more!'],
};

/** FNV-1a: the same task text always picks the same template. */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function toneOf(voice: string): Tone {
  if (/\b(formal|professional|authoritative|precise|expert|corporate)\b/i.test(voice)) return 'formal';
  if (/\b(playful|fun|witty|cheeky|energetic|bold|quirky)\b/i.test(voice)) return 'playful';
  return 'warm';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Removes every banned word or phrase (whole words, any case) and tidies the spacing left behind. */
function withoutBanned(text: string, banned: readonly string[]): string {
  let out = text;
  for (const word of banned) {
    if (!word.trim()) continue;
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(word.trim())}(?![\\p{L}\\p{N}_])`, 'giu'), '');
  }
  return out
    .replace(/\s{2,}/g, ' ')
    .replace(/\s+([.,!?;:])/g, '$1')
    .replace(/([.,!?;:])(?:\s*[.,;:])+/g, '$1')
    .trim();
}

function containsBanned(text: string, banned: readonly string[]): boolean {
  return banned.some(
    (word) => word.trim() && new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(word.trim())}(?![\\p{L}\\p{N}_])`, 'iu').test(text),
  );
}

function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);
}

/** The task as a short topic phrase: first sentence, no trailing punctuation, at most 120 characters. */
function topicOf(task: string): string {
  const first = task.replace(/\s+/g, ' ').trim().split(/(?<=[.!?])\s/)[0] ?? '';
  const trimmed = first.replace(/[.!?:;,\s]+$/, '');
  const short = trimmed.length > 120 ? `${trimmed.slice(0, 117).replace(/\s+\S*$/, '')}…` : trimmed;
  return short.charAt(0).toUpperCase() + short.slice(1);
}

function camelTag(phrase: string): string {
  return normalizeHashtag(
    phrase
      .split(/\s+/)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
  );
}

export interface OfflineDraftInput {
  task: string;
  platform: Platform;
  brand?: Brand;
}

/** Drafts one post from templates; pure and deterministic. */
export function draftOffline({ task, platform, brand }: OfflineDraftInput): PostDraft {
  const banned = brand?.bannedWords ?? [];
  const pillars = brand?.contentPillars.length ? brand.contentPillars : ['what we do'];
  const key = `${task}\n${platform}`;
  const mentioned = pillars.find((p) => task.toLowerCase().includes(p.toLowerCase()));
  const pillar = mentioned ?? pillars[hash(key) % pillars.length]!;
  // Each pillar gets its own rotation of the templates, so two pillars do not share a sequence.
  const templateIndex = (hash(key) + hash(pillar)) % TEMPLATES.length;
  const tone = toneOf(brand?.voice ?? '');
  const ctas = CALLS_TO_ACTION[tone];
  const callToAction = withoutBanned(ctas[hash(`${key}\ncta`) % ctas.length]!, banned);

  const fill = (template: string) =>
    template
      .replaceAll('{topic}', topicOf(task) || `News about ${pillar}`)
      .replaceAll('{pillar}', pillar.toLowerCase())
      .replaceAll('{brand}', brand?.name ?? 'us')
      .replaceAll('{audience}', brand?.audience.trim() ? brand.audience.trim().split(/[.;\n]/)[0]!.toLowerCase() : 'you')
      // A shortened topic ends in an ellipsis; no full stop after it.
      .replace(/…[.?]/g, '…');

  const rules = rulesFor(platform).text;
  const maxTags = Math.min(rules.maxHashtags ?? 30, platform === 'x' || platform === 'bluesky' ? 2 : 5);
  const tags: string[] = [];
  for (const tag of [...(brand?.defaultHashtags ?? []), camelTag(pillar)].map(normalizeHashtag)) {
    if (!tag || containsBanned(tag, banned) || tags.some((t) => t.toLowerCase() === tag.toLowerCase())) continue;
    if (tags.length < maxTags) tags.push(tag);
  }

  // The text, its call to action and hashtags must fit the platform together,
  // with room to spare for the reviewer's edits.
  const budget = Math.floor(rules.limit * 0.9);
  const suffix = [callToAction, tags.map((t) => `#${t}`).join(' ')].filter(Boolean).join(' ');
  const fits = (body: string) => measureText(platform, suffix ? `${body} ${suffix}` : body).length <= budget;
  let sentences = withoutBanned(fill(TEMPLATES[templateIndex]!), banned).split(/(?<=[.!?])\s+/);
  while (sentences.length > 1 && !fits(sentences.join(' '))) sentences = sentences.slice(0, -1);
  let text = sentences.join(' ');
  while (!fits(text) && text.includes(' ')) text = `${text.replace(/\s+\S+\s*…?$/, '')}…`;
  // Banned words are removed again: a truncation can never add one, but the
  // brand's own name or audience could contain one.
  text = withoutBanned(text, banned);

  const label = PLATFORM_LABELS[platform];
  const notes =
    `Template-made offline (no model was used): template ${templateIndex + 1} of ${TEMPLATES.length}, ` +
    `content pillar "${pillar}", ${tone} tone, sized for ${label} (${rules.limit} ${rules.unit}). ` +
    'Review and rewrite before approving.';
  return PostDraft.parse({ platform, text, hashtags: tags, callToAction: callToAction || undefined, notes });
}

export class OfflineProvider implements ModelProvider {
  readonly id = 'offline';

  async availability(): Promise<{ ok: true }> {
    return { ok: true };
  }

  async listModels(): Promise<ModelInfo[]> {
    return [{ name: OFFLINE_MODEL, capabilities: ['completion'] }];
  }

  async supportsTools(): Promise<boolean> {
    return false;
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    if (request.signal?.aborted) throw new ProviderError(this.id, 'aborted', 'The call was aborted.');
    const purpose = request.purpose;
    const isDraft = request.responseSchema?.name === DRAFT_OUTPUT_SCHEMA || purpose?.outputSchema === DRAFT_OUTPUT_SCHEMA;
    if (request.responseSchema && !isDraft) {
      throw new ProviderError(
        this.id,
        'unsupported',
        `The offline drafter writes post drafts only; it cannot produce "${request.responseSchema.name}" without a model.`,
      );
    }
    const lastUser = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const task = purpose?.task?.trim() || lastUser;
    const platform = isPlatform(purpose?.platform) ? purpose.platform : 'x';
    const draft = draftOffline({ task, platform, ...(purpose?.brand ? { brand: purpose.brand } : {}) });
    const content = request.responseSchema
      ? JSON.stringify(draft)
      : [draft.text, draft.callToAction, draft.hashtags.map((t) => `#${t}`).join(' ')].filter(Boolean).join('\n\n');
    if (request.onDelta) request.onDelta(content);
    return {
      content,
      toolCalls: [],
      usage: { promptTokens: 0, completionTokens: 0 },
      model: OFFLINE_MODEL,
      finishReason: 'stop',
      templateMade: true,
    };
  }

  async embed(_request: EmbedRequest): Promise<{ embeddings: number[][]; usage?: Usage }> {
    // A hash is not an embedding: similarity search over it would return
    // confident nonsense, so there is no offline embedder.
    throw new ProviderError(this.id, 'unsupported', 'Embeddings need a model (Ollama or OpenAI); the offline drafter has none.');
  }
}
