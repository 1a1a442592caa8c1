// The steps every content workflow shares, for one post on one platform:
// write and voice-check (bounded rewrites) in parallel with the visual idea,
// format by the platform's specialist (or by its rules when it has none),
// check against the rules; then approval and scheduling through the queue.
import { type z } from 'zod';
import { PLATFORM_LABELS, splitThread, type Platform, type Problem } from '../../../../shared/platforms';
import type { ApprovalDraft } from '../../../../shared/contract/schemas/workflows';
import { type OUTPUT_SCHEMAS } from '../../agents/outputSchemas';
import { postSql } from '../../repositories/PostRepository';
import { wallClockToInstant } from '../../publishing/recurrence';
import { postProblems } from '../../publishing/ruleCheck';
import type { ApprovalOutcome, ApprovalRequest, Scope, Step } from '../definition';

/** Platforms with a specialist agent in agents/; the others are formatted by their rules alone. */
const SPECIALISTS: ReadonlySet<Platform> = new Set(['x', 'linkedin', 'instagram', 'facebook', 'tiktok', 'youtube']);
/** Platforms where a long text becomes a thread instead of a problem. */
const THREADED: ReadonlySet<Platform> = new Set(['x', 'bluesky', 'mastodon']);
/** When a post goes out if the scheduling agent gives no usable time: local hour per platform. */
const DEFAULT_HOUR: Record<Platform, number> = {
  x: 9,
  linkedin: 8,
  instagram: 12,
  facebook: 13,
  tiktok: 18,
  youtube: 16,
  reddit: 10,
  bluesky: 11,
  mastodon: 10,
};
/** How many rewrites a draft gets after failing the voice check. */
export const MAX_REWRITES = 2;

type Draft = z.infer<typeof OUTPUT_SCHEMAS.draft>['drafts'][number];
type VoiceReview = z.infer<typeof OUTPUT_SCHEMAS.voice_review>;
type VisualBrief = z.infer<typeof OUTPUT_SCHEMAS.visual_brief>;
type PlatformPost = z.infer<typeof OUTPUT_SCHEMAS.platform_post>;
export type SchedulePlan = z.infer<typeof OUTPUT_SCHEMAS.schedule_plan>;

/** What one branch is about; the branch's vars. */
export interface PostBrief {
  platform: Platform;
  idea: string;
  pillar: string;
  format: string;
  /** Why this post (the plan's and research's words), shown to the approver. */
  why: string;
}

/** The finished draft of a branch, after formatting and the rule check. */
export interface CheckedDraft {
  platform: Platform;
  title: string;
  text: string;
  thread: string[];
  hashtags: string[];
  altText: string;
  visualIdea: string;
  problems: Problem[];
  voiceScore: number | null;
  voiceIssues: VoiceReview['issues'];
  reasoning: string;
}

const brief = (scope: Scope) => scope.vars.brief as PostBrief;
const label = (platform: Platform) => PLATFORM_LABELS[platform];

function pickDraft(output: unknown, platform: Platform): Draft | undefined {
  const drafts = (output as { drafts?: Draft[] } | undefined)?.drafts ?? [];
  return drafts.find((d) => d.platform === platform) ?? drafts[0];
}

