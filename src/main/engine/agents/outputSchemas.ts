// The structured answers agents give, by name. An agent's front matter names
// one (`output: draft`); the runtime asks the model for it in one final call
// without tools and validates the reply with these schemas.
import { z } from 'zod';
import { PostDraft as BasePostDraft } from '../../../shared/contract/schemas/models';
import { PLATFORMS } from '../../../shared/platforms';
import type { JsonSchema } from '../llm/ModelProvider';
import { toProviderSchema } from '../llm/structuredOutput';

const Platform = z.enum(PLATFORMS);
const Line = z.string().min(1);

// One post for one platform: the models engineer's schema, which the offline
// drafter can fill without a model; alt text is ours on top.
export const PostDraft = BasePostDraft.extend({
  altText: z.string().optional().describe('For any image or video the post needs.'),
});

/** A single draft (what small models and the offline drafter give) is read as a list of one. */
function oneOrMany(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'text' in value && !('drafts' in value)) return { drafts: [value] };
  return value;
}

export const OUTPUT_SCHEMAS = {
  draft: z.preprocess(oneOrMany, z.object({ drafts: z.array(PostDraft).min(1) })),
  research_brief: z.object({
    summary: Line,
    findings: z.array(z.object({ claim: Line, source: z.string().optional(), confidence: z.enum(['high', 'medium', 'low']) })),
    trends: z.array(z.string()),
    hashtags: z.array(z.string()),
    openQuestions: z.array(z.string()),
  }),
  brand_profile: z.object({
    description: Line,
    voice: Line.describe('How the brand sounds, with do and do-not examples.'),
    audience: Line,
    contentPillars: z.array(z.string()).min(1).max(12),
    bannedWords: z.array(z.string()),
    bios: z.array(z.object({ platform: Platform, text: Line })),
  }),
  content_plan: z.object({
    goal: Line,
    pillars: z.array(z.string()).min(1),
    items: z
      .array(
        z.object({
          date: z.string().describe('YYYY-MM-DD, or a relative day such as "week 1, Tuesday".'),
          platform: Platform,
          pillar: z.string(),
          format: z.string().describe('e.g. carousel, thread, reel, text post, short.'),
          idea: Line,
        }),
      )
      .min(1),
    measures: z.array(z.string()).describe('How success is measured.'),
  }),
  visual_brief: z.object({
    concept: Line,
    format: z.string().describe('e.g. 1080x1350 single image, 3-slide carousel.'),
    composition: Line,
    palette: z.array(z.string()),
    textOnImage: z.string().optional(),
    altText: Line,
    imagePrompt: Line,
  }),
  video_script: z.object({
    title: Line,
    platform: Platform,
    lengthSeconds: z.number().int().positive(),
    hook: Line.describe('What is seen and heard in the first 2 seconds.'),
    beats: z.array(z.object({ atSeconds: z.number().nonnegative(), visual: Line, audio: z.string() })).min(1),
    captions: z.boolean(),
    thumbnail: z.string().optional(),
    description: z.string(),
  }),
  audio_script: z.object({
    title: Line,
    format: z.enum(['podcast_segment', 'voice_over', 'sound_bite', 'audio_description']),
    script: Line,
    durationSeconds: z.number().int().positive(),
    deliveryNotes: z.string(),
    transcript: Line.describe('Plain-text transcript for accessibility.'),
  }),
  platform_post: z.object({
    platform: Platform,
    format: z.string(),
    text: Line,
    hashtags: z.array(z.string()),
    altText: z.string().optional(),
    checks: z.array(z.string()).describe('Platform rules this post was checked against.'),
    notes: z.string(),
  }),
  engagement_replies: z.object({
    replies: z.array(
      z.object({
        to: Line.describe('The comment or message being answered (quoted or summarised).'),
        reply: z.string(),
        action: z.enum(['reply', 'like_only', 'hide', 'escalate', 'ignore']),
        reason: Line,
      }),
    ),
    escalations: z.array(z.string()),
  }),
  analytics_report: z.object({
    period: z.string(),
    headline: Line,
    metrics: z.array(z.object({ name: Line, value: z.string(), change: z.string().optional() })),
    insights: z.array(z.string()),
    recommendations: z.array(z.string()),
    caveats: z.array(z.string()),
  }),
  schedule_plan: z.object({
    timeZone: z.string(),
    slots: z
      .array(
        z.object({
          platform: Platform,
          at: z.string().describe('ISO 8601 date-time with offset.'),
          postRef: z.string().describe('Which draft or post this slot is for.'),
          reason: Line,
        }),
      )
      .min(1),
    conflicts: z.array(z.string()),
  }),
  voice_review: z.object({
    score: z.number().min(0).max(100),
    issues: z.array(z.object({ excerpt: z.string(), problem: Line, suggestion: z.string() })),
    verdict: z.enum(['approve', 'revise', 'reject']),
  }),
  crisis_assessment: z.object({
    severity: z.enum(['none', 'low', 'medium', 'high', 'critical']),
    summary: Line,
    escalate: z.boolean().describe('True when a person must decide before anything is posted.'),
    pausePublishing: z.boolean(),
    holdingStatement: z.string(),
    nextSteps: z.array(z.string()).min(1),
    stakeholders: z.array(z.string()),
  }),
  routing: z.object({
    agent: Line.describe('The id of the agent that should do the work.'),
    task: Line.describe('The task restated for that agent, with what it needs to know.'),
    reason: Line,
  }),
} as const;

export type OutputSchemaName = keyof typeof OUTPUT_SCHEMAS;
export const OUTPUT_SCHEMA_NAMES = Object.keys(OUTPUT_SCHEMAS) as [OutputSchemaName, ...OutputSchemaName[]];

export function isOutputSchemaName(name: string): name is OutputSchemaName {
  return Object.hasOwn(OUTPUT_SCHEMAS, name);
}

const jsonSchemas = new Map<z.ZodType, JsonSchema>();

/** The JSON Schema a model sees for a zod schema, as input (defaults optional); cached, as conversion is not free. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  let json = jsonSchemas.get(schema);
  if (!json) {
    json = toProviderSchema(schema);
    jsonSchemas.set(schema, json);
  }
  return json;
}
