import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Approval } from '../../src/shared/contract/schemas/workflows';
import { makeBrand } from './fakes/brands';
import { fakeApi } from './fakes/publishing';
import { BRAND_ID, makeApproval, makeDraft } from './fakes/workflows';

// Components talk to lib/api only; the test plays that module, not the transport.
const api = vi.hoisted(() => ({ call: vi.fn(), subscribe: vi.fn() }));
vi.mock('../../src/renderer/lib/api', () => api);

const { ApprovalsPage } = await import('../../src/renderer/features/approvals');
const { useApprovalsStore } = await import('../../src/renderer/features/approvals/approvalsStore');
const { useBrandStore } = await import('../../src/renderer/features/brand/brandStore');
const { useNavigation } = await import('../../src/renderer/lib/navigationStore');

const brand = makeBrand({ id: BRAND_ID, name: 'Northwind', timezone: 'America/Chicago' });

let fake: ReturnType<typeof fakeApi>;
let queue: Approval[];

const first = makeApproval({
  brandName: 'Northwind',
  createdAt: '2025-03-04T09:00:00.000Z',
  // 15:00 UTC is 09:00 in Chicago (CST).
  draft: makeDraft({
    platform: 'x',
    text: 'First draft about our new roast.',
    hashtags: ['coffee'],
    altText: 'A cup on a table',
    visualIdea: 'Steam rising from a cup at dawn',
    proposedAt: '2025-03-04T15:00:00.000Z',
  }),
  problems: [
    { code: 'too_many_hashtags', message: 'This post has 4 hashtags; X allows 2.', severity: 'warning' },
  ],
  voiceScore: 82,
  voiceIssues: [{ excerpt: 'new roast', problem: 'Sounds generic.', suggestion: 'Name the roast.' }],
  reasoning: 'The strategist picked mornings: the audience reads at breakfast.',
});
const second = makeApproval({
  brandId: '00000000-0000-4000-8000-0000000000b2',
  brandName: 'Acme',
  createdAt: '2025-03-04T10:00:00.000Z',
  draft: makeDraft({ platform: 'linkedin', text: 'Second draft for Acme.' }),
  problems: [{ code: 'empty', message: 'The post is empty.', severity: 'error' }],
  voiceScore: null,
});
const third = makeApproval({
  brandName: 'Northwind',
  createdAt: '2025-03-04T11:00:00.000Z',
  draft: makeDraft({ platform: 'bluesky', text: 'Third draft.', thread: ['A reply.'] }),
});

beforeEach(() => {
  fake = fakeApi(api);
  useApprovalsStore.setState({
    queue: { status: 'idle' },
    selectedId: null,
    checked: [],
    panel: null,
    errors: {},
    busy: [],
    notice: null,
    refused: [],
  });
  useBrandStore.setState({ brands: [], loadStatus: 'idle', loadError: null, selection: { kind: 'none' }, notice: null });
  useNavigation.setState({ page: 'approvals' });
  // Sent newest first on purpose: the page shows the oldest first.
  queue = [third, second, first];
  fake.answer('brands.list', () => ({ ok: true, data: [brand] }));
  fake.answer('approvals.list', () => ({ ok: true, data: queue }));
});
afterEach(cleanup);

const items = () => screen.getAllByTestId('approval-item');
const itemFor = (approval: Approval) => items().find((el) => el.getAttribute('data-approval-id') === approval.id)!;

async function renderQueue() {
  render(<ApprovalsPage />);
  await waitFor(() => expect(screen.getAllByTestId('approval-item')).toHaveLength(3));
}

