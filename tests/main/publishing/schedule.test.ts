import { afterEach, describe, expect, it } from 'vitest';
import type { Post, ScheduleStatus } from '../../../src/shared/contract';
import { Harness, inSeconds } from './harness';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.dispose();
});
async function harness(...args: Parameters<typeof Harness.create>) {
  const h = await Harness.create(...args);
  harnesses.push(h);
  return h;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pause, missed posts and repeating posts', () => {
  it('pause holds every job and resume publishes them', async () => {
    const h = await harness();
    const brandId = await h.brand();
    const accountId = await h.sandboxAccount(brandId);
    const paused = await h.ok<ScheduleStatus>('schedule.pause', {});
    expect(paused.paused).toBe(true);
    expect(h.ctx.settings.read().publishingPaused).toBe(true);

    const ids = [await h.draft(brandId, accountId, 'one'), await h.draft(brandId, accountId, 'two')];
    for (const id of ids) await h.ok('posts.schedule', { id, at: inSeconds(0) });
    await sleep(1200);
    for (const id of ids) expect((await h.ctx.repos.posts.get(id)).status).toBe('scheduled');
    expect(await h.ok('schedule.status', {})).toMatchObject({ paused: true, queued: 2 });

    const resumed = await h.ok<ScheduleStatus>('schedule.resume', {});
    expect(resumed.paused).toBe(false);
    for (const id of ids) expect((await h.until(id, ['published', 'failed'])).status).toBe('published');
    expect(h.events.filter((e) => e.name === 'schedule.changed').map((e) => (e.payload as ScheduleStatus).paused)).toEqual([true, false]);
  });

  it('a pause set through settings.update (the tray) holds jobs too', async () => {
    const h = await harness();
    const brandId = await h.brand();
    const accountId = await h.sandboxAccount(brandId);
    h.ctx.settings.update({ publishingPaused: true });
    const id = await h.draft(brandId, accountId);
    await h.ok('posts.schedule', { id, at: inSeconds(0) });
    await sleep(1000);
    expect((await h.ctx.repos.posts.get(id)).status).toBe('scheduled');
    h.ctx.settings.update({ publishingPaused: false });
    expect((await h.until(id, ['published'])).status).toBe('published');
  });

  it('publishes posts that came due while Chorus was closed (missedPosts: publish)', async () => {
    const h = await harness();
    const brandId = await h.brand();
    const accountId = await h.sandboxAccount(brandId);
    const id = await h.draft(brandId, accountId);
    await h.ok('posts.schedule', { id, at: inSeconds(1) });
    await h.stop();
    await sleep(1500);
    await h.open();
    const post = await h.until(id, ['published', 'failed', 'in_review']);
    expect(post.status).toBe('published');
    const published = (await h.ctx.repos.posts.history(id)).at(-1)!;
    expect(published).toMatchObject({ kind: 'published', detail: { dueAt: expect.any(String) } });
  });

  it('holds posts that came due while Chorus was closed for review (missedPosts: hold), never skips them', async () => {
    const h = await harness();
    const brandId = await h.brand();
    const accountId = await h.sandboxAccount(brandId);
    const due = await h.draft(brandId, accountId, 'was due');
    const later = await h.draft(brandId, accountId, 'still ahead');
    await h.ok('posts.schedule', { id: due, at: inSeconds(1) });
    await h.ok('posts.schedule', { id: later, at: inSeconds(3600) });
    await h.stop();
    await sleep(1500);
    await h.open({ settings: { missedPosts: 'hold' } });
    const held = await h.ctx.repos.posts.get(due);
    expect(held).toMatchObject({ status: 'in_review', failureKind: 'held', failureReason: expect.stringContaining('while Chorus was closed') });
    expect((await h.ctx.repos.posts.history(due)).at(-1)).toMatchObject({ kind: 'held', errorKind: 'held' });
    expect((await h.ctx.repos.posts.get(later)).status).toBe('scheduled');
    // A held post can be published on purpose.
    await h.ok('posts.publishNow', { id: due });
    expect((await h.until(due, ['published'])).status).toBe('published');
  });

  it('schedules the next occurrence of a repeating post when one is published', async () => {
    const h = await harness();
    const brandId = await h.brand('UTC');
    const accountId = await h.sandboxAccount(brandId);
    const id = await h.draft(brandId, accountId, 'Daily tip');
    const first = await h.ok<Post>('posts.schedule', { id, at: inSeconds(0), recurrence: { freq: 'daily', interval: 1, count: 3 } });
    expect(first).toMatchObject({ seriesId: id, seriesIndex: 0, recurrence: { freq: 'daily', interval: 1, count: 3 } });
    await h.until(id, ['published']);
    const series = (await h.ok<Post[]>('posts.list', { brandId })).filter((p) => p.seriesId === id && p.id !== id);
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ status: 'scheduled', seriesIndex: 1, text: 'Daily tip', scheduledTimeZone: 'UTC' });
    // Occurrences keep the first one's local time to the minute.
    const firstMinute = Math.floor(Date.parse(first.scheduledAt!) / 60_000) * 60_000;
    expect(Date.parse(series[0]!.scheduledAt!) - firstMinute).toBe(86_400_000);
  });
});
