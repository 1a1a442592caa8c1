import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeBrand } from './fakes/brands';
import { fakeApi, makeAccount, makePost } from './fakes/publishing';

const api = vi.hoisted(() => ({ call: vi.fn(), subscribe: vi.fn() }));
vi.mock('../../src/renderer/lib/api', () => api);

const { Composer } = await import('../../src/renderer/features/composer/Composer');

const brand = makeBrand({ id: '00000000-0000-4000-8000-000000000001', name: 'Northwind', timezone: 'America/Chicago' });
const x = makeAccount({ platform: 'x', handle: 'northwind-x' });
const bluesky = makeAccount({ platform: 'bluesky', handle: 'northwind.bsky', displayName: 'Bluesky sandbox' });
const revoked = makeAccount({ platform: 'linkedin', handle: 'northwind-li', connection: 'oauth2-pkce', status: 'needs_reconnect', statusReason: 'Token revoked' });

let fake: ReturnType<typeof fakeApi>;
const onDone = vi.fn();

beforeEach(() => {
  fake = fakeApi(api);
  onDone.mockReset();
});
afterEach(cleanup);

function renderComposer() {
  return render(
    <Composer brands={[brand]} accounts={[x, bluesky, revoked]} initialBrandId={brand.id} onClose={() => {}} onDone={onDone} onConnectAccount={() => {}} />,
  );
}

