// Campaign: plan goals and dates, develop the content set, approve and
// schedule it, and report what was set up.
import { z } from 'zod';
import { PLATFORM_LABELS, type Platform } from '../../../../shared/platforms';
import { type OUTPUT_SCHEMAS } from '../../agents/outputSchemas';
import { defineWorkflow, type Scope } from '../definition';
import { LocalDate, PlatformList, prepareCommon } from './common';
import { addDays, approveAndScheduleSteps, branchResult, draftSteps, pickTime, type CheckedDraft, type PostBrief } from './postPipeline';

type ContentPlan = z.infer<typeof OUTPUT_SCHEMAS.content_plan>;
/** A campaign's content set is capped so one run stays reviewable by a person. */
const MAX_ITEMS = 12;

const Input = z
  .object({
    goal: z.string().trim().min(3, { message: 'Say what the campaign should achieve.' }).max(500),
    days: z.number().int().min(1).max(60).default(7),
    platforms: PlatformList.optional(),
    startDate: LocalDate.optional(),
  })
  .strict();

interface Item extends PostBrief {
  key: string;
  day: string;
}

function items(scope: Scope): Item[] {
  const plan = scope.get<ContentPlan>('plan');
  const platforms = scope.input.platforms as Platform[];
  const start = String(scope.input.startDate);
  const days = Number(scope.input.days);
  const planned = (plan?.items ?? []).filter((i) => platforms.includes(i.platform)).slice(0, MAX_ITEMS);
  const chosen = planned.length
    ? planned.map((i, n) => ({ platform: i.platform, idea: i.idea, pillar: i.pillar, format: i.format, day: /^\d{4}-\d{2}-\d{2}$/.test(i.date) ? i.date : addDays(start, Math.min(n, days - 1)) }))
    : platforms.map((platform, n) => ({ platform, idea: String(scope.input.goal), pillar: scope.brand.contentPillars[0] ?? 'campaign', format: 'text post', day: addDays(start, Math.min(n, days - 1)) }));
  return chosen.map((c, n) => ({ ...c, key: `${n + 1}-${c.platform}`, why: `Campaign goal: ${String(scope.input.goal)}${plan ? `\nPlan: ${plan.goal}` : ''}` }));
}

export const campaign = defineWorkflow({
  id: 'campaign',
  version: 1,
  title: 'Campaign',
  description: 'Plans a campaign’s goals and dates, develops its posts, schedules the approved ones and reports.',
  input: Input,
  prepare: async (input, { brand, tx }) => {
    const common = await prepareCommon({ platforms: input.platforms, ...(input.startDate ? { date: input.startDate } : {}) }, brand, tx);
    return { ...input, platforms: common.platforms, startDate: common.date, minVoiceScore: common.minVoiceScore };
  },
  steps: [
    {
      kind: 'agent',
      id: 'research',
      label: 'Research the campaign',
      agent: 'search-research',
      onError: 'skip',
      task: (scope) => `Research what matters for this campaign: ${String(scope.input.goal)}`,
    },
    {
      kind: 'agent',
      id: 'plan',
      label: 'Plan goals and dates',
      agent: 'content-strategy',
      onError: 'skip',
      retry: { retries: 1, backoffMs: 1000 },
      task: (scope) =>
        `Plan a ${String(scope.input.days)}-day campaign from ${String(scope.input.startDate)}: ${String(scope.input.goal)}. Platforms: ${(scope.input.platforms as Platform[])
          .map((p) => `${PLATFORM_LABELS[p]} (${p})`)
          .join(', ')}. At most ${MAX_ITEMS} posts; give each item a YYYY-MM-DD date.`,
    },
    {
      kind: 'parallel',
      id: 'develop',
      label: 'Develop the content set',
      failure: 'ignore',
      branches: (scope) => items(scope).map((item) => ({ key: item.key, vars: { brief: item }, steps: draftSteps() })),
    },
    {
      kind: 'function',
      id: 'times',
      label: 'Settle the dates',
      run: async (scope, fx) => {
        const now = await fx.now();
        return Object.fromEntries(items(scope).map((item) => [item.key, pickTime(item.platform, item.day, scope.brand.timezone, now).toISOString()]));
      },
    },
    {
      kind: 'parallel',
      id: 'schedule',
      label: 'Approve and schedule',
      failure: 'wait_all',
      branches: (scope) => {
        const developed = scope.get<Record<string, { check: CheckedDraft }>>('develop') ?? {};
        const times = scope.get<Record<string, string>>('times') ?? {};
        return Object.entries(developed).map(([key, branch]) => ({ key, vars: { checked: branch.check, at: times[key] }, steps: approveAndScheduleSteps(`Approve ${key}`) }));
      },
    },
    {
      kind: 'function',
      id: 'report',
      label: 'Report',
      run: async (scope) => {
        const done = scope.get<Record<string, Record<string, unknown>>>('schedule') ?? {};
        const results = Object.entries(done).map(([key, values]) => ({ key, ...branchResult(key.split('-').slice(1).join('-') as Platform, values) }));
        const scheduled = results.filter((r) => r.scheduledAt);
        return {
          goal: scope.input.goal,
          planned: items(scope).length,
          scheduled: scheduled.length,
          rejected: results.filter((r) => r.decision === 'rejected').length,
          posts: results,
        };
      },
    },
  ],
  output: (scope) => scope.get('report'),
});
