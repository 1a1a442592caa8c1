// The daily content workflow end to end through the engine, driven by the
// scripted model over the real Ollama client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval } from '../../../src/shared/contract/schemas/workflows';
import { openWorkflowHarness, PLAN_DAY, type WorkflowHarness } from './harness';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await openWorkflowHarness({ platforms: ['x', 'linkedin', 'bluesky'] });
}, 60_000);
afterAll(() => h?.close());

describe('daily content', () => {
  it('drafts per platform, waits for approval, then schedules what was approved', async () => {
    const waiting = await h.run('daily-content', { date: PLAN_DAY });
    expect(waiting.status, waiting.error ?? '').toBe('waiting');
    expect(waiting.pendingApprovals).toBe(3);
    const byPath = new Map(waiting.steps.map((s) => [s.path, s]));
    // The voice loop rewrote the LinkedIn draft once; X passed first time.
    expect(byPath.get('drafts[linkedin]/create[text]/voice#2/write')?.status).toBe('succeeded');
    expect(byPath.has('drafts[x]/create[text]/voice#2/write')).toBe(false);
    // Bluesky has no specialist agent: the router took the rules route.
    expect(byPath.get('drafts[bluesky]/format>rules/rules')?.status).toBe('succeeded');
    expect(byPath.get('drafts[x]/format>specialist/specialist')?.status).toBe('succeeded');
    expect(byPath.get('research')?.usage.calls).toBeGreaterThan(0);

    const pending = await h.pending();
    expect(pending.map((a) => a.draft.platform).sort()).toEqual(['bluesky', 'linkedin', 'x']);
    const linkedin = pending.find((a) => a.draft.platform === 'linkedin')!;
    expect(linkedin.voiceScore).toBe(88);
    expect(linkedin.draft.text).not.toContain('synergy');
    expect(linkedin.reasoning).toContain('Rewritten 1 time');
    expect(linkedin.draft.proposedAt?.startsWith(PLAN_DAY)).toBe(true);

    const x = pending.find((a) => a.draft.platform === 'x')!;
    const bluesky = pending.find((a) => a.draft.platform === 'bluesky')!;
    await h.call<Approval>('approvals.approve', { id: x.id, via: 'cli' });
    await h.call<Approval>('approvals.approve', { id: linkedin.id, edit: { text: 'Cold brew, one to eight, 14 hours. That is it.' }, via: 'cli' });
    await h.call<Approval>('approvals.reject', { id: bluesky.id, comment: 'Too close to yesterday’s post.', via: 'cli' });
    const done = await h.settled(waiting.id);
    expect(done.status, done.error ?? '').toBe('succeeded');

    const posts = await h.engine.services().posts.list({ brandId: h.brandId, limit: 50 });
    const status = Object.fromEntries(posts.map((p) => [p.platform, p.status]));
    expect(status).toEqual({ x: 'scheduled', linkedin: 'scheduled', bluesky: 'draft' });
    expect(posts.find((p) => p.platform === 'linkedin')!.text).toBe('Cold brew, one to eight, 14 hours. That is it.');
    const rejected = posts.find((p) => p.platform === 'bluesky')!;
    const history = await h.engine.services().posts.history(rejected.id);
    expect(history.find((e) => e.kind === 'rejected')?.message).toBe('Too close to yesterday’s post.');
    const output = done.output as { scheduled: { platform: string }[]; rejected: { platform: string }[] };
    expect(output.scheduled.map((s) => s.platform).sort()).toEqual(['linkedin', 'x']);
    expect(output.rejected.map((s) => s.platform)).toEqual(['bluesky']);
  }, 60_000);

  it('refuses a second decision on the same approval', async () => {
    const waiting = await h.run('daily-content', { date: PLAN_DAY, platforms: ['x'] });
    const [approval] = (await h.pending()).filter((a) => a.runId === waiting.id);
    await h.call('approvals.approve', { id: approval!.id });
    await expect(h.call('approvals.approve', { id: approval!.id })).rejects.toThrow(/conflict: This draft was already approved/);
    await expect(h.call('approvals.reject', { id: approval!.id, comment: 'no' })).rejects.toThrow(/conflict/);
    expect((await h.settled(waiting.id)).status).toBe('succeeded');
  }, 60_000);

  it('keeps a waiting run and its approvals across a restart of the host', async () => {
    const waiting = await h.run('daily-content', { date: PLAN_DAY, platforms: ['x'] });
    expect(waiting.status).toBe('waiting');
    await h.restart();
    const [approval] = (await h.pending()).filter((a) => a.runId === waiting.id);
    expect(approval).toBeDefined();
    await h.call('approvals.approve', { id: approval!.id });
    const done = await h.settled(waiting.id);
    expect(done.status).toBe('succeeded');
    const calls = await h.engine.services().db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM model_calls WHERE workflow_run_id = $1 GROUP BY workflow_step, step_path HAVING count(*) > 1 LIMIT 1',
      [waiting.id],
    );
    expect(calls).toEqual([]);
  }, 60_000);

  it('finishes after a bulk approve of every draft, deciding while the run is still working', async () => {
    for (let round = 0; round < 3; round += 1) {
      const waiting = await h.run('daily-content', { date: PLAN_DAY });
      const ids = (await h.pending()).filter((a) => a.runId === waiting.id).map((a) => a.id);
      expect(ids).toHaveLength(3);
      const result = await h.call<{ approved: unknown[]; refused: unknown[] }>('approvals.approveMany', { ids });
      expect(result.refused).toEqual([]);
      expect((await h.settled(waiting.id)).status, `round ${round}`).toBe('succeeded');
    }
  }, 120_000);
});
