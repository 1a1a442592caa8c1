// The scheduler and a real adapter together: the Mastodon adapter publishing
// to a local server that follows Mastodon's API, with faults injected on the
// wire. Each failure class must reach the post's history with the server's
// words, nothing may stay in `publishing`, and nothing may be posted twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PostEvent } from '../../../src/shared/contract';
import { MastodonFake } from '../../fakes/platforms/mastodonFake';
import { Harness, inSeconds } from './harness';

let fake: MastodonFake;
let h: Harness;
let brandId: string;

beforeEach(async () => {
  fake = new MastodonFake();
  await fake.start();
  h = await Harness.create();
  brandId = await h.brand();
});

afterEach(async () => {
  await h.dispose();
  await fake.stop();
});

/** A Mastodon account whose keychain entry points at the fake instance. */
async function mastodonAccount(token = fake.grant()): Promise<string> {
  const account = await h.ctx.repos.accounts.create({ brandId, platform: 'mastodon', handle: '@chorus@fake.social', connection: 'mastodon-app' });
  await h.secrets.set(
    `account.${account.id}.credentials`,
    JSON.stringify({ accessToken: token, extra: { instanceUrl: fake.baseUrl, accountId: '1' } }),
  );
  return account.id;
}

async function publish(accountId: string, text: string) {
  const id = await h.draft(brandId, accountId, text);
  await h.ok('posts.schedule', { id, at: inSeconds(0) });
  const post = await h.until(id, ['published', 'failed'], 30_000);
  const history = await h.ctx.repos.posts.history(id);
  return { post, history };
}

const trail = (history: PostEvent[]) => history.map((e) => (e.errorKind ? `${e.kind}:${e.errorKind}` : e.kind));

async function nothingInPublishing() {
  const stuck = await h.ctx.db.query("SELECT id FROM posts WHERE status = 'publishing'");
  expect(stuck).toEqual([]);
}

describe('publishing through the Mastodon adapter', () => {
  it('publishes, with the status link stored', async () => {
    const { post } = await publish(await mastodonAccount(), 'Winter blend lands on Friday.');
    expect(post.status).toBe('published');
    expect(fake.statuses.map((s) => s.text)).toEqual(['Winter blend lands on Friday.']);
    expect(post.platformUrl).toContain(fake.statuses[0]!.id);
  });

  it('retries a 503 (transient) and publishes once', async () => {
    fake.server.failNext('POST', '/api/v1/statuses', { kind: 'status', status: 503, json: { error: 'Service Unavailable' } });
    const { post, history } = await publish(await mastodonAccount(), 'Retry me once.');
    expect(post.status).toBe('published');
    expect(trail(history)).toEqual(['created', 'scheduled', 'attempt', 'retry:transient', 'attempt', 'published']);
    expect(history.find((e) => e.errorKind === 'transient')?.message).toContain('Service Unavailable');
    expect(fake.statuses).toHaveLength(1);
    await nothingInPublishing();
  });

  it('does not post twice when the status was created but the response was lost', async () => {
    fake.server.failNext('POST', '/api/v1/statuses', { kind: 'lose-response' });
    const { post } = await publish(await mastodonAccount(), 'Did this go through?');
    expect(post.status).toBe('published');
    expect(fake.statuses.map((s) => s.text)).toEqual(['Did this go through?']);
    await nothingInPublishing();
  });

  it('fails an invalid post at once with the instance’s own words', async () => {
    fake.maxCharacters = 20; // a small instance limit the local rules do not know
    const { post, history } = await publish(await mastodonAccount(), 'This text is longer than twenty characters.');
    expect(post).toMatchObject({ status: 'failed', failureKind: 'invalid' });
    expect(post.failureReason).toMatch(/character limit/i);
    expect(trail(history).at(-1)).toBe('failed:invalid');
    expect(fake.statuses).toHaveLength(0);
    await nothingInPublishing();
  });

  it('fails with auth and asks for a reconnect when the token was revoked', async () => {
    const token = fake.grant();
    const accountId = await mastodonAccount(token);
    fake.tokens.get(token)!.revoked = true;
    const { post } = await publish(accountId, 'Nobody will see this.');
    expect(post).toMatchObject({ status: 'failed', failureKind: 'auth' });
    expect(post.failureReason).toMatch(/revoked/);
    const [account] = await h.ctx.repos.accounts.list(brandId);
    expect(account).toMatchObject({ status: 'needs_reconnect' });
    // The stored credentials are kept for the reconnect, never dropped.
    expect(await h.secrets.get(`account.${accountId}.credentials`)).toContain(token);
    await nothingInPublishing();
  });
});
