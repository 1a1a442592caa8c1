// The content series and campaign workflows through the engine, and a
// workflow started by its pg-boss cron job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowsModule } from '../../../src/main/engine/workflows/workflowsModule';
import type { PublishingModule } from '../../../src/main/engine/publishing/publishingModule';
import { WorkflowScheduler } from '../../../src/main/engine/workflows/WorkflowScheduler';
import type { WorkflowRun } from '../../../src/shared/contract/schemas/workflows';
import { openWorkflowHarness, PLAN_DAY, type WorkflowHarness } from './harness';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await openWorkflowHarness({ platforms: ['x', 'bluesky'] });
}, 60_000);
afterAll(() => h?.close());

async function approveAllOf(runId: string) {
  for (const approval of (await h.pending()).filter((a) => a.runId === runId)) await h.call('approvals.approve', { id: approval.id });
  return h.settled(runId);
}

describe('content series', () => {
  it('drafts, approves and schedules part by part, a week apart', async () => {
    let run = await h.run('content-series', { topic: 'Brewing at home', parts: 2, platform: 'x', startDate: PLAN_DAY });
    expect(run.status, run.error ?? '').toBe('waiting');
    // Part 2 is not drafted before part 1 is decided.
    expect(run.steps.some((s) => s.path.startsWith('parts#2/'))).toBe(false);
    run = await approveAllOf(run.id);
    expect(run.status).toBe('waiting');
    expect(run.steps.find((s) => s.path === 'parts#2/brief')?.status).toBe('succeeded');
    run = await approveAllOf(run.id);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.output).toMatchObject({ parts: 2 });
    const posts = (await h.engine.services().posts.list({ brandId: h.brandId, limit: 100 })).filter((p) => p.status === 'scheduled');
    const times = posts.map((p) => p.scheduledAt!).sort();
    expect(times).toHaveLength(2);
    expect(new Date(times[1]!).getTime() - new Date(times[0]!).getTime()).toBe(7 * 86_400_000);
  }, 60_000);
});

describe('campaign', () => {
  it('plans dated items per platform, schedules the approved ones and reports', async () => {
    let run = await h.run('campaign', { goal: 'Launch the winter blend', days: 3, startDate: PLAN_DAY });
    expect(run.status, run.error ?? '').toBe('waiting');
    expect(run.pendingApprovals).toBe(2);
    run = await approveAllOf(run.id);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.output).toMatchObject({ goal: 'Launch the winter blend', planned: 2, scheduled: 2, rejected: 0 });
  }, 60_000);
});

describe('scheduled runs', () => {
  it('starts a run when the brand’s cron job is delivered', async () => {
    await h.call('workflows.updateSettings', { brandId: h.brandId, schedules: [{ workflowId: 'daily-content', cron: '0 7 * * *', enabled: true }] });
    const boss = h.engine.module<PublishingModule>('publishing').scheduler.queue;
    // What pg-boss's cron sends at 07:00 in the brand's zone.
    await boss.send(WorkflowScheduler.queueName('daily-content', h.brandId), { brandId: h.brandId, workflowId: 'daily-content' });
    let run: WorkflowRun | undefined;
    for (let i = 0; i < 150 && !run; i += 1) {
      run = (await h.call<WorkflowRun[]>('runs.list', { brandId: h.brandId })).find((r) => r.trigger === 'schedule');
      if (!run) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(run).toBeDefined();
    await h.engine.module<WorkflowsModule>('workflows').settled(run!.id);
    expect((await h.detail(run!.id)).status).toBe('waiting');
  }, 60_000);
});
