import { addDays, endOfMonth, endOfWeek, startOfDay, startOfMonth, startOfWeek } from 'date-fns';
import { create } from 'zustand';
import type { Result } from '../../../shared/contract/errors';
import type { Post, PostWithHistory, PublishResult } from '../../../shared/contract/schemas/posts';
import { PLATFORM_LABELS } from '../../../shared/platforms';
import { call } from '../../lib/api';
import { faceToWallClock, fromZonedFace } from './zonedTime';
import { STATUS_LABELS } from './postText';

export type CalendarView = 'month' | 'week';

type Loadable<T> = { status: 'idle' | 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; message: string };

/** A drop the engine refused; the post went back to where it was. */
export interface Refusal {
  postId: string;
  message: string;
}

interface Query {
  brandId: string;
  timeZone: string;
  view: CalendarView;
  /** A face (see zonedTime.ts) inside the period shown. */
  date: Date;
}

interface CalendarState {
  brandId: string | null;
  view: CalendarView;
  date: Date;
  posts: Loadable<Post[]>;
  /** The brand's posts with no time yet (drafts), newest first. */
  unscheduled: Post[];
  selectedId: string | null;
  detail: Loadable<PostWithHistory>;
  refusal: Refusal | null;
  notice: string | null;
  composing: boolean;

  setBrand(brandId: string | null): void;
  setView(view: CalendarView): void;
  setDate(date: Date): void;
  /** Loads the posts of the period shown, in the brand's zone. */
  load(timeZone: string): Promise<void>;
  /** Reloads what is on screen after a change made here or elsewhere. */
  refresh(): Promise<void>;
  select(id: string | null): void;
  /** Moves a post to the wall-clock time `face` shows, in the brand's zone; snaps back if refused. */
  move(post: Post, face: Date, timeZone: string): Promise<Result<Post>>;
  publishNow(id: string): Promise<Result<Post>>;
  unschedule(id: string): Promise<Result<Post>>;
  remove(id: string): Promise<Result<{ id: string }>>;
  /** A publish finished (or will be retried): say so, then refresh. */
  published(result: PublishResult): void;
  setComposing(composing: boolean): void;
  dismiss(): void;
}

/** The first and last (exclusive) faces the calendar shows for `date` in `view`. */
export function visibleRange(view: CalendarView, date: Date): { start: Date; end: Date } {
  if (view === 'week') {
    const start = startOfWeek(date);
    return { start, end: addDays(start, 7) };
  }
  return { start: startOfWeek(startOfMonth(date)), end: startOfDay(addDays(endOfWeek(endOfMonth(date)), 1)) };
}

/** The instant a post sits at on the calendar: its scheduled time, else when it went out. */
export function postTime(post: Post): string | null {
  return post.scheduledAt ?? post.publishedAt;
}

let lastQuery: Query | null = null;
let ticket = 0;
let detailTicket = 0;

