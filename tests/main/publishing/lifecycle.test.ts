import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Post, PostWithHistory } from '../../../src/shared/contract';
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

describe('post lifecycle with the sandbox adapter', () => {
  it('publishes a scheduled post into the outbox and records its history', async () => {
    const h = await harness();
    const brandId = await h.brand();
    const accountId = await h.sandboxAccount(brandId);
    const id = await h.draft(brandId, accountId, 'First post from the sandbox');

    const scheduled = await h.ok<Post>('posts.schedule', { id, at: inSeconds(1) });
    expect(scheduled).toMatchObject({ status: 'scheduled', scheduledTimeZone: 'Europe/Paris', accountId });

    const published = await h.until(id, ['published', 'failed']);
    expect(published.status).toBe('published');
    const file = join(h.dataDir, 'outbox', 'mastodon', `${id}.json`);
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ postId: id, text: 'First post from the sandbox' });
    expect(published.platformUrl).toMatch(/^file:\/\/.*\.json$/);
    expect(published.platformPostId).toBe(`sandbox-${id}`);

    const got = await h.ok<PostWithHistory>('posts.get', { id });
    expect(got.history.map((e) => e.kind)).toEqual(['created', 'scheduled', 'attempt', 'published']);
    expect(h.events).toContainEqual({ name: 'publish.result', payload: { postId: id, status: 'published', url: published.platformUrl } });
    expect(h.events.filter((e) => e.name === 'posts.changed').map((e) => (e.payload as { status: string }).status)).toEqual([
      'draft',
      'scheduled',
      'publishing',
      'published',
    ]);
  });

  it('takes a wall-clock time in a zone and stores the UTC instant plus the zone', async () => {
    const h = await harness();
    const brandId = await h.brand('America/New_York');
    const accountId = await h.sandboxAccount(brandId);
    const id = await h.draft(brandId, accountId);
    const post = await h.ok<Post>('posts.schedule', { id, at: '2099-07-04T09:00', timeZone: 'Europe/Paris' });
    expect(post.scheduledAt).toBe('2099-07-04T07:00:00.000Z');
    expect(post.scheduledTimeZone).toBe('Europe/Paris');
    const moved = await h.ok<Post>('posts.reschedule', { id, at: '2099-07-05T09:00' });
    expect(moved.scheduledAt).toBe('2099-07-05T07:00:00.000Z');
    expect(await h.ok('schedule.status', {})).toEqual({ paused: false, queued: 1, publishing: 0, nextDueAt: '2099-07-05T07:00:00.000Z' });
    const off = await h.ok<Post>('posts.unschedule', { id });
    expect(off).toMatchObject({ status: 'approved', scheduledAt: null });
    const history = await h.ok<{ kind: string }[]>('posts.history', { id });
    expect(history.map((e) => e.kind)).toEqual(['created', 'scheduled', 'rescheduled', 'unscheduled']);
  });

  it('refuses a time in the past, a post that breaks the platform rules, and an account that must be reconnected', async () => {
    const h = await harness();
    const brandId = await h.brand();
    const accountId = await h.sandboxAccount(brandId, 'x');
    const id = await h.draft(brandId, accountId, 'ok', 'x');
    expect(await h.call('posts.schedule', { id, at: '2001-01-01T09:00', timeZone: 'UTC' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: ['at'] }] },
    });
    expect(await h.call('posts.schedule', { id, at: '2099-01-01T09:00' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: ['timeZone'] }] },
    });

    const long = await h.draft(brandId, accountId, 'x'.repeat(400), 'x');
    const tooLong = await h.call('posts.schedule', { id: long, at: inSeconds(3600) });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: ['text'] }] } });
    expect((await h.ctx.repos.posts.get(long)).status).toBe('draft');

    await h.ctx.repos.accounts.setStatus(accountId, 'needs_reconnect', 'Token revoked');
    expect(await h.call('posts.schedule', { id, at: inSeconds(3600) })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringContaining('Token revoked') },
    });
  });

  it('edits a post until it is publishing, and lists posts in a calendar range', async () => {
    const h = await harness();
    const brandId = await h.brand();
    const accountId = await h.sandboxAccount(brandId);
    const a = await h.draft(brandId, accountId, 'A');
    const b = await h.draft(brandId, accountId, 'B');
    await h.ok('posts.schedule', { id: a, at: '2099-03-10T10:00', timeZone: 'UTC' });
    await h.ok('posts.schedule', { id: b, at: '2099-04-10T10:00', timeZone: 'UTC' });
    const edited = await h.ok<Post>('posts.update', { id: a, patch: { text: 'A, edited' } });
    expect(edited).toMatchObject({ text: 'A, edited', status: 'scheduled' });

    const march = await h.ok<Post[]>('posts.list', { brandId, from: '2099-03-01T00:00:00Z', to: '2099-04-01T00:00:00Z' });
    expect(march.map((p) => p.id)).toEqual([a]);

    await h.ok('posts.delete', { id: b });
    expect(await h.call('posts.get', { id: b })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await h.ok('schedule.status', {})).toMatchObject({ queued: 1 });
  });

  it('publishes now on demand', async () => {
    const h = await harness();
    const brandId = await h.brand();
    const accountId = await h.sandboxAccount(brandId);
    const id = await h.draft(brandId, accountId);
    await h.ok('posts.publishNow', { id });
    expect((await h.until(id, ['published'])).status).toBe('published');
    expect(await h.call('posts.update', { id, patch: { text: 'too late' } })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});

describe('titled posts (Reddit, YouTube)', () => {
  it('refuses to schedule a Reddit post without a title, and publishes it with one', async () => {
    const h = await harness();
    const brandId = await h.brand();
    const accountId = await h.sandboxAccount(brandId, 'reddit');
    const id = await h.draft(brandId, accountId, 'We roasted a new batch: tasting notes inside.', 'reddit');

    const refused = await h.call('posts.schedule', { id, at: inSeconds(1) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: ['title'] }] } });

    await h.ok('posts.update', { id, patch: { title: 'New roast: Huila, Colombia' } });
    await h.ok('posts.schedule', { id, at: inSeconds(1) });
    expect(await h.until(id, ['published', 'failed'])).toMatchObject({ status: 'published', title: 'New roast: Huila, Colombia' });
    const outbox = JSON.parse(readFileSync(join(h.dataDir, 'outbox', 'reddit', `${id}.json`), 'utf8'));
    expect(outbox).toMatchObject({ title: 'New roast: Huila, Colombia', text: 'We roasted a new batch: tasting notes inside.' });
  });
});