const scheduleButton = () => screen.getByRole('button', { name: 'Schedule' });
const setText = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('Composer', { timeout: 20_000 }, () => {
  it('counts in each platform’s own unit: X weighs an emoji 2, Bluesky counts it once and also counts bytes', async () => {
    const user = userEvent.setup({ delay: null });
    renderComposer();
    await user.click(screen.getByRole('checkbox', { name: /X · northwind-x/ }));
    await user.click(screen.getByRole('checkbox', { name: /Bluesky · northwind.bsky/ }));
    setText('Text', 'Hello ☕😀');

    expect(screen.getByTestId('counter-x-0').textContent).toBe('10 / 280 weighted characters');
    expect(screen.getByTestId('counter-bluesky-0').textContent).toBe('8 / 300 characters · 13 / 3,000 bytes');
  });

  it('shows every problem validate() finds and keeps Schedule disabled until the X text fits', async () => {
    const user = userEvent.setup({ delay: null });
    renderComposer();
    // An account that needs reconnecting cannot be chosen.
    expect(screen.getByRole('checkbox', { name: /LinkedIn · northwind-li/ })).toHaveProperty('disabled', true);

    await user.click(screen.getByRole('checkbox', { name: /X · northwind-x/ }));
    await user.click(screen.getByRole('checkbox', { name: /Bluesky · northwind.bsky/ }));
    setText('Text', 'Short and sweet.');
    expect(scheduleButton()).toHaveProperty('disabled', false);

    // A different, too-long text for X only.
    const xPreview = screen.getByTestId('preview-x');
    await user.click(within(xPreview).getByRole('checkbox', { name: 'Write a different text for X' }));
    setText('X text', 'a'.repeat(300));

    expect(screen.getByTestId('counter-x-0').textContent).toBe('300 / 280 weighted characters');
    expect(screen.getByTestId('counter-x-0').className).toContain('counter--over');
    const problems = within(screen.getByTestId('problems-x')).getAllByRole('listitem');
    expect(problems.map((p) => p.textContent)).toEqual(['Must fix: This post is 300 characters; X allows 280.']);
    // Bluesky still gets the shared text and is fine.
    expect(within(screen.getByTestId('preview-bluesky')).getByText('Fits Bluesky’s rules.')).toBeTruthy();

    expect(scheduleButton()).toHaveProperty('disabled', true);
    expect(screen.getByTestId('schedule-blockers').textContent).toBe('Fix the problems for X first.');
    expect(scheduleButton().getAttribute('aria-describedby')).toBe(screen.getByTestId('schedule-blockers').id);
    // Drafts may still be saved with problems.
    expect(screen.getByRole('button', { name: 'Save as draft' })).toHaveProperty('disabled', false);

    // X has threads: the composer offers a split whose every part fits.
    await user.click(within(xPreview).getByRole('button', { name: /Split into a thread of 2 posts/ }));
    expect(screen.getByTestId('counter-x-0').className).not.toContain('counter--over');
    expect(screen.getByTestId('counter-x-1').textContent).toMatch(/^Part 2: \d+ \/ 280 weighted characters$/);
    expect(screen.queryByTestId('problems-x')).toBeNull();
    expect(scheduleButton()).toHaveProperty('disabled', false);
  });

  it('shows a warning without blocking, and a media rule as an error', async () => {
    const user = userEvent.setup({ delay: null });
    const insta = makeAccount({ platform: 'instagram', handle: 'northwind-ig' });
    render(<Composer brands={[brand]} accounts={[insta]} initialBrandId={brand.id} onClose={() => {}} onDone={onDone} onConnectAccount={() => {}} />);
    await user.click(screen.getByRole('checkbox', { name: /Instagram/ }));
    setText('Text', 'See https://example.com');
    const codes = within(screen.getByTestId('problems-instagram'))
      .getAllByRole('listitem')
      .map((li) => li.getAttribute('data-code'));
    expect(codes).toEqual(['link_not_clickable', 'media_required']);
    expect(scheduleButton()).toHaveProperty('disabled', true);
  });

  it('creates one post per account, then schedules each at the wall-clock time in the brand’s zone', async () => {
    const user = userEvent.setup({ delay: null });
    let n = 0;
    fake.answer('posts.create', (input: { platform: 'x' | 'bluesky'; text: string }) => ({
      ok: true,
      data: makePost({ id: `cccccccc-0000-4000-8000-00000000000${++n}`, platform: input.platform, text: input.text, status: 'draft' }),
    }));
    fake.answer('posts.schedule', (input: { id: string }) => ({ ok: true, data: makePost({ id: input.id }) }));
    renderComposer();
    await user.click(screen.getByRole('checkbox', { name: /X · northwind-x/ }));
    await user.click(screen.getByRole('checkbox', { name: /Bluesky · northwind.bsky/ }));
    setText('Text', 'Fresh beans.');
    setText('Publish at', '2030-03-04T09:00');
    expect(screen.getByLabelText('Publish at').getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.getByText(/In Northwind’s time zone: America\/Chicago/)).toBeTruthy();
    await user.click(scheduleButton());

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(fake.calls('posts.create')).toEqual([
      { brandId: brand.id, platform: 'x', accountId: x.id, text: 'Fresh beans.', thread: [], media: [] },
      { brandId: brand.id, platform: 'bluesky', accountId: bluesky.id, text: 'Fresh beans.', thread: [], media: [] },
    ]);
    expect(fake.calls('posts.schedule')).toEqual([
      { id: 'cccccccc-0000-4000-8000-000000000001', at: '2030-03-04T09:00', timeZone: 'America/Chicago' },
      { id: 'cccccccc-0000-4000-8000-000000000002', at: '2030-03-04T09:00', timeZone: 'America/Chicago' },
    ]);
    expect(onDone.mock.calls[0]![0]).toMatchObject({ at: '2030-03-04T09:00', timeZone: 'America/Chicago', brandId: brand.id });
  });

  it('asks for a title when a Reddit account is chosen, and sends it only to Reddit', async () => {
    const user = userEvent.setup({ delay: null });
    const reddit = makeAccount({ platform: 'reddit', handle: 'northwind-r' });
    fake.answer('posts.create', (input: { platform: 'x' | 'reddit'; text: string }) => ({
      ok: true,
      data: makePost({ platform: input.platform, text: input.text, status: 'draft' }),
    }));
    fake.answer('posts.schedule', (input: { id: string }) => ({ ok: true, data: makePost({ id: input.id }) }));
    render(<Composer brands={[brand]} accounts={[x, reddit]} initialBrandId={brand.id} onClose={() => {}} onDone={onDone} onConnectAccount={() => {}} />);
    await user.click(screen.getByRole('checkbox', { name: /X · northwind-x/ }));
    expect(screen.queryByRole('textbox', { name: 'Title' })).toBeNull();
    await user.click(screen.getByRole('checkbox', { name: /Reddit · northwind-r/ }));
    setText('Text', 'Tasting notes for the new roast.');
    setText('Publish at', '2030-03-04T09:00');
    expect(scheduleButton()).toHaveProperty('disabled', true);
    fireEvent.change(screen.getByRole('textbox', { name: 'Title' }), { target: { value: 'New roast: Huila' } });
    await waitFor(() => expect(scheduleButton()).toHaveProperty('disabled', false));
    await user.click(scheduleButton());
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(fake.calls('posts.create')).toEqual([
      { brandId: brand.id, platform: 'x', accountId: x.id, text: 'Tasting notes for the new roast.', thread: [], media: [] },
      { brandId: brand.id, platform: 'reddit', accountId: reddit.id, title: 'New roast: Huila', text: 'Tasting notes for the new roast.', thread: [], media: [] },
    ]);
  });

  it('puts the engine’s refusal of the time beside the date field, and a retry updates the draft instead of copying it', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('posts.create', () => ({ ok: true, data: makePost({ id: 'dddddddd-0000-4000-8000-000000000001', status: 'draft' }) }));
    fake.answer('posts.update', (input: { id: string }) => ({ ok: true, data: makePost({ id: input.id, status: 'draft' }) }));
    const message = 'That time (2020-01-01T15:00:00.000Z) has already passed; choose a later one or publish now.';
    fake.answer('posts.schedule', () => ({ ok: false, error: { code: 'invalid_input', message, issues: [{ path: ['at'], message }] } }));
    renderComposer();
    await user.click(screen.getByRole('checkbox', { name: /X · northwind-x/ }));
    setText('Text', 'Fresh beans.');
    setText('Publish at', '2020-01-01T09:00');
    await user.click(scheduleButton());

    const field = screen.getByLabelText('Publish at');
    await waitFor(() => expect(field.getAttribute('aria-invalid')).toBe('true'));
    expect(field.closest('.field')?.querySelector('.field__error')?.textContent).toBe(message);
    expect(onDone).not.toHaveBeenCalled();

    setText('Publish at', '2030-01-01T09:00');
    await user.click(scheduleButton());
    await waitFor(() => expect(fake.calls('posts.update')).toHaveLength(1));
    expect(fake.calls('posts.create')).toHaveLength(1);
  });
});