function withHashtags(text: string, hashtags: readonly string[]): string {
  const missing = hashtags.map((h) => h.replace(/^#/, '')).filter((h) => h && !text.toLowerCase().includes(`#${h.toLowerCase()}`));
  return missing.length ? `${text.trim()}\n\n${missing.map((h) => `#${h}`).join(' ')}` : text.trim();
}

/** Write, then review; a failed review sends the draft back with the reviewer's notes, at most MAX_REWRITES times. */
function voiceLoop(): Step {
  return {
    kind: 'loop',
    id: 'voice',
    label: 'Write and check the brand voice',
    max: 1 + MAX_REWRITES,
    until: (scope) => {
      const review = scope.get<VoiceReview>('review');
      const min = Number(scope.input.minVoiceScore ?? 70);
      return !review || (review.score >= min && review.verdict !== 'reject');
    },
    steps: [
      {
        kind: 'agent',
        id: 'write',
        label: 'Draft the post',
        agent: 'content-creation',
        retry: { retries: 1, backoffMs: 500 },
        task: (scope) => {
          const b = brief(scope);
          const previous = scope.vars.previous as { write?: unknown; review?: VoiceReview } | undefined;
          const before = pickDraft(previous?.write, b.platform);
          if (scope.iteration > 0 && before && previous?.review) {
            const notes = previous.review.issues.map((i) => `- "${i.excerpt}": ${i.problem}${i.suggestion ? ` → ${i.suggestion}` : ''}`).join('\n');
            return `Rewrite this ${label(b.platform)} post so it passes the brand-voice review (it scored ${previous.review.score}/100).\n\nThe post:\n${before.text}\n\nWhat the reviewer found:\n${notes || '- (no specific notes)'}\n\nKeep the idea: ${b.idea}`;
          }
          // The idea comes first: without a model, the offline drafter builds its post from the first sentence.
          return `${b.idea.replace(/[.!?…]*$/, '.')}\n\nWrite one ${label(b.platform)} post (${b.format}) on the idea above, for the content pillar "${b.pillar}".\nIdea: ${b.idea}\nWhy: ${b.why}`;
        },
      },
      {
        kind: 'agent',
        id: 'review',
        label: 'Brand voice check',
        agent: 'brand-voice',
        onError: 'skip',
        task: (scope) => {
          const b = brief(scope);
          const draft = pickDraft(scope.get('write'), b.platform);
          return `Review this ${label(b.platform)} post against the brand's voice, banned words and audience. Score it out of 100.\n\n${draft ? withHashtags(draft.text, draft.hashtags) : '(no draft)'}`;
        },
      },
    ],
  };
}

/** The steps of one branch: the checked draft ends up as the output of `check`. */
export function draftSteps(): Step[] {
  return [
    {
      kind: 'parallel',
      id: 'create',
      label: 'Text and visual',
      failure: 'wait_all',
      branches: () => [
        { key: 'text', steps: [voiceLoop()] },
        {
          key: 'visual',
          steps: [
            {
              kind: 'agent',
              id: 'idea',
              label: 'Visual idea and alt text',
              agent: 'visual',
              onError: 'skip',
              task: (scope) => {
                const b = brief(scope);
                return `Propose one image for a ${label(b.platform)} post (${b.format}) about: ${b.idea}. Give an image prompt and alt text.`;
              },
            },
          ],
        },
      ],
    },
    {
      kind: 'router',
      id: 'format',
      label: 'Format for the platform',
      route: (scope) => (SPECIALISTS.has(brief(scope).platform) ? 'specialist' : 'rules'),
      routes: {
        specialist: [
          {
            kind: 'agent',
            id: 'specialist',
            label: 'Platform specialist',
            agent: (scope) => brief(scope).platform,
            onError: 'skip',
            task: (scope) => {
              const b = brief(scope);
              const draft = finalDraftOf(scope);
              return `Format this post for ${label(b.platform)} (${b.format}) so it follows the platform's rules and habits. Keep its meaning and voice.\n\n${draft ? withHashtags(draft.text, draft.hashtags) : ''}`;
            },
          },
        ],
        rules: [
          {
            kind: 'function',
            id: 'rules',
            label: 'Format by the platform’s rules',
            run: async (scope) => {
              const draft = finalDraftOf(scope);
              return { text: draft ? withHashtags(draft.text, draft.hashtags) : '' };
            },
          },
        ],
      },
    },
    {
      kind: 'function',
      id: 'check',
      label: 'Check the platform’s rules',
      run: async (scope) => checkDraft(scope),
    },
  ];
}

function finalDraftOf(scope: Scope): Draft | undefined {
  const create = scope.get<{ text?: { voice?: { last?: { write?: unknown } } } }>('create');
  return pickDraft(create?.text?.voice?.last?.write, brief(scope).platform);
}

function checkDraft(scope: Scope): CheckedDraft {
  const b = brief(scope);
  const create = scope.get<{ text?: { voice?: { iterations: number; last?: { write?: unknown; review?: VoiceReview } } }; visual?: { idea?: VisualBrief } }>('create');
  const written = finalDraftOf(scope);
  const review = create?.text?.voice?.last?.review;
  const visual = create?.visual?.idea;
  const format = scope.get<{ specialist?: PlatformPost; rules?: { text: string } }>('format');
  const specialist = format?.specialist;
  let text = specialist ? withHashtags(specialist.text, specialist.hashtags) : (format?.rules?.text ?? (written ? withHashtags(written.text, written.hashtags) : ''));
  if (!text.trim()) throw new Error(`No draft was written for ${label(b.platform)}.`);
  let thread: string[] = [];
  const title = b.platform === 'reddit' || b.platform === 'youtube' ? b.idea.slice(0, 100) : '';
  let problems = postProblems({ platform: b.platform, title, text, thread });
  if (THREADED.has(b.platform) && problems.some((p) => p.severity === 'error' && (p.field ?? 'text') === 'text')) {
    const parts = splitThread(b.platform, text);
    if (parts.length > 1) {
      [text, ...thread] = parts as [string, ...string[]];
      problems = postProblems({ platform: b.platform, title, text, thread });
    }
  }
  const rewrites = Math.max(0, (create?.text?.voice?.iterations ?? 1) - 1);
  const reasoning = [
    b.why,
    written?.notes ? `Writer’s notes: ${written.notes}` : '',
    specialist?.notes ? `${label(b.platform)} specialist: ${specialist.notes}` : '',
    rewrites ? `Rewritten ${rewrites} time${rewrites === 1 ? '' : 's'} after the brand-voice check.` : '',
    review ? `Brand voice: ${review.score}/100 (${review.verdict}).` : 'The brand-voice check did not run (no model could score it).',
  ]
    .filter(Boolean)
    .join('\n');
  return {
    platform: b.platform,
    title,
    text,
    thread,
    hashtags: specialist?.hashtags ?? written?.hashtags ?? [],
    altText: specialist?.altText ?? written?.altText ?? visual?.altText ?? '',
    visualIdea: visual ? `${visual.concept} — ${visual.imagePrompt}` : '',
    problems,
    voiceScore: review ? review.score : null,
    voiceIssues: review?.issues ?? [],
    reasoning,
  };
}

// ── times ───────────────────────────────────────────────────────────────────

/** The brand's calendar day for an instant. */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The time a post goes out: the scheduling agent's slot when it is a real
 * time after `now`, else the platform's usual hour on `day` (or the next day
 * if that passed).
 */
export function pickTime(platform: Platform, day: string, timeZone: string, now: Date, proposed?: string): Date {
  const soon = now.getTime() + 5 * 60_000;
  if (proposed) {
    const at = new Date(proposed);
    if (!Number.isNaN(at.getTime()) && at.getTime() > soon) return at;
  }
  const hour = String(DEFAULT_HOUR[platform]).padStart(2, '0');
  for (let offset = 0; offset < 3; offset += 1) {
    const at = wallClockToInstant(`${addDays(day, offset)}T${hour}:00`, timeZone);
    if (at.getTime() > soon) return at;
  }
  return new Date(soon);
}

// ── approval and scheduling ─────────────────────────────────────────────────

/** Approval, then (if approved) scheduling; reads the branch's vars `checked` and `at`. */
export function approveAndScheduleSteps(label: string): Step[] {
  return [
    {
      kind: 'approval',
      id: 'approve',
      label,
      request: async (scope, tx) => {
        const checked = scope.vars.checked as CheckedDraft;
        const at = scope.vars.at as string;
        const { rows: accounts } = await tx.query<{ id: string }>(
          `SELECT id FROM accounts WHERE brand_id = $1 AND platform = $2 AND status = 'connected' ORDER BY created_at LIMIT 1`,
          [scope.brand.id, checked.platform],
        );
        const post = await postSql.insert(tx, {
          brandId: scope.brand.id,
          platform: checked.platform,
          accountId: accounts[0]?.id ?? null,
          title: checked.title,
          text: checked.text,
          thread: checked.thread,
          status: 'in_review',
        });
        await postSql.event(tx, post.id, { kind: 'created', detail: { workflowRunId: scope.runId } });
        await postSql.event(tx, post.id, { kind: 'submitted', message: 'Drafted by a workflow; waiting for approval.', detail: { workflowRunId: scope.runId } });
        const draft: ApprovalDraft = {
          platform: checked.platform,
          title: checked.title,
          text: checked.text,
          thread: checked.thread,
          hashtags: checked.hashtags,
          altText: checked.altText,
          visualIdea: checked.visualIdea,
          proposedAt: at,
        };
        const request: ApprovalRequest = {
          postId: post.id,
          draft,
          problems: checked.problems,
          voiceScore: checked.voiceScore,
          voiceIssues: checked.voiceIssues,
          reasoning: checked.reasoning,
        };
        return request;
      },
    },
    {
      kind: 'condition',
      id: 'publish',
      label: 'Schedule if approved',
      cases: [
        {
          key: 'approved',
          when: (scope) => scope.get<ApprovalOutcome>('approve')?.decision === 'approved',
          steps: [
            {
              kind: 'function',
              id: 'schedule',
              label: 'Put it on the publishing queue',
              run: async (scope, fx) => {
                const outcome = scope.get<ApprovalOutcome>('approve')!;
                if (!outcome.postId) throw new Error('The approved draft has no post (it was deleted).');
                const at = new Date(scope.vars.at as string);
                const scheduled = await fx.effect('schedule', async (tx) => {
                  const row = await fx.services.posts.scheduleApproved(tx, {
                    id: outcome.postId!,
                    at,
                    timeZone: scope.brand.timezone,
                    detail: { workflowRunId: scope.runId, approvalId: outcome.approvalId },
                  });
                  return { postId: row.id, at: row.scheduled_at ? new Date(row.scheduled_at).toISOString() : null };
                });
                const row = await fx.services.repos.posts.row(scheduled.postId);
                if (row) fx.services.posts.announce(row);
                return scheduled;
              },
            },
          ],
        },
      ],
    },
  ];
}

/** What an approve-and-schedule branch came to, for a run's output. */
export function branchResult(platform: Platform, values: Record<string, unknown> | undefined) {
  const approve = values?.approve as ApprovalOutcome | undefined;
  const publish = values?.publish as { schedule?: { postId: string; at: string | null } } | undefined;
  return {
    platform,
    postId: approve?.postId ?? null,
    decision: approve?.decision ?? null,
    comment: approve?.comment ?? '',
    scheduledAt: publish?.schedule?.at ?? null,
  };
}