export const useCalendarStore = create<CalendarState>()((set, get) => {
  async function loadDetail(id: string) {
    const mine = ++detailTicket;
    const shown = get().detail;
    // A refresh of the post on screen keeps it visible; another post shows "Loading…".
    if (shown.status !== 'ready' || shown.data.id !== id) set({ detail: { status: 'loading' } });
    const result = await call('posts.get', { id });
    if (mine !== detailTicket || get().selectedId !== id) return;
    if (result.ok) set({ detail: { status: 'ready', data: result.data } });
    else if (result.error.code === 'not_found') set({ selectedId: null, detail: { status: 'idle' }, notice: 'That post was deleted.' });
    else set({ detail: { status: 'failed', message: result.error.message } });
  }

  async function loadQuery(query: Query) {
    const mine = ++ticket;
    const { start, end } = visibleRange(query.view, query.date);
    const [ranged, all] = await Promise.all([
      call('posts.list', {
        brandId: query.brandId,
        from: fromZonedFace(start, query.timeZone).toISOString(),
        to: fromZonedFace(end, query.timeZone).toISOString(),
        limit: 1000,
      }),
      call('posts.list', { brandId: query.brandId, limit: 200 }),
    ]);
    if (mine !== ticket) return;
    if (!ranged.ok) {
      if (get().posts.status !== 'ready') set({ posts: { status: 'failed', message: ranged.error.message } });
      return;
    }
    set({
      posts: { status: 'ready', data: ranged.data },
      unscheduled: all.ok ? all.data.filter((p) => postTime(p) === null) : get().unscheduled,
    });
  }

  const replace = (post: Post) =>
    set((s) => ({
      posts: s.posts.status === 'ready' ? { status: 'ready', data: s.posts.data.map((p) => (p.id === post.id ? post : p)) } : s.posts,
    }));

  async function action(run: () => Promise<Result<Post>>): Promise<Result<Post>> {
    const result = await run();
    if (result.ok) {
      replace(result.data);
      await get().refresh();
    }
    return result;
  }

  return {
    brandId: null,
    view: 'month',
    date: new Date(),
    posts: { status: 'idle' },
    unscheduled: [],
    selectedId: null,
    detail: { status: 'idle' },
    refusal: null,
    notice: null,
    composing: false,

    setBrand(brandId) {
      if (brandId === get().brandId) return;
      ticket++;
      set({ brandId, posts: { status: 'idle' }, unscheduled: [], selectedId: null, detail: { status: 'idle' }, refusal: null, notice: null });
    },
    setView: (view) => set({ view }),
    setDate: (date) => set({ date }),

    async load(timeZone) {
      const { brandId, view, date } = get();
      if (!brandId) return;
      lastQuery = { brandId, timeZone, view, date };
      if (get().posts.status !== 'ready') set({ posts: { status: 'loading' } });
      await loadQuery(lastQuery);
    },

    async refresh() {
      const work: Promise<void>[] = [];
      if (lastQuery && lastQuery.brandId === get().brandId) work.push(loadQuery(lastQuery));
      const id = get().selectedId;
      if (id) work.push(loadDetail(id));
      await Promise.all(work);
    },

    select(id) {
      set({ selectedId: id, refusal: null, composing: id ? false : get().composing });
      if (id) void loadDetail(id);
      else set({ detail: { status: 'idle' } });
    },

    async move(post, face, timeZone) {
      const before = get().posts;
      // Show the post where it was dropped while the engine decides.
      if (before.status === 'ready') {
        const at = fromZonedFace(face, timeZone).toISOString();
        set({
          posts: { status: 'ready', data: before.data.map((p) => (p.id === post.id ? { ...p, scheduledAt: at } : p)) },
          refusal: null,
        });
      }
      const result = await call('posts.reschedule', { id: post.id, at: faceToWallClock(face), timeZone });
      if (result.ok) {
        replace(result.data);
        set({ notice: `Moved the ${PLATFORM_LABELS[post.platform]} post.` });
        void get().refresh();
        return result;
      }
      // Snap back: the post stays where the engine has it.
      const current = get().posts;
      set({
        posts:
          current.status === 'ready'
            ? { status: 'ready', data: current.data.map((p) => (p.id === post.id ? post : p)) }
            : current,
        // The engine's own sentence: the time has passed, a rule is broken, the post is already out…
        refusal: { postId: post.id, message: result.error.message },
      });
      return result;
    },

    publishNow: (id) => action(() => call('posts.publishNow', { id })),
    unschedule: (id) => action(() => call('posts.unschedule', { id })),

    async remove(id) {
      const result = await call('posts.delete', { id });
      if (result.ok) {
        set((s) => ({
          posts: s.posts.status === 'ready' ? { status: 'ready', data: s.posts.data.filter((p) => p.id !== id) } : s.posts,
          unscheduled: s.unscheduled.filter((p) => p.id !== id),
          selectedId: s.selectedId === id ? null : s.selectedId,
          detail: s.selectedId === id ? { status: 'idle' } : s.detail,
          notice: 'Deleted the post.',
        }));
      }
      return result;
    },

    published(result) {
      const shown = get().posts;
      const post = shown.status === 'ready' ? shown.data.find((p) => p.id === result.postId) : undefined;
      const what = post ? `The ${PLATFORM_LABELS[post.platform]} post` : 'A post';
      const notice =
        result.status === 'published'
          ? `${what} was published.`
          : result.status === 'failed'
            ? `${what} failed: ${result.reason ?? 'no reason given'}.`
            : `${what} is ${STATUS_LABELS[result.status].toLowerCase()}${result.reason ? `: ${result.reason}` : ''}.`;
      set({ notice });
      void get().refresh();
    },

    setComposing: (composing) => set(composing ? { composing, selectedId: null, detail: { status: 'idle' } } : { composing }),
    dismiss: () => set({ refusal: null, notice: null }),
  };
});

/** Forgets the remembered query; for tests. */
export function resetCalendarQuery(): void {
  lastQuery = null;
}
