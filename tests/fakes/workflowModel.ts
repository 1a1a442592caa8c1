// A scripted model for workflow tests and benchmarks: it answers each request
// from what the request says (the schema asked for, the platform, the task),
// never from the order of calls, so parallel branches and replays after a
// crash get the same answers. Drafts for LinkedIn first say "synergy", which
// the voice check scores low, so the rewrite loop really runs.
import { createHash } from 'node:crypto';
import { PLATFORMS, PLATFORM_LABELS, type Platform } from '../../src/shared/platforms';
import type { OllamaReply } from './FakeOllamaServer';

interface WireMessage {
  role: string;
  content: string;
}

const LABEL_TO_ID = new Map(PLATFORMS.map((p) => [PLATFORM_LABELS[p].toLowerCase(), p]));

function platformNamed(text: string): Platform {
  const lower = text.toLowerCase();
  for (const [label, id] of LABEL_TO_ID) if (lower.includes(`${label} post`) || lower.includes(`for ${label}`)) return id;
  return 'x';
}

function platformIds(task: string): Platform[] {
  const found = new Set<Platform>();
  const list = /platform ids? ([a-z, ]+)/i.exec(task)?.[1] ?? /platform id: ([a-z]+)/i.exec(task)?.[1];
  for (const id of (list ?? '').split(/[ ,]+/)) if ((PLATFORMS as readonly string[]).includes(id)) found.add(id as Platform);
  for (const match of task.matchAll(/\(([a-z]+)\)/g)) if ((PLATFORMS as readonly string[]).includes(match[1]!)) found.add(match[1] as Platform);
  return [...found];
}

const dayIn = (task: string) => /(\d{4}-\d{2}-\d{2})/.exec(task)?.[1] ?? '2030-01-01';

/** The task the agent was given: the first user message. */
function taskOf(messages: WireMessage[]): string {
  return messages.find((m) => m.role === 'user')?.content ?? '';
}

/** The output schema the final call asks for, from the runtime's closing instruction. */
function schemaAskedFor(messages: WireMessage[]): string | null {
  const last = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  return /matching the "([a-z_]+)" schema/.exec(last)?.[1] ?? null;
}

function answer(schema: string, task: string): unknown {
  switch (schema) {
    case 'research_brief':
      return {
        summary: 'Home brewers are asking about cold brew ratios as the weather turns.',
        findings: [{ claim: 'Searches for cold brew ratios rose this week.', confidence: 'medium' }],
        trends: ['cold brew ratios', 'winter espresso drinks'],
        hashtags: ['coldbrew'],
        openQuestions: [],
      };
    case 'content_plan': {
      const platforms = platformIds(task);
      const day = dayIn(task);
      return {
        goal: 'Teach one useful brewing idea per platform today.',
        pillars: ['brewing guides'],
        items: (platforms.length ? platforms : ['x']).map((platform, i) => ({
          date: day,
          platform,
          pillar: 'brewing guides',
          format: 'text post',
          idea: `Cold brew ratio tip number ${i + 1}`,
        })),
        measures: ['saves', 'replies'],
      };
    }
    case 'draft': {
      const platform = platformNamed(task);
      const rewrite = task.startsWith('Rewrite');
      const jargon = platform === 'linkedin' && !rewrite ? ' Real synergy for your mornings.' : '';
      const idea = /Idea: (.*)/.exec(task)?.[1] ?? /Keep the idea: (.*)/.exec(task)?.[1] ?? 'cold brew';
      return {
        drafts: [
          {
            platform,
            text: `${idea}: one part coffee to eight parts water, 14 hours in the fridge.${jargon}`,
            hashtags: ['ColdBrew'],
            notes: `Written for ${PLATFORM_LABELS[platform]}${rewrite ? ' (rewritten after the voice check)' : ''}.`,
          },
        ],
      };
    }
    case 'voice_review': {
      const jargon = task.toLowerCase().includes('synergy');
      return {
        score: jargon ? 40 : 88,
        issues: jargon ? [{ excerpt: 'synergy', problem: 'Corporate jargon the brand never uses.', suggestion: 'Say what it does for the morning.' }] : [],
        verdict: jargon ? 'revise' : 'approve',
      };
    }
    case 'visual_brief':
      return {
        concept: 'A jar of cold brew on a windowsill in morning light',
        format: '1080x1350 single image',
        composition: 'Jar on the left third, frost on the glass',
        palette: ['#3b2a20', '#e8dccb'],
        altText: 'A glass jar of cold brew coffee on a frosty windowsill.',
        imagePrompt: 'cold brew jar on frosty windowsill, soft morning light, 4:5',
      };
    case 'platform_post': {
      const platform = platformNamed(task);
      const body = task.split('\n\n').slice(1).join('\n\n').trim() || 'Cold brew: one to eight, 14 hours.';
      return { platform, format: 'text post', text: body, hashtags: [], checks: ['length'], notes: `Checked against ${PLATFORM_LABELS[platform]}'s limits.` };
    }
    case 'schedule_plan': {
      const day = dayIn(task);
      const lines = [...task.matchAll(/^- ([a-z]+):/gm)].map((m) => m[1]!);
      return {
        timeZone: 'UTC',
        slots: lines.map((platform, i) => ({ platform, at: `${day}T${String(10 + i).padStart(2, '0')}:00:00Z`, postRef: platform, reason: 'When the audience is up.' })),
        conflicts: [],
      };
    }
    case 'analytics_report':
      return { period: 'series so far', headline: 'Too early to tell.', metrics: [], insights: [], recommendations: [], caveats: ['No metrics yet.'] };
    default:
      throw new Error(`workflowModel: no scripted answer for the "${schema}" schema`);
  }
}

/** A stable key for a request, so tests can count how often the same call was made. */
export function requestKey(body: Record<string, unknown>): string {
  const messages = (body.messages as WireMessage[]) ?? [];
  return createHash('sha256').update(JSON.stringify(messages.map((m) => [m.role, m.content]))).update(String(!!body.tools)).digest('hex').slice(0, 16);
}

/** The reply to one Ollama /api/chat body. */
export function workflowReply(body: Record<string, unknown>): OllamaReply {
  const messages = (body.messages as WireMessage[]) ?? [];
  const schema = schemaAskedFor(messages);
  // The tool loop: nothing to look up (the knowledge base is empty in these tests).
  if (!schema) return { content: 'I have what I need.', promptEvalCount: 120, evalCount: 8 };
  return { content: JSON.stringify(answer(schema, taskOf(messages))), promptEvalCount: 400, evalCount: 150 };
}
