import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ComponentType } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Post, PostWithHistory } from '../../src/shared/contract/schemas/posts';
import { makeBrand } from './fakes/brands';
import { fakeApi, makeAccount, makeEvent, makePost } from './fakes/publishing';

const api = vi.hoisted(() => ({ call: vi.fn(), subscribe: vi.fn() }));
vi.mock('../../src/renderer/lib/api', () => api);

// Dragging in jsdom is not possible; the drag-and-drop wrapper is replaced by a
// calendar that lists its events and keeps its props, so a test can drop an
// event exactly as react-big-calendar reports a drop (onEventDrop with faces).
interface Ev {
  post: Post;
  start: Date;
  end: Date;
}
interface CalendarProps {
  events: Ev[];
  onEventDrop(args: { event: Ev; start: Date; end: Date }): void;
  onSelectEvent(event: Ev): void;
}
const rbc = vi.hoisted(() => ({ props: null as CalendarProps | null }));
vi.mock('react-big-calendar/lib/addons/dragAndDrop', () => ({
  default: () =>
    function FakeDnDCalendar(props: CalendarProps) {
      rbc.props = props;
      return (
        <ul data-testid="fake-calendar">
          {props.events.map((event) => (
            <li key={event.post.id}>
              <button type="button" onClick={() => props.onSelectEvent(event)}>
                {`${event.post.platform} ${event.start.getHours()}:${String(event.start.getMinutes()).padStart(2, '0')}`}
              </button>
            </li>
          ))}
        </ul>
      );
    } as ComponentType<CalendarProps>,
}));

const { CalendarPage } = await import('../../src/renderer/features/calendar');
const { useCalendarStore, resetCalendarQuery } = await import('../../src/renderer/features/calendar/calendarStore');
const { useBrandStore } = await import('../../src/renderer/features/brand/brandStore');
const { useAccountsStore } = await import('../../src/renderer/features/settings/accountsStore');

const brand = makeBrand({ id: '00000000-0000-4000-8000-000000000001', name: 'Northwind', timezone: 'America/Chicago' });
const account = makeAccount({ brandId: brand.id, handle: 'northwind-x' });

let fake: ReturnType<typeof fakeApi>;
let posts: Post[];

beforeEach(() => {
  fake = fakeApi(api);
  rbc.props = null;
  resetCalendarQuery();
  useBrandStore.setState({ brands: [], loadStatus: 'idle', loadError: null, selection: { kind: 'none' }, notice: null });
  useAccountsStore.setState({ accounts: [], status: 'idle', error: null });
  useCalendarStore.setState({
    brandId: null,
    view: 'month',
    date: new Date(2025, 2, 4),
    posts: { status: 'idle' },
    unscheduled: [],
    selectedId: null,
    detail: { status: 'idle' },
    refusal: null,
    notice: null,
    composing: false,
  });
  // 15:00 UTC is 09:00 in Chicago (CST, before the DST change of 9 March 2025).
  posts = [makePost({ id: 'eeeeeeee-0000-4000-8000-000000000001', accountId: account.id, scheduledAt: '2025-03-04T15:00:00.000Z' })];
  fake.answer('brands.list', () => ({ ok: true, data: [brand] }));
  fake.answer('accounts.list', () => ({ ok: true, data: [account] }));
  fake.answer('posts.list', () => ({ ok: true, data: posts }));
});
afterEach(cleanup);

const shown = () => rbc.props?.events.map((e) => `${e.post.id.slice(-1)}@${e.start.getDate()} ${e.start.getHours()}:${e.start.getMinutes()}`);

