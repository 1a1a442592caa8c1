import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInstagramAdapter } from '../../../../src/main/engine/platforms/adapters/instagram';
import type { HttpAdapterOptions } from '../../../../src/main/engine/platforms/adapters/adapterSupport';
import type { Credentials, PublishRequest } from '../../../../src/main/engine/platforms/PlatformAdapter';
import { metaError } from '../../../fakes/platforms/facebookFake';
import { IG_USER_ID, InstagramFake } from '../../../fakes/platforms/instagramFake';
import { FakeTime, failure } from './adapterTestKit';

let fake: InstagramFake;
let time: FakeTime;

function adapter(overrides: Partial<HttpAdapterOptions> = {}) {
  return createInstagramAdapter({
    baseUrl: fake.baseUrl,
    ...time.adapterOptions(),
    timeoutMs: 5_000,
    ...overrides,
  });
}

function connected(): Credentials {
  return { accessToken: fake.grant(), extra: { igUserId: IG_USER_ID, username: 'choruscoffee', tokenKind: 'page' } };
}

const image = (uri = 'https://cdn.example.com/latte.jpg') => ({ kind: 'image' as const, uri, alt: 'A latte' });

function post(text: string, more: Partial<PublishRequest> = {}): PublishRequest {
  return { text, media: [image()], idempotencyKey: 'k', ...more };
}

const MEDIA = `/v21.0/${IG_USER_ID}/media`;
const PUBLISH = `/v21.0/${IG_USER_ID}/media_publish`;

beforeEach(async () => {
  time = new FakeTime(Date.parse('2026-11-24T12:00:00Z'));
  fake = new InstagramFake();
  fake.clock = () => time.now;
  await fake.start();
});

afterEach(() => fake.stop());

