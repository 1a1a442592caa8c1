// Content series: plan N parts, then part by part: draft, check, approve,
// schedule; before each next part, look at how the earlier parts did (when
// there are metrics) and adjust. Cancelling the run stops the series.
import { z } from 'zod';
import { PLATFORM_LABELS, type Platform } from '../../../../shared/platforms';
import { type OUTPUT_SCHEMAS } from '../../agents/outputSchemas';
import { defineWorkflow, type Scope, type Step } from '../definition';
import { LocalDate, prepareCommon } from './common';
import { Platform as PlatformSchema } from '../../../../shared/contract/schemas/accounts';
import { addDays, approveAndScheduleSteps, branchResult, draftSteps, pickTime, type CheckedDraft, type PostBrief } from './postPipeline';

type ContentPlan = z.infer<typeof OUTPUT_SCHEMAS.content_plan>;

const Input = z
  .object({
    topic: z.string().trim().min(3, { message: 'Say what the series is about.' }).max(300),
    parts: z.number().int().min(2).max(12).default(3),
    /** Defaults to the brand's first connected platform. */
    platform: PlatformSchema.optional(),
    /** Days between parts. */
    everyDays: z.number().int().min(1).max(30).default(7),
    startDate: LocalDate.optional(),
  })
  .strict();

function partBrief(scope: Scope): PostBrief {
  const plan = scope.get<ContentPlan>('plan');
  const platform = scope.input.platform as Platform;
  const item = plan?.items[scope.iteration];
  const adjust = (scope.vars.previous as { performance?: { note: string } } | undefined)?.performance?.note;
  return {
    platform,
    idea: item?.idea ?? `Part ${scope.iteration + 1} of a series on ${String(scope.input.topic)}`,
    pillar: item?.pillar ?? String(scope.input.topic),
    format: item?.format ?? 'text post',
    why: [`Part ${scope.iteration + 1} of ${String(scope.input.parts)} in the series “${String(scope.input.topic)}”.`, plan ? `Series goal: ${plan.goal}` : '', adjust ?? '']
      .filter(Boolean)
      .join('\n'),
  };
}

const partSteps: Step[] = [
  {
    kind: 'function',
    id: 'brief',
    label: 'Brief for this part',
    run: async (scope) => partBrief(scope),
  },
  {
    kind: 'parallel',
    id: 'draft',
    label: 'Draft this part',
    failure: 'fail_fast',
    branches: (scope) => [{ key: String(scope.input.platform), vars: { brief: scope.get<PostBrief>('brief') }, steps: draftSteps() }],
  },
  {
    kind: 'function',
    id: 'when',
    label: 'Pick the time',
    run: async (scope, fx) => {
      const day = addDays(String(scope.input.startDate), scope.iteration * Number(scope.input.everyDays));
      return (pickTime(scope.input.platform as Platform, day, scope.brand.timezone, await fx.now())).toISOString();
    },
  },
  {
    kind: 'parallel',
    id: 'release',
    label: 'Approve and schedule this part',
    failure: 'fail_fast',
    branches: (scope) => {
      const platform = String(scope.input.platform);
      const checked = scope.get<Record<string, { check: CheckedDraft }>>('draft')?.[platform]?.check;
      return [{ key: platform, vars: { checked, at: scope.get<string>('when') }, steps: approveAndScheduleSteps(`Approve part ${scope.iteration + 1}`) }];
    },
  },
  {
    kind: 'function',
    id: 'performance',
    label: 'Look at how the series is doing',
    run: async (scope, fx) => {
      // Chorus collects no engagement metrics yet; what it knows is what went out.
      const rows = await fx.services.db.query<{ status: string; n: number }>(
        `SELECT p.status, count(*)::int AS n FROM approvals a JOIN posts p ON p.id = a.post_id WHERE a.run_id = $1 GROUP BY p.status`,
        [scope.runId],
      );
      const published = rows.find((r) => r.status === 'published')?.n ?? 0;
      return {
        metrics: null,
        note: published
          ? `${published} part(s) published so far; no engagement metrics are collected yet, so the next part follows the plan.`
          : 'No part has been published yet; the next part follows the plan.',
      };
    },
  },
];

export const contentSeries = defineWorkflow({
  id: 'content-series',
  version: 1,
  title: 'Content series',
  description: 'Plans a series of N posts on one topic, then drafts, approves and schedules them part by part.',
  input: Input,
  prepare: async (input, { brand, tx }) => {
    const common = await prepareCommon({ ...(input.platform ? { platforms: [input.platform] } : {}), ...(input.startDate ? { date: input.startDate } : {}) }, brand, tx);
    return { ...input, platform: common.platforms[0], startDate: common.date, minVoiceScore: common.minVoiceScore };
  },
  steps: [
    {
      kind: 'agent',
      id: 'plan',
      label: 'Plan the series',
      agent: 'content-strategy',
      onError: 'skip',
      retry: { retries: 1, backoffMs: 1000 },
      task: (scope) =>
        `Plan a series of ${String(scope.input.parts)} ${PLATFORM_LABELS[scope.input.platform as Platform]} posts on “${String(scope.input.topic)}”: one item per part, in order, each building on the last. Platform id: ${String(scope.input.platform)}. First part on ${String(scope.input.startDate)}, then every ${String(scope.input.everyDays)} days.`,
    },
    {
      kind: 'loop',
      id: 'parts',
      label: 'Part by part',
      max: 12,
      until: (scope) => scope.iteration + 1 >= Number(scope.input.parts),
      steps: partSteps,
    },
  ],
  output: (scope) => {
    const parts = scope.get<{ iterations: number }>('parts');
    return { parts: parts?.iterations ?? 0, last: branchResult(scope.input.platform as Platform, (scope.get<{ last?: { release?: Record<string, Record<string, unknown>> } }>('parts')?.last?.release ?? {})[String(scope.input.platform)]) };
  },
});