describe('Approvals page', { timeout: 20_000 }, () => {
  it('shows the pending queue oldest first, labelled by brand, with problems, voice score and reasoning', async () => {
    await renderQueue();
    expect(fake.calls('approvals.list')).toEqual([{ status: 'pending' }]);
    expect(items().map((el) => within(el).getByTestId('approval-brand').textContent)).toEqual(['Northwind', 'Acme', 'Northwind']);

    const item = itemFor(first);
    expect(within(item).getByTestId('approval-platform').textContent).toBe('X');
    expect(within(item).getByTestId('draft-part').textContent).toBe('First draft about our new roast.');
    expect(within(item).getByTestId('draft-hashtags').textContent).toBe('#coffee');
    expect(within(item).getByTestId('draft-alt').textContent).toBe('A cup on a table');
    expect(within(item).getByTestId('draft-visual').textContent).toBe('Steam rising from a cup at dawn');
    // Shown in the brand's zone, not the computer's.
    expect(within(item).getByTestId('draft-proposed').textContent).toBe('Tue, Mar 4, 2025, 09:00 (America/Chicago, CST)');
    const warning = within(item).getByTestId('approval-problem');
    expect(warning.textContent).toBe('Note: This post has 4 hashtags; X allows 2.');
    expect(warning.className).toContain('problem--warning');
    expect(within(item).getByTestId('voice-score').textContent).toBe('82 / 100');
    expect(within(item).getByTestId('voice-issue').textContent).toBe('“new roast” — Sounds generic. Try: Name the roast.');
    expect(within(item).getByTestId('approval-reasoning').textContent).toContain('the audience reads at breakfast');
    // Reasoning is collapsed until asked for.
    expect(within(item).getByTestId('approval-reasoning').hasAttribute('open')).toBe(false);

    const acme = itemFor(second);
    expect(within(acme).getByTestId('voice-score').textContent).toBe('not scored');
    const error = within(acme).getByTestId('approval-problem');
    expect(error.textContent).toBe('Must fix: The post is empty.');
    expect(error.className).toContain('problem--error');
    // A draft that breaks a rule cannot be approved as it is.
    expect((within(acme).getByTestId('approve-button') as HTMLButtonElement).disabled).toBe(true);

    expect(within(itemFor(third)).getAllByTestId('draft-part').map((p) => p.textContent)).toEqual(['Third draft.', 'A reply.']);
    expect(screen.getByTestId('shortcut-legend').textContent).toContain('approve');
  });

  it('approves a draft and takes it off the queue', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('approvals.approve', (input: { id: string }) => ({ ok: true, data: { ...first, id: input.id, status: 'approved' } }));
    await renderQueue();
    await user.click(within(itemFor(first)).getByTestId('approve-button'));

    expect(fake.calls('approvals.approve')).toEqual([{ id: first.id, via: 'ui' }]);
    await waitFor(() => expect(items()).toHaveLength(2));
    expect(screen.getByTestId('approvals-notice').textContent).toBe('Approved Northwind · X.');
  });

  it('edits a draft, then saves and approves it with the edit', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('approvals.approve', () => ({ ok: true, data: { ...first, status: 'approved' } }));
    await renderQueue();
    await user.click(within(itemFor(first)).getByTestId('edit-button'));
    const editor = within(itemFor(first)).getByTestId('approval-editor');
    const text = within(editor).getByTestId('edit-text');
    expect(document.activeElement).toBe(text);
    await user.clear(text);
    await user.type(text, 'Our Ethiopian roast is back.');
    await user.click(within(editor).getByTestId('save-approve'));

    expect(fake.calls('approvals.approve')).toEqual([{ id: first.id, edit: { text: 'Our Ethiopian roast is back.' }, via: 'ui' }]);
    await waitFor(() => expect(items()).toHaveLength(2));
    expect(screen.getByTestId('approvals-notice').textContent).toBe('Edited and approved Northwind · X.');
  });

  it('needs a comment to reject, and sends it', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('approvals.reject', () => ({ ok: true, data: { ...first, status: 'rejected' } }));
    await renderQueue();
    await user.click(within(itemFor(first)).getByTestId('reject-button'));
    const comment = within(itemFor(first)).getByTestId('reject-comment');
    expect(document.activeElement).toBe(comment);

    await user.click(within(itemFor(first)).getByTestId('reject-confirm'));
    expect(fake.calls('approvals.reject')).toEqual([]);
    expect(within(itemFor(first)).getByTestId('error-comment').textContent).toBe('Say why, so the agents (and the history) know.');

    await user.type(comment, 'Too salesy for a Monday.');
    await user.click(within(itemFor(first)).getByTestId('reject-confirm'));
    expect(fake.calls('approvals.reject')).toEqual([{ id: first.id, comment: 'Too salesy for a Monday.', via: 'ui' }]);
    await waitFor(() => expect(items()).toHaveLength(2));
    expect(screen.getByTestId('approvals-notice').textContent).toBe('Rejected Northwind · X.');
  });

  it('moves with j/k, approves with a, toggles with x, and leaves keys alone while typing', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('approvals.approve', (input: { id: string }) => ({ ok: true, data: { ...third, id: input.id, status: 'approved' } }));
    await renderQueue();

    const selected = () => items().filter((el) => el.getAttribute('aria-current') === 'true');
    // The oldest draft starts selected, so "a" works straight away.
    expect(selected()).toEqual([itemFor(first)]);
    await user.keyboard('j');
    expect(selected()).toEqual([itemFor(second)]);
    expect(document.activeElement).toBe(itemFor(second));
    await user.keyboard('{ArrowDown}');
    expect(selected()).toEqual([itemFor(third)]);
    // The end of the queue stops the selection.
    await user.keyboard('j');
    expect(selected()).toEqual([itemFor(third)]);
    await user.keyboard('{ArrowUp}k');
    expect(selected()).toEqual([itemFor(first)]);
    await user.keyboard('j');
    expect(selected()).toEqual([itemFor(second)]);

    await user.keyboard('x');
    expect((within(itemFor(second)).getByTestId('approval-check') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId('approve-selected').textContent).toBe('Approve selected (1)');
    await user.keyboard('x');
    expect((within(itemFor(second)).getByTestId('approval-check') as HTMLInputElement).checked).toBe(false);

    // The Acme draft has an error: "a" explains instead of approving.
    await user.keyboard('a');
    expect(fake.calls('approvals.approve')).toEqual([]);
    expect(within(itemFor(second)).getByTestId('approval-error').textContent).toContain('press e to edit it first');

    // "r" opens the reject box with the focus in it; keys typed there are text, not shortcuts.
    await user.keyboard('j');
    await user.keyboard('r');
    const comment = within(itemFor(third)).getByTestId('reject-comment') as HTMLTextAreaElement;
    expect(document.activeElement).toBe(comment);
    expect(comment.value).toBe('');
    await user.keyboard('jaxe');
    expect(comment.value).toBe('jaxe');
    expect(fake.calls('approvals.approve')).toEqual([]);
    expect(selected()).toEqual([itemFor(third)]);
    expect(screen.getByTestId('approve-selected').textContent).toBe('Approve selected (0)');

    // Escape leaves the box; then "e" opens the editor and "a" (outside it) approves.
    await user.keyboard('{Escape}');
    expect(within(itemFor(third)).queryByTestId('reject-box')).toBeNull();
    await user.keyboard('e');
    expect(document.activeElement).toBe(within(itemFor(third)).getByTestId('edit-text'));
    await user.keyboard('{Escape}');
    await user.keyboard('a');
    expect(fake.calls('approvals.approve')).toEqual([{ id: third.id, via: 'ui' }]);
    await waitFor(() => expect(items()).toHaveLength(2));
  });

  it('approves the ticked drafts at once and says which ones were refused and why', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('approvals.approveMany', () => ({
      ok: true,
      data: {
        approved: [{ ...first, status: 'approved' }],
        refused: [{ id: second.id, message: 'The post is empty; edit it before approving.' }],
      },
    }));
    await renderQueue();
    await user.click(within(itemFor(first)).getByTestId('approval-check'));
    await user.click(within(itemFor(second)).getByTestId('approval-check'));
    await user.click(screen.getByRole('button', { name: 'Approve selected (2)' }));

    expect(fake.calls('approvals.approveMany')).toEqual([{ ids: [first.id, second.id], via: 'ui' }]);
    await waitFor(() => expect(items()).toHaveLength(2));
    expect(screen.getByTestId('approvals-notice').textContent).toBe('Approved 1 draft. 1 could not be approved.');
    expect(screen.getByTestId('refused-item').textContent).toBe('Acme · LinkedIn: The post is empty; edit it before approving.');
    expect(within(itemFor(second)).getByTestId('approval-error').textContent).toBe('The post is empty; edit it before approving.');
    expect(screen.getByTestId('approve-selected').textContent).toBe('Approve selected (1)');
  });

  it('removes a draft decided elsewhere, says so, and reloads the queue', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('approvals.approve', () => {
      queue = [third, second];
      return { ok: false, error: { code: 'conflict', message: 'It was rejected from the CLI.' } };
    });
    await renderQueue();
    await user.click(within(itemFor(first)).getByTestId('approve-button'));

    await waitFor(() => expect(items()).toHaveLength(2));
    expect(screen.getByTestId('approvals-notice').textContent).toBe('Northwind · X: already decided elsewhere. It was rejected from the CLI.');
    await waitFor(() => expect(fake.calls('approvals.list')).toHaveLength(2));
    expect(items().map((el) => el.getAttribute('data-approval-id'))).toEqual([second.id, third.id]);
  });

  it('shows other failures beside the draft and keeps it', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('approvals.approve', () => ({ ok: false, error: { code: 'unavailable', message: 'Chorus is not reachable.' } }));
    await renderQueue();
    await user.click(within(itemFor(first)).getByTestId('approve-button'));

    expect(await within(itemFor(first)).findByTestId('approval-error')).toHaveProperty('textContent', 'Chorus is not reachable.');
    expect(items()).toHaveLength(3);
  });

  it('reloads on approvals.changed, and says honestly when nothing waits', async () => {
    const user = userEvent.setup({ delay: null });
    await renderQueue();
    queue = [];
    act(() => fake.emit('approvals.changed', { id: first.id, runId: null, status: 'approved', brandId: BRAND_ID }));
    expect(await screen.findByTestId('approvals-empty')).toBeTruthy();
    expect(screen.getByTestId('approvals-empty').textContent).toContain('No draft is waiting for approval.');
    expect(screen.queryByTestId('approve-selected')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Start a workflow' }));
    expect(useNavigation.getState().page).toBe('runs');
  });
});
