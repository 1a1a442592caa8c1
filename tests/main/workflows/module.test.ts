// The workflows module's lifecycle through the engine: approval policy,
// time-outs, cancelling, version changes, refused starts and cron schedules.
// One engine for the file; each test puts the approval policy back.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Approval, RunDetail, WorkflowRun, WorkflowSettings } from '../../../src/shared/contract/schemas/workflows';
import { WorkflowScheduler } from '../../../src/main/engine/workflows/WorkflowScheduler';
import { openWorkflowHarness, PLAN_DAY, type WorkflowHarness } from './harness';
import { approvalsOf, callError, db, defaultApproval, setApproval, withHostEngine } from './moduleHelpers';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await openWorkflowHarness({ platforms: ['x'] });
}, 60_000);
afterAll(() => h?.close());
beforeEach(async () => {
  await defaultApproval(h);
});

/** A daily-content run for X that waits for its one approval. */
async function waitingRun(): Promise<{ run: RunDetail; approval: Approval }> {
  const run = await h.run('daily-content', { date: PLAN_DAY, platforms: ['x'] });
  expect(run.status, run.error ?? '').toBe('waiting');
  const [approval] = await approvalsOf(h, run.id, 'pending');
  expect(approval).toBeDefined();
  return { run, approval: approval! };
}

async function postOf(postId: string) {
  const posts = await h.engine.services().posts.list({ brandId: h.brandId, limit: 200 });
  const post = posts.find((p) => p.id === postId);
  expect(post).toBeDefined();
  return post!;
}

describe('approval policy', () => {
  it('flagged mode approves a clean, well-scored draft without a person, and says so', async () => {
    const settings = await setApproval(h, { mode: 'flagged', minVoiceScore: 50 });
    expect(settings.approval).toMatchObject({ mode: 'flagged', minVoiceScore: 50 });
    expect((await h.call<WorkflowSettings>('workflows.settings', { brandId: h.brandId })).approval.mode).toBe('flagged');

    const run = await h.run('daily-content', { date: PLAN_DAY, platforms: ['x'] });
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.pendingApprovals).toBe(0);
    expect(await approvalsOf(h, run.id, 'pending')).toEqual([]);

    const [approved] = await approvalsOf(h, run.id, 'approved');
    expect(approved).toBeDefined();
    expect(approved!.voiceScore).toBe(88);
    expect(approved!.problems).toEqual([]);
    expect(approved!.decisions).toHaveLength(1);
    expect(approved!.decisions[0]).toMatchObject({ action: 'approved', actor: 'policy', via: 'policy' });
    expect(approved!.decisions[0]!.comment).toContain('voice score of 88');

    const post = await postOf(approved!.postId!);
    expect(post.status).toBe('scheduled');
    const output = run.output as { scheduled: { platform: string }[] };
    expect(output.scheduled.map((s) => s.platform)).toEqual(['x']);
  }, 30_000);

  it('flagged mode still waits for a person when the score is under the threshold', async () => {
    await setApproval(h, { mode: 'flagged', minVoiceScore: 95 });
    const { run, approval } = await waitingRun();
    expect(approval.voiceScore).toBe(88);
    expect(approval.decisions).toEqual([]);
    await h.call('approvals.reject', { id: approval.id, comment: 'Not today.' });
    expect((await h.settled(run.id)).status).toBe('succeeded');
  }, 30_000);
});

