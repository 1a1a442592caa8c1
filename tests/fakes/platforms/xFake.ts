// A fake of X's API v2 as published on docs.x.com: the OAuth 2 token endpoint
// (rotating refresh tokens), bearer checks with X's problem bodies, /2/tweets,
// timelines and mentions with since_id/pagination_token, the media upload
// endpoint, and x-rate-limit-* headers on every answer.
import { FakePlatformServer, type FakeReply, type FakeRequest } from './FakePlatformServer';

export interface FakeTweet {
  id: string;
  text: string;
  author_id: string;
  created_at: string;
  in_reply_to?: string;
  media_ids?: string[];
  like_count: number;
}

interface Token {
  userId: string;
  expired: boolean;
}

const UNAUTHORIZED = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };

export class XFake {
  readonly server = new FakePlatformServer();
  readonly users = new Map([
    ['2244994945', { id: '2244994945', username: 'chorusbrand', name: 'Chorus Brand' }],
    ['99', { id: '99', username: 'fan', name: 'A Fan' }],
  ]);
  readonly accessTokens = new Map<string, Token>();
  readonly refreshTokens = new Map<string, string>();
  readonly codes = new Map<string, { userId: string; codeVerifier: string }>();
  readonly tweets: FakeTweet[] = [];
  readonly media = new Map<string, { category: string; bytes: number }>();
  private nextId = 1_800_000_000_000_000_000n;
  private tokenCounter = 0;
  /** Seconds since epoch for x-rate-limit-reset; tests set the fake clock. */
  clock = () => Date.now();