describe('Calendar page', { timeout: 20_000 }, () => {
  it('asks for the month shown in the brand’s zone and places posts on the brand’s clock', async () => {
    render(<CalendarPage />);
    await screen.findByRole('button', { name: 'x 9:00' });
    expect(shown()).toEqual(['1@4 9:0']);
    expect(screen.getByTestId('calendar-zone').textContent).toMatch(/^Times in America\/Chicago \(CST\)/);
    // March 2025 as shown: Sun 23 Feb … Sat 5 Apr, midnight to midnight in Chicago (UTC-6).
    const ranged = fake.calls('posts.list').find((input) => (input as { from?: string }).from);
    expect(ranged).toEqual({ brandId: brand.id, from: '2025-02-23T06:00:00.000Z', to: '2025-04-06T05:00:00.000Z', limit: 1000 });
  });

  it('sends a drop as a wall-clock time in the brand’s zone, and snaps back with the engine’s reason when refused', async () => {
    const reason = 'That time (2025-03-01T16:30:00.000Z) has already passed; choose a later one or publish now.';
    fake.answer('posts.reschedule', () => ({ ok: false, error: { code: 'invalid_input', message: reason, issues: [{ path: ['at'], message: reason }] } }));
    render(<CalendarPage />);
    await screen.findByRole('button', { name: 'x 9:00' });
    const event = rbc.props!.events[0]!;

    await act(async () => {
      rbc.props!.onEventDrop({ event, start: new Date(2025, 2, 1, 10, 30), end: new Date(2025, 2, 1, 11, 0) });
    });

    expect(fake.calls('posts.reschedule')).toEqual([{ id: event.post.id, at: '2025-03-01T10:30', timeZone: 'America/Chicago' }]);
    const alert = await screen.findByTestId('calendar-refusal');
    expect(alert.textContent).toContain(`The post was not moved. ${reason}`);
    expect(alert.getAttribute('role')).toBe('alert');
    // Back where the engine has it.
    expect(shown()).toEqual(['1@4 9:0']);
  });

  it('refuses to move a published post with the contract’s conflict message', async () => {
    posts = [makePost({ id: 'eeeeeeee-0000-4000-8000-000000000002', status: 'published', publishedAt: '2025-03-04T15:00:05.000Z' })];
    fake.answer('posts.reschedule', () => ({ ok: false, error: { code: 'conflict', message: 'This post is published; it cannot be moved.' } }));
    render(<CalendarPage />);
    await screen.findByRole('button', { name: 'x 9:00' });
    await act(async () => {
      rbc.props!.onEventDrop({ event: rbc.props!.events[0]!, start: new Date(2025, 2, 6, 9, 0), end: new Date(2025, 2, 6, 9, 30) });
    });
    expect((await screen.findByTestId('calendar-refusal')).textContent).toContain('This post is published; it cannot be moved.');
    expect(shown()).toEqual(['2@4 9:0']);
  });

  it('opens a post’s history with each failure kind explained, and follows publish results live', async () => {
    const user = userEvent.setup({ delay: null });
    const id = posts[0]!.id;
    let detail: PostWithHistory = {
      ...posts[0]!,
      status: 'failed',
      attempts: 3,
      failureKind: 'auth',
      failureReason: 'Token revoked by the user',
      history: [
        makeEvent(id, { kind: 'created', at: '2025-03-01T10:00:00.000Z' }),
        makeEvent(id, { kind: 'scheduled', at: '2025-03-01T10:01:00.000Z', detail: { at: '2025-03-04T15:00:00.000Z', timeZone: 'America/Chicago' } }),
        makeEvent(id, { kind: 'attempt', attempt: 1 }),
        makeEvent(id, { kind: 'retry', attempt: 1, errorKind: 'rate_limited', message: '429 Too Many Requests' }),
        makeEvent(id, { kind: 'attempt', attempt: 2 }),
        makeEvent(id, { kind: 'retry', attempt: 2, errorKind: 'transient', message: 'socket hang up' }),
        makeEvent(id, { kind: 'failed', attempt: 3, errorKind: 'auth', message: 'Token revoked by the user' }),
      ],
    };
    fake.answer('posts.get', () => ({ ok: true, data: detail }));
    render(<CalendarPage />);
    await user.click(await screen.findByRole('button', { name: 'x 9:00' }));

    const panel = await screen.findByTestId('post-panel');
    await within(panel).findByTestId('post-history');
    expect(within(panel).getByTestId('post-status').textContent).toBe('Failed');
    expect(within(panel).getByTestId('post-failure').textContent).toContain('Sign-in problem.');
    expect(within(panel).getByTestId('post-failure').textContent).toContain('The platform said: “Token revoked by the user”');
    const kinds = within(panel).getAllByTestId('history-failure-kind').map((el) => el.textContent?.split(':')[0]);
    expect(kinds).toEqual(['Rate limited', 'Temporary problem', 'Sign-in problem']);
    const items = within(panel).getAllByRole('listitem').map((li) => li.getAttribute('data-kind'));
    expect(items).toEqual(['created', 'scheduled', 'attempt', 'retry', 'attempt', 'retry', 'failed']);
    expect(within(panel).getByText(/For Tue, Mar 4, 2025, 09:00 \(America\/Chicago, CST\)/)).toBeTruthy();
    // A failed post can be published again, but not unscheduled.
    expect(within(panel).getByRole('button', { name: 'Publish now' })).toBeTruthy();
    expect(within(panel).queryByRole('button', { name: 'Unschedule' })).toBeNull();

    // The engine publishes it after a retry: the panel and the status line follow.
    detail = {
      ...detail,
      status: 'published',
      failureKind: null,
      failureReason: null,
      platformUrl: 'https://x.com/northwind/status/1',
      history: [...detail.history, makeEvent(id, { kind: 'published', attempt: 4 })],
    };
    act(() => fake.emit('publish.result', { postId: id, status: 'published', url: 'https://x.com/northwind/status/1' }));
    await waitFor(() => expect(within(panel).getByTestId('post-status').textContent).toBe('Published'));
    expect(screen.getByTestId('calendar-notice').textContent).toBe('The X post was published.');
    expect(within(panel).getByRole('link', { name: 'Open the published post' }).getAttribute('href')).toBe('https://x.com/northwind/status/1');
    expect(within(panel).queryByTestId('post-failure')).toBeNull();
  });
});