describe('approval time-outs', () => {
  async function expireAndRestart(approvalId: string) {
    await db(h).write((tx) => tx.query(`UPDATE approvals SET expires_at = now() - interval '1 minute' WHERE id = $1`, [approvalId]));
    await h.restart();
  }

  it('reject: the expired draft is rejected by "timeout" and the run succeeds with nothing scheduled', async () => {
    await setApproval(h, { timeoutHours: 1, onTimeout: 'reject' });
    const { run, approval } = await waitingRun();
    // The expiry is set from the policy: about an hour from now.
    const expiresIn = new Date(approval.expiresAt!).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(55 * 60_000);
    expect(expiresIn).toBeLessThan(65 * 60_000);

    await expireAndRestart(approval.id);
    const done = await h.settled(run.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    const [rejected] = await approvalsOf(h, run.id, 'rejected');
    expect(rejected?.id).toBe(approval.id);
    expect(rejected!.decisions.at(-1)).toMatchObject({ action: 'rejected', actor: 'timeout', via: 'timeout' });
    const output = done.output as { scheduled: unknown[]; rejected: { platform: string }[] };
    expect(output.scheduled).toEqual([]);
    expect(output.rejected.map((r) => r.platform)).toEqual(['x']);
    const post = await postOf(approval.postId!);
    expect(post.status).toBe('draft');
    expect(post.scheduledAt ?? null).toBeNull();
  }, 60_000);

  it('fail: the expired approval fails the run', async () => {
    await setApproval(h, { timeoutHours: 1, onTimeout: 'fail' });
    const { run, approval } = await waitingRun();
    await expireAndRestart(approval.id);
    const done = await h.settled(run.id);
    expect(done.status).toBe('failed');
    expect(done.error).toContain('Nobody decided in time');
    const [expired] = await approvalsOf(h, run.id, 'expired');
    expect(expired?.id).toBe(approval.id);
    expect(expired!.decisions.at(-1)).toMatchObject({ action: 'expired', actor: 'timeout' });
    expect((await postOf(approval.postId!)).status).toBe('draft');
  }, 60_000);
});

describe('cancel and retry', () => {
  it('cancelling a waiting run expires its approvals and puts the post back to draft; a cancelled run cannot be retried', async () => {
    const { run, approval } = await waitingRun();
    expect((await postOf(approval.postId!)).status).toBe('in_review');

    const cancelled = await h.call<WorkflowRun>('runs.cancel', { id: run.id });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.pendingApprovals).toBe(0);
    expect(cancelled.finishedAt).not.toBeNull();

    expect(await approvalsOf(h, run.id, 'pending')).toEqual([]);
    const [expired] = await approvalsOf(h, run.id, 'expired');
    expect(expired?.id).toBe(approval.id);
    expect(expired!.decisions.at(-1)).toMatchObject({ action: 'expired', via: 'cancel' });

    const post = await postOf(approval.postId!);
    expect(post.status).toBe('draft');
    const history = await h.engine.services().posts.history(post.id);
    expect(history.at(-1)).toMatchObject({ kind: 'rejected' });
    expect(history.at(-1)!.message).toContain('cancelled');

    const detail = await h.detail(run.id);
    expect(detail.events.at(-1)?.type).toBe('run_cancelled');
    expect(detail.steps.filter((s) => s.status === 'waiting' || s.status === 'running')).toEqual([]);

    await expect(h.call('runs.retry', { id: run.id })).rejects.toMatchObject({ code: 'conflict' });
    await expect(h.call('runs.cancel', { id: run.id })).rejects.toMatchObject({ code: 'conflict' });
    // Deciding the withdrawn approval is refused too.
    await expect(h.call('approvals.approve', { id: approval.id })).rejects.toMatchObject({ code: 'conflict' });
  }, 30_000);
});

describe('version changes', () => {
  it('a run started under another version of its workflow is interrupted, not resumed', async () => {
    const { run } = await waitingRun();
    const before = await h.detail(run.id);
    await db(h).write((tx) => tx.query(`UPDATE workflow_runs SET workflow_version = 99, status = 'running', lease_owner = NULL, lease_expires_at = NULL WHERE id = $1`, [run.id]));
    const after = await withHostEngine(h, 'server', async (engine, workflows) => {
      await workflows.settled(run.id);
      const result = await engine.call('runs.get', { id: run.id });
      if (!result.ok) throw new Error(result.error.message);
      return result.data as RunDetail;
    });
    expect(after.status).toBe('interrupted');
    expect(after.error).toMatch(/Daily content workflow changed \(version 99 → 1\)/);
    expect(after.events.at(-1)).toMatchObject({ type: 'run_interrupted' });
    // Nothing of the old run was walked again: the same attempts; those left open are closed as cancelled.
    const shape = (d: RunDetail) => d.steps.map((s) => `${s.path}:${s.attempt}:${s.status === 'running' || s.status === 'waiting' ? 'cancelled' : s.status}`);
    expect(shape(after)).toEqual(shape(before));
    expect(after.steps.filter((s) => s.status === 'running' || s.status === 'waiting')).toEqual([]);
    expect(after.events.filter((e) => e.type === 'step_started')).toHaveLength(before.events.filter((e) => e.type === 'step_started').length);
    expect((await h.detail(run.id)).status).toBe('interrupted');
  }, 60_000);
});