  constructor() {
    const s = this.server;
    s.on('POST', '/2/oauth2/token', (req) => this.token(req));
    s.on('GET', '/2/users/me', (req) => this.authed(req, (user) => ({ json: { data: this.users.get(user) } })));
    s.on('POST', '/2/tweets', (req) => this.authed(req, (user) => this.createTweet(req, user)));
    s.on('DELETE', '/2/tweets/:id', (req, p) =>
      this.authed(req, (user) => {
        const index = this.tweets.findIndex((t) => t.id === p.id && t.author_id === user);
        if (index < 0) return { status: 404, json: { title: 'Not Found Error', type: 'https://api.twitter.com/2/problems/resource-not-found', detail: `Could not find tweet with id: [${p.id}].` } };
        this.tweets.splice(index, 1);
        return { json: { data: { deleted: true } } };
      }),
    );
    s.on('GET', '/2/tweets/:id', (req, p) =>
      this.authed(req, () => {
        const tweet = this.tweets.find((t) => t.id === p.id);
        if (!tweet) return { json: { errors: [{ value: p.id, detail: `Could not find tweet with id: [${p.id}].`, title: 'Not Found Error', resource_type: 'tweet', parameter: 'id', resource_id: p.id, type: 'https://api.twitter.com/2/problems/resource-not-found' }] } };
        return { json: { data: { ...this.view(tweet), public_metrics: { retweet_count: 2, reply_count: 1, like_count: tweet.like_count, quote_count: 1, bookmark_count: 0, impression_count: 140 } } } };
      }),
    );
    s.on('GET', '/2/users/:id/tweets', (req, p) =>
      this.authed(req, () => {
        const max = Number(req.query.get('max_results') ?? 10);
        const mine = this.tweets.filter((t) => t.author_id === p.id).reverse().slice(0, max);
        return { json: mine.length ? { data: mine.map((t) => this.view(t)), meta: { result_count: mine.length, newest_id: mine[0]!.id } } : { meta: { result_count: 0 } } };
      }),
    );
    s.on('GET', '/2/users/:id/mentions', (req, p) => this.authed(req, () => this.mentionsOf(req, p.id!)));
    s.on('POST', '/2/media/upload', (req) => this.authed(req, () => this.upload(req)));
    s.on('GET', '/2/media/upload', (req) =>
      this.authed(req, () => {
        const id = req.query.get('media_id') ?? '';
        if (!this.media.has(id)) return { status: 400, json: { errors: [{ message: 'Invalid media_id' }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' } };
        return { json: { data: { id, media_key: `7_${id}`, processing_info: { state: 'succeeded', progress_percent: 100 } } } };
      }),
    );
  }

  start(): Promise<FakePlatformServer> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  /** A connected account: a live access token and its refresh token. */
  grant(userId = '2244994945'): { accessToken: string; refreshToken: string } {
    const accessToken = `at-${++this.tokenCounter}`;
    const refreshToken = `rt-${this.tokenCounter}`;
    this.accessTokens.set(accessToken, { userId, expired: false });
    this.refreshTokens.set(refreshToken, userId);
    return { accessToken, refreshToken };
  }

  /** Someone else mentions the account. */
  mention(text: string, authorId = '99'): FakeTweet {
    return this.store({ text, author_id: authorId });
  }

  private rateHeaders(): Record<string, string> {
    return { 'x-rate-limit-limit': '300', 'x-rate-limit-remaining': '299', 'x-rate-limit-reset': String(Math.floor(this.clock() / 1000) + 900) };
  }

  private async authed(req: FakeRequest, handler: (userId: string) => FakeReply | Promise<FakeReply>): Promise<FakeReply> {
    const match = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
    const token = match ? this.accessTokens.get(match[1]!) : undefined;
    if (!token || token.expired) return { status: 401, json: UNAUTHORIZED, headers: this.rateHeaders() };
    const reply = await handler(token.userId);
    return { ...reply, headers: { ...this.rateHeaders(), ...reply.headers } };
  }

  private token(req: FakeRequest): FakeReply {
    const form = req.body as Record<string, string>;
    if (form.grant_type === 'authorization_code') {
      const code = this.codes.get(form.code ?? '');
      if (!code || code.codeVerifier !== form.code_verifier) {
        return { status: 400, json: { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' } };
      }
      this.codes.delete(form.code!);
      const { accessToken, refreshToken } = this.grant(code.userId);
      return { json: { token_type: 'bearer', expires_in: 7200, access_token: accessToken, scope: 'tweet.read tweet.write users.read offline.access', refresh_token: refreshToken } };
    }
    if (form.grant_type === 'refresh_token') {
      const userId = this.refreshTokens.get(form.refresh_token ?? '');
      if (!userId) return { status: 400, json: { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' } };
      // X rotates refresh tokens: the old one stops working.
      this.refreshTokens.delete(form.refresh_token!);
      const { accessToken, refreshToken } = this.grant(userId);
      return { json: { token_type: 'bearer', expires_in: 7200, access_token: accessToken, scope: 'tweet.read tweet.write users.read offline.access', refresh_token: refreshToken } };
    }
    return { status: 400, json: { error: 'unsupported_grant_type', error_description: 'Grant type not supported' } };
  }

  private store(fields: Omit<FakeTweet, 'id' | 'created_at' | 'like_count'>): FakeTweet {
    const tweet: FakeTweet = { ...fields, id: String(this.nextId++), created_at: new Date(this.clock()).toISOString(), like_count: 0 };
    this.tweets.push(tweet);
    return tweet;
  }

  private view(t: FakeTweet): Record<string, unknown> {
    return {
      id: t.id,
      text: t.text,
      author_id: t.author_id,
      created_at: t.created_at,
      edit_history_tweet_ids: [t.id],
      ...(t.in_reply_to ? { referenced_tweets: [{ type: 'replied_to', id: t.in_reply_to }] } : {}),
    };
  }

  private createTweet(req: FakeRequest, userId: string): FakeReply {
    const body = req.body as { text?: string; reply?: { in_reply_to_tweet_id?: string }; media?: { media_ids?: string[] } };
    const invalid = (message: string): FakeReply => ({
      status: 400,
      json: { errors: [{ parameters: {}, message }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' },
    });
    if (typeof body?.text !== 'string' && !body?.media) return invalid('Tweet text is required.');
    if ((body.text ?? '').length > 280) return invalid('Tweet text is too long.');
    const replyTo = body.reply?.in_reply_to_tweet_id;
    if (replyTo && !this.tweets.some((t) => t.id === replyTo)) return invalid('The Tweet you are replying to does not exist or has been deleted.');
    for (const id of body.media?.media_ids ?? []) if (!this.media.has(id)) return invalid(`Your media IDs are invalid: [${id}]`);
    if (this.tweets.some((t) => t.author_id === userId && t.text === body.text && !replyTo && !t.in_reply_to)) {
      return { status: 403, json: { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 } };
    }
    const tweet = this.store({ text: body.text ?? '', author_id: userId, in_reply_to: replyTo, media_ids: body.media?.media_ids });
    return { status: 201, json: { data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } } };
  }

  private mentionsOf(req: FakeRequest, userId: string): FakeReply {
    const user = this.users.get(userId);
    const sinceId = req.query.get('since_id');
    const max = Number(req.query.get('max_results') ?? 10);
    const after = req.query.get('pagination_token');
    let list = this.tweets
      .filter((t) => t.author_id !== userId && user && t.text.includes(`@${user.username}`))
      .filter((t) => !sinceId || BigInt(t.id) > BigInt(sinceId))
      .reverse();
    if (after) list = list.filter((t) => BigInt(t.id) < BigInt(after));
    const page = list.slice(0, max);
    if (!page.length) return { json: { meta: { result_count: 0 } } };
    const more = list.length > max;
    return {
      json: {
        data: page.map((t) => this.view(t)),
        includes: { users: [...new Set(page.map((t) => t.author_id))].map((id) => this.users.get(id)).filter(Boolean) },
        meta: { result_count: page.length, newest_id: page[0]!.id, oldest_id: page.at(-1)!.id, ...(more ? { next_token: page.at(-1)!.id } : {}) },
      },
    };
  }

  private async uploadForm(req: FakeRequest): Promise<FormData> {
    return new Request('http://fake/upload', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: new Uint8Array(req.rawBody) }).formData();
  }

  private async upload(req: FakeRequest): Promise<FakeReply> {
    const form = await this.uploadForm(req);
    const command = form.get('command');
    if (command === 'INIT') {
      const id = String(this.nextId++);
      this.media.set(id, { category: String(form.get('media_category')), bytes: 0 });
      return { json: { data: { id, media_key: `7_${id}`, expires_after_secs: 86_400 } } };
    }
    if (command === 'APPEND') {
      const entry = this.media.get(String(form.get('media_id')));
      const chunk = form.get('media');
      if (!entry || !(chunk instanceof Blob)) return { status: 400, json: { errors: [{ message: 'Invalid media_id or missing media' }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.' } };
      entry.bytes += chunk.size;
      return { status: 204 };
    }
    if (command === 'FINALIZE') {
      const id = String(form.get('media_id'));
      if (!this.media.get(id)?.bytes) return { status: 400, json: { errors: [{ message: 'Segments do not add up to provided total file size.' }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.' } };
      return { json: { data: { id, media_key: `7_${id}`, processing_info: { state: 'pending', check_after_secs: 1 } } } };
    }
    const media = form.get('media');
    if (!(media instanceof Blob) || media.size === 0) {
      return { status: 400, json: { errors: [{ message: 'media must be provided' }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.' } };
    }
    const id = String(this.nextId++);
    this.media.set(id, { category: String(form.get('media_category')), bytes: media.size });
    return { json: { data: { id, media_key: `3_${id}`, size: media.size, expires_after_secs: 86_400, image: { image_type: media.type, w: 1, h: 1 } } } };
  }
}
