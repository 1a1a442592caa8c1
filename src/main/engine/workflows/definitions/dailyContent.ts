// Daily content: research → strategy → per platform (text ∥ visual, voice
// check with bounded rewrites, specialist formatting, rule check) → times →
// approval per draft → the publishing queue.
import { z } from 'zod';
import { PLATFORM_LABELS, type Platform } from '../../../../shared/platforms';
import { type OUTPUT_SCHEMAS } from '../../agents/outputSchemas';
import { defineWorkflow, type Scope } from '../definition';
import { LocalDate, PlatformList, prepareCommon, recentActivity } from './common';
import { approveAndScheduleSteps, branchResult, draftSteps, pickTime, type CheckedDraft, type PostBrief, type SchedulePlan } from './postPipeline';

type ResearchBrief = z.infer<typeof OUTPUT_SCHEMAS.research_brief>;
type ContentPlan = z.infer<typeof OUTPUT_SCHEMAS.content_plan>;

const Input = z
  .object({
    /** Defaults to the brand's connected platforms. */
    platforms: PlatformList.optional(),
    /** The brand's calendar day to plan; defaults to today in the brand's zone. */
    date: LocalDate.optional(),
  })
  .strict();

const platformsOf = (scope: Scope) => scope.input.platforms as Platform[];

function briefFor(scope: Scope, platform: Platform): PostBrief {
  const plan = scope.get<ContentPlan>('strategy');
  const research = scope.get<ResearchBrief>('research');
  const item = plan?.items.find((i) => i.platform === platform);
  const pillar = item?.pillar ?? scope.brand.contentPillars[0] ?? 'what the brand does';
  const idea = item?.idea ?? research?.trends[0] ?? `Something useful about ${pillar} for ${scope.brand.audience || 'the brand’s audience'}`;
  const why = [
    plan ? `Plan for ${scope.input.date}: ${plan.goal}` : 'No plan was made (strategy step skipped); the idea comes from the brand’s pillars.',
    research ? `Research: ${research.summary}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return { platform, idea, pillar, format: item?.format ?? 'text post', why };
}

export const dailyContent = defineWorkflow({
  id: 'daily-content',
  version: 1,
  title: 'Daily content',
  description: 'Researches, plans, drafts, checks and schedules today’s posts for each connected platform, with a person’s approval for each.',
  input: Input,
  prepare: async (input, { brand, tx }) => ({ ...input, ...(await prepareCommon(input, brand, tx)) }),
  steps: [
    {
      kind: 'function',
      id: 'recent',
      label: 'Look at recent posts',
      run: async (scope, fx) => ({ summary: await recentActivity((sql, params) => fx.services.db.query(sql, params), scope.brand.id) }),
    },
    {
      kind: 'agent',
      id: 'research',
      label: 'Research trends',
      agent: 'search-research',
      onError: 'skip',
      retry: { retries: 1, backoffMs: 1000 },
      task: (scope) =>
        `Find what is worth posting about today (${scope.input.date}) for this brand: trends, news and questions in its field and pillars. Use web search tools if you have them; otherwise the brand's knowledge base.\nRecent posts: ${scope.get<{ summary: string }>('recent')?.summary ?? 'unknown'}`,
    },
    {
      kind: 'agent',
      id: 'strategy',
      label: 'Update the calendar and priorities',
      agent: 'content-strategy',
      onError: 'skip',
      retry: { retries: 1, backoffMs: 1000 },
      task: (scope) => {
        const research = scope.get<ResearchBrief>('research');
        return `Plan today's posts (${scope.input.date}): exactly one item for each of these platforms: ${platformsOf(scope)
          .map((p) => PLATFORM_LABELS[p])
          .join(', ')}. Use the platform ids ${platformsOf(scope).join(', ')}.\n${research ? `Research:\n${research.summary}\nTrends: ${research.trends.join('; ')}` : 'No research is available today; work from the brand’s pillars.'}`;
      },
    },
    {
      kind: 'parallel',
      id: 'drafts',
      label: 'Draft for each platform',
      failure: 'ignore',
      branches: (scope) => platformsOf(scope).map((platform) => ({ key: platform, vars: { brief: briefFor(scope, platform) }, steps: draftSteps() })),
    },
    {
      kind: 'agent',
      id: 'scheduling',
      label: 'Pick the times',
      agent: 'scheduling',
      onError: 'skip',
      task: (scope) => {
        const drafts = Object.values(scope.get<Record<string, { check: CheckedDraft }>>('drafts') ?? {});
        return `Pick a publishing time on ${scope.input.date} (time zone ${scope.brand.timezone}) for each of these drafts; postRef is the platform id.\n${drafts
          .map((d) => `- ${d.check.platform}: ${d.check.text.slice(0, 120)}`)
          .join('\n')}`;
      },
    },
    {
      kind: 'function',
      id: 'times',
      label: 'Settle the times',
      run: async (scope, fx) => {
        const now = await fx.now();
        const plan = scope.get<SchedulePlan>('scheduling');
        const drafts = scope.get<Record<string, { check: CheckedDraft }>>('drafts') ?? {};
        const times: Record<string, string> = {};
        for (const platform of Object.keys(drafts) as Platform[]) {
          const slot = plan?.slots.find((s) => s.platform === platform);
          times[platform] = pickTime(platform, String(scope.input.date), scope.brand.timezone, now, slot?.at).toISOString();
        }
        return times;
      },
    },
    {
      kind: 'parallel',
      id: 'approvals',
      label: 'Approve and schedule',
      failure: 'wait_all',
      branches: (scope) => {
        const drafts = scope.get<Record<string, { check: CheckedDraft }>>('drafts') ?? {};
        const times = scope.get<Record<string, string>>('times') ?? {};
        return Object.entries(drafts).map(([platform, branch]) => ({
          key: platform,
          vars: { checked: branch.check, at: times[platform] },
          steps: approveAndScheduleSteps(`Approve the ${PLATFORM_LABELS[platform as Platform]} post`),
        }));
      },
    },
  ],
  output: (scope) => {
    const approvals = scope.get<Record<string, Record<string, unknown>>>('approvals') ?? {};
    const results = Object.entries(approvals).map(([platform, values]) => branchResult(platform as Platform, values));
    const failed = platformsOf(scope).filter((p) => !scope.get<Record<string, unknown>>('drafts')?.[p]);
    return {
      scheduled: results.filter((r) => r.scheduledAt),
      rejected: results.filter((r) => r.decision === 'rejected'),
      failedPlatforms: failed,
    };
  },
});