describe('refused starts', () => {
  it('an unknown workflow or invalid input is invalid_input', async () => {
    const unknown = await callError(h, 'workflows.start', { workflowId: 'weekly-magic', brandId: h.brandId, input: {} });
    expect(unknown.code).toBe('invalid_input');
    expect(unknown.issues?.[0]?.path).toEqual(['workflowId']);

    const noTopic = await callError(h, 'workflows.start', { workflowId: 'content-series', brandId: h.brandId, input: { parts: 3 } });
    expect(noTopic.code).toBe('invalid_input');
    expect(noTopic.issues?.[0]?.path).toEqual(['input', 'topic']);

    const extra = await callError(h, 'workflows.start', { workflowId: 'daily-content', brandId: h.brandId, input: { platforms: ['x'], colour: 'blue' } });
    expect(extra.code).toBe('invalid_input');

    const runs = await h.call<WorkflowRun[]>('runs.list', { brandId: h.brandId, limit: 500 });
    expect(runs.filter((r) => r.workflowId === 'content-series')).toEqual([]);
  });

  it('a brand with no connected accounts is told to connect one', async () => {
    const bare = await h.call<{ id: string }>('brands.create', { name: 'Empty Roastery', timezone: 'Europe/Oslo' });
    const error = await callError(h, 'workflows.start', { workflowId: 'daily-content', brandId: bare.id, input: {} });
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/no connected accounts/);
    expect(error.message).toMatch(/Connect one/);
    expect(error.issues?.[0]?.path).toEqual(['input', 'platforms']);
    expect(await h.call<WorkflowRun[]>('runs.list', { brandId: bare.id, limit: 10 })).toEqual([]);
  });
});

describe('cron schedules', () => {
  it('refuses a cron it cannot read, and puts a valid one into pg-boss', async () => {
    const bad = await callError(h, 'workflows.updateSettings', { brandId: h.brandId, schedules: [{ workflowId: 'daily-content', cron: 'not a cron', enabled: true }] });
    expect(bad.code).toBe('invalid_input');
    expect(bad.issues?.map((i) => i.path)).toContainEqual(['schedules', 0, 'cron']);
    expect((await h.call<WorkflowSettings>('workflows.settings', { brandId: h.brandId })).schedules).toEqual([]);

    // Five fields, but not a time pg-boss can read.
    const unreadable = await callError(h, 'workflows.updateSettings', { brandId: h.brandId, schedules: [{ workflowId: 'daily-content', cron: '99 99 * * *', enabled: true }] });
    expect(unreadable.code).toBe('invalid_input');
    expect(unreadable.issues?.map((i) => i.path)).toContainEqual(['schedules', 0, 'cron']);

    const name = WorkflowScheduler.queueName('daily-content', h.brandId);
    const saved = await h.call<WorkflowSettings>('workflows.updateSettings', { brandId: h.brandId, schedules: [{ workflowId: 'daily-content', cron: '0 7 * * 1-5', enabled: true }] });
    expect(saved.schedules).toEqual([{ workflowId: 'daily-content', cron: '0 7 * * 1-5', enabled: true }]);
    const rows = await db(h).query<{ name: string; cron: string; timezone: string }>('SELECT * FROM pgboss.schedule WHERE name = $1', [name]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ cron: '0 7 * * 1-5', timezone: 'Europe/Oslo' });

    // Disabling it takes it out of pg-boss again.
    await h.call('workflows.updateSettings', { brandId: h.brandId, schedules: [{ workflowId: 'daily-content', cron: '0 7 * * 1-5', enabled: false }] });
    expect(await db(h).query('SELECT * FROM pgboss.schedule WHERE name = $1', [name])).toEqual([]);
  });
});
