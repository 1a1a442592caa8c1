// Drafts proposed over MCP (drafts.submit) join the same approval queue as
// workflow drafts, and are decided the same way, without a run to resume.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Post } from '../../../src/shared/contract';
import type { Approval } from '../../../src/shared/contract/schemas/workflows';
import { openWorkflowHarness, type WorkflowHarness } from './harness';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await openWorkflowHarness({ platforms: ['x'] });
}, 60_000);
afterAll(() => h?.close());

it('queues an MCP draft for approval and approves its post with an edit', async () => {
  const post = await h.call<Post>('drafts.submit', { brandId: h.brandId, platform: 'x', text: 'A draft from another assistant.', source: 'claude-desktop' });
  const [approval] = (await h.pending()).filter((a) => a.postId === post.id);
  expect(approval).toMatchObject({ runId: null, workflowId: null, reasoning: 'Proposed by claude-desktop over MCP.' });
  const decided = await h.call<Approval>('approvals.approve', { id: approval!.id, edit: { text: 'A better draft.' } });
  expect(decided.status).toBe('approved');
  expect(decided.decisions[0]).toMatchObject({ action: 'edited_and_approved', changes: { text: { before: 'A draft from another assistant.', after: 'A better draft.' } } });
  const after = await h.engine.services().posts.get(post.id);
  expect([after.status, after.text]).toEqual(['approved', 'A better draft.']);
});

it('refuses to approve a draft that breaks the platform’s rules until it is edited', async () => {
  const post = await h.call<Post>('drafts.submit', { brandId: h.brandId, platform: 'x', text: 'x'.repeat(400), source: 'test' });
  const [approval] = (await h.pending()).filter((a) => a.postId === post.id);
  expect(approval!.problems.some((p) => p.severity === 'error')).toBe(true);
  await expect(h.call('approvals.approve', { id: approval!.id })).rejects.toThrow(/invalid_input: This draft breaks the platform’s rules/);
  expect((await h.call<Approval>('approvals.approve', { id: approval!.id, edit: { text: 'Short now.' } })).status).toBe('approved');
});