describe('Instagram adapter', () => {
  it('checks the quota, creates a container, polls it to FINISHED, then publishes', async () => {
    const result = await adapter().publish(connected(), post('Morning latte'));
    expect(fake.media).toHaveLength(1);
    expect(result).toEqual({ platformPostId: fake.media[0]!.id, url: expect.stringMatching(/^https:\/\/www\.instagram\.com\/p\//) });
    const paths = fake.server.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths.slice(0, 2)).toEqual([`GET /v21.0/${IG_USER_ID}/content_publishing_limit`, `POST ${MEDIA}`]);
    expect(paths).toContain(`POST ${PUBLISH}`);
    expect(time.sleeps).toEqual([5_000, 5_000]); // two IN_PROGRESS answers
    expect([...fake.containers.values()][0]!.fields).toMatchObject({ image_url: 'https://cdn.example.com/latte.jpg', caption: 'Morning latte', alt_text: 'A latte' });
  });

  it('publishes a reel and a carousel', async () => {
    fake.processingPolls = 0;
    await adapter().publish(connected(), post('A reel', { media: [{ kind: 'video', uri: 'https://cdn.example.com/r.mp4', alt: '' }] }));
    expect([...fake.containers.values()][0]!.fields).toMatchObject({ media_type: 'REELS', video_url: 'https://cdn.example.com/r.mp4' });
    await adapter().publish(connected(), post('Two', { media: [image(), { kind: 'video', uri: 'https://cdn.example.com/v.mp4', alt: '' }] }));
    const carousel = [...fake.containers.values()].at(-1)!;
    expect(carousel.fields).toMatchObject({ media_type: 'CAROUSEL', caption: 'Two' });
    expect(carousel.fields.children!.split(',')).toHaveLength(2);
    expect(fake.media).toHaveLength(2);
  });

  it('refuses media without a public https URL, with no media, and threads, before calling Instagram', async () => {
    const local = await failure(adapter().publish(connected(), post('Local', { media: [{ kind: 'image', uri: 'media/a.jpg', alt: '', path: '/data/media/a.jpg' }] })));
    expect([local.kind, local.message]).toEqual(['invalid', 'Instagram fetches media from a public https URL, and media/a.jpg is not one: upload it somewhere public first.']);
    expect((await failure(adapter().publish(connected(), post('None', { media: [] })))).message).toBe('Instagram posts need at least one image or video.');
    expect((await failure(adapter().publish(connected(), post('Thread', { thread: ['2'] })))).kind).toBe('invalid');
    expect(fake.server.requests).toHaveLength(0);
  });

  it('reports a container that ends in ERROR as invalid with Instagram’s reason', async () => {
    const error = await failure(adapter().publish(connected(), post('Broken', { media: [image('https://cdn.example.com/unreachable.jpg')] })));
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe("Instagram could not prepare the media: Error: Media download has failed. The media URI doesn't meet our requirements. (2207052)");
    expect(fake.media).toHaveLength(0);
  });

  it('stops at the 50-posts-per-24-hours quota with rate_limited', async () => {
    fake.quotaUsage = 50;
    const error = await failure(adapter().publish(connected(), post('One too many')));
    expect([error.kind, error.message]).toEqual(['rate_limited', 'Instagram allows 50 published posts per 24 hours and this account has used 50.']);
    expect(error.details.retryAt).toEqual(new Date(time.now + 3_600_000));
    expect(fake.containers.size).toBe(0);
  });

  it('reads Meta throttles (code 4) as rate_limited, and waits one out when it lifts soon', async () => {
    fake.processingPolls = 0;
    fake.server.failNext('POST', MEDIA, { kind: 'status', status: 400, json: metaError(400, 4, 'Application request limit reached').json });
    const error = await failure(adapter().publish(connected(), post('Busy')));
    expect([error.kind, error.message]).toEqual(['rate_limited', 'Application request limit reached']);

    fake.server.failNext('POST', MEDIA, {
      kind: 'status',
      status: 400,
      headers: { 'x-business-use-case-usage': JSON.stringify({ [IG_USER_ID]: [{ type: 'instagram', estimated_time_to_regain_access: 1 }] }) },
      json: metaError(400, 80002, 'There have been too many calls to this Instagram account. Wait a bit and try again.').json,
    });
    await adapter({ maxInlineWaitMs: 90_000 }).publish(connected(), post('Soon'));
    expect(time.sleeps).toEqual([60_000]);
  });

  it('classifies a 500 and a timeout as transient', async () => {
    fake.server.failNext('POST', PUBLISH, { kind: 'status', status: 500, json: metaError(500, 1, 'An unknown error occurred', 'OAuthException').json });
    const down = await failure(adapter().publish(connected(), post('One')));
    expect([down.kind, down.message]).toEqual(['transient', 'An unknown error occurred']);
    fake.server.failNext('POST', PUBLISH, { kind: 'timeout' });
    expect((await failure(adapter({ timeoutMs: 150 }).publish(connected(), post('Two')))).message).toBe('Instagram did not answer in time.');
  });

  it('reports an expired token as auth, and refresh says it must be reconnected', async () => {
    const credentials = connected();
    fake.tokens.set(credentials.accessToken, 'expired');
    const error = await failure(adapter().publish(credentials, post('Hi')));
    expect([error.kind, error.details.platformCode]).toEqual(['auth', '190/463']);
    expect(error.message).toMatch(/Session has expired/);
    // Meta has no refresh tokens: refresh checks the token against /me and reports a dead one as revoked.
    expect(await adapter().refresh(connected())).toMatchObject({ extra: { igUserId: IG_USER_ID } });
    const refresh = await failure(adapter().refresh(credentials));
    expect([refresh.kind, refresh.details.revoked]).toEqual(['auth', true]);
  });

  it("refuses an over-long caption with Meta's words", async () => {
    const error = await failure(adapter().publish(connected(), post('x'.repeat(2201))));
    expect([error.kind, error.message, error.details.platformCode]).toEqual(['invalid', 'The caption is too long. Captions can be up to 2200 characters.', '100/2207035']);
  });

  it('finds a post whose media_publish response was lost', async () => {
    fake.server.failNext('POST', PUBLISH, { kind: 'lose-response' });
    expect((await failure(adapter().publish(connected(), post('Lost latte')))).kind).toBe('transient');
    expect(await adapter().findExisting(connected(), post('Other'))).toBeNull();
    expect((await adapter().findExisting(connected(), post('Lost latte')))?.platformPostId).toBe(fake.media[0]!.id);
  });

  it('turns a malformed 200 into a clear error', async () => {
    fake.server.failNext('POST', MEDIA, { kind: 'status', status: 200, json: { data: [] } });
    const error = await failure(adapter().publish(connected(), post('Hi')));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/^Instagram sent an unexpected answer to the media container request \(id: /);
  });

  it('reads metrics, comments since a cursor, and deletes', async () => {
    fake.processingPolls = 0;
    const credentials = connected();
    const { platformPostId } = await adapter().publish(credentials, post('Talk'));
    fake.comment(platformPostId, 'Yum');
    expect(await adapter().metrics(credentials, platformPostId)).toMatchObject({ likes: 21, replies: 1 });
    const first = await adapter().mentions(credentials, null);
    expect(first.items).toEqual([expect.objectContaining({ author: '@latte_lover', text: 'Yum', inReplyTo: platformPostId })]);
    time.now += 1_000;
    fake.comment(platformPostId, 'Again');
    expect((await adapter().mentions(credentials, first.cursor)).items.map((m) => m.text)).toEqual(['Again']);
    await adapter().delete(credentials, platformPostId);
    expect(fake.media).toHaveLength(0);
  });
});
