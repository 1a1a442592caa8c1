// A fake of Reddit's OAuth API as described in github.com/reddit/reddit/wiki/API
// and /dev/api: the token endpoint with Basic auth (no new refresh token on
// refresh), bearer checks, a required descriptive User-Agent (generic ones get
// a 429 like Reddit gives them), /api/submit answering HTTP 200 with
// json.errors, /api/comment, /api/del, /api/info, /user/:name/submitted,
// /message/inbox, and X-Ratelimit-Used/Remaining/Reset headers.
import { FakePlatformServer, type FakeReply, type FakeRequest } from './FakePlatformServer';

export interface FakeRedditThing {
  id: string;
  kind: 't1' | 't3';
  author: string;
  subreddit: string;
  title?: string;
  selftext?: string;
  url?: string;
  body?: string;
  parent_id?: string;
  created_utc: number;
  score: number;
}

const GENERIC_AGENTS = /^(node|undici|python-requests|curl|axios|Go-http-client|Mozilla\/5\.0)/i;

export class RedditFake {
  readonly server = new FakePlatformServer();
  readonly clients = new Map([['reddit-client', '']]);
  readonly accessTokens = new Map<string, { user: string; expired: boolean }>();
  readonly refreshTokens = new Map<string, { user: string; revoked: boolean }>();
  readonly things: FakeRedditThing[] = [];
  readonly subreddits = new Set(['chorus', 'u_chorusbrand']);
  clock = () => Date.now();
  private counter = 0;

  constructor() {
    const s = this.server;
    s.on('POST', '/api/v1/access_token', (req) => this.guard(req, () => this.token(req)));
    s.on('GET', '/api/v1/me', (req) => this.authed(req, (user) => ({ json: { id: user === 'chorusbrand' ? '1w72' : 'zz', name: user, link_karma: 1, comment_karma: 1 } })));
    s.on('POST', '/api/submit', (req) => this.authed(req, (user) => this.submit(req, user)));
    s.on('POST', '/api/comment', (req) => this.authed(req, (user) => this.comment(req, user)));
    s.on('POST', '/api/del', (req) =>
      this.authed(req, (user) => {
        const id = (req.body as { id?: string }).id ?? '';
        const index = this.things.findIndex((t) => `${t.kind}_${t.id}` === id && t.author === user);
        if (index >= 0) this.things.splice(index, 1);
        return { json: {} };
      }),
    );
    s.on('GET', '/api/info', (req) =>
      this.authed(req, () => {
        const ids = (req.query.get('id') ?? '').split(',');
        return { json: this.listing(this.things.filter((t) => ids.includes(`${t.kind}_${t.id}`))) };
      }),
    );
    s.on('GET', '/user/:name/submitted', (req, p) =>
      this.authed(req, () => {
        const limit = Number(req.query.get('limit') ?? 25);
        return { json: this.listing(this.things.filter((t) => t.kind === 't3' && t.author === p.name).reverse().slice(0, limit)) };
      }),
    );
    s.on('GET', '/message/inbox', (req) =>
      this.authed(req, (user) => {
        const before = req.query.get('before');
        const mine = new Set(this.things.filter((t) => t.author === user).map((t) => `${t.kind}_${t.id}`));
        let replies = this.things.filter((t) => t.kind === 't1' && t.author !== user && mine.has(t.parent_id ?? '')).reverse();
        if (before) {
          const index = replies.findIndex((t) => `t1_${t.id}` === before);
          replies = index >= 0 ? replies.slice(0, index) : replies;
        }
        return { json: this.listing(replies.slice(0, Number(req.query.get('limit') ?? 25))) };
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

  grant(user = 'chorusbrand'): { accessToken: string; refreshToken: string } {
    const accessToken = `eyJhbGci.${++this.counter}`;
    const refreshToken = `rt-${this.counter}`;
    this.accessTokens.set(accessToken, { user, expired: false });
    this.refreshTokens.set(refreshToken, { user, revoked: false });
    return { accessToken, refreshToken };
  }

  /** Someone replies to one of the account's things. */
  reply(parentFullname: string, body: string, author = 'curious_fan'): FakeRedditThing {
    return this.store({ kind: 't1', author, subreddit: 'chorus', body, parent_id: parentFullname });
  }

  rateHeaders(): Record<string, string> {
    return { 'x-ratelimit-used': '1', 'x-ratelimit-remaining': '99.0', 'x-ratelimit-reset': '540' };
  }

  /** Reddit blocks requests without a descriptive User-Agent before anything else. */
  private guard(req: FakeRequest, handler: () => FakeReply | Promise<FakeReply>): FakeReply | Promise<FakeReply> {
    const agent = String(req.headers['user-agent'] ?? '');
    if (!agent || GENERIC_AGENTS.test(agent)) return { status: 429, headers: { 'content-type': 'text/html' }, text: '<!doctype html><title>Too Many Requests</title>' };
    return handler();
  }

  private authed(req: FakeRequest, handler: (user: string) => FakeReply): FakeReply | Promise<FakeReply> {
    return this.guard(req, () => {
      const match = /^bearer (.+)$/i.exec(String(req.headers.authorization ?? ''));
      const token = match ? this.accessTokens.get(match[1]!) : undefined;
      if (!token || token.expired) return { status: 401, headers: { ...this.rateHeaders(), 'www-authenticate': 'Bearer realm="reddit", error="invalid_token"' }, json: { message: 'Unauthorized', error: 401 } };
      const reply = handler(token.user);
      return { ...reply, headers: { ...this.rateHeaders(), ...reply.headers } };
    });
  }

  private token(req: FakeRequest): FakeReply {
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''));
    const [clientId, secret] = basic ? Buffer.from(basic[1]!, 'base64').toString().split(':') : [];
    if (!clientId || this.clients.get(decodeURIComponent(clientId)) !== decodeURIComponent(secret ?? '')) {
      return { status: 401, json: { message: 'Unauthorized', error: 401 } };
    }
    const form = req.body as Record<string, string>;
    if (form.grant_type === 'refresh_token') {
      const entry = this.refreshTokens.get(form.refresh_token ?? '');
      if (!entry || entry.revoked) return { status: 400, json: { error: 'invalid_grant' } };
      const accessToken = `eyJhbGci.${++this.counter}`;
      this.accessTokens.set(accessToken, { user: entry.user, expired: false });
      // Reddit's refresh answer carries no refresh_token: the old one keeps working.
      return { json: { access_token: accessToken, token_type: 'bearer', expires_in: 86_400, scope: 'identity submit edit read history privatemessages' } };
    }
    if (form.grant_type === 'authorization_code' && form.code === 'reddit-code') {
      const { accessToken, refreshToken } = this.grant();
      return { json: { access_token: accessToken, token_type: 'bearer', expires_in: 86_400, refresh_token: refreshToken, scope: 'identity submit edit read history privatemessages' } };
    }
    return { status: 400, json: { error: 'invalid_grant' } };
  }

  private store(fields: Omit<FakeRedditThing, 'id' | 'created_utc' | 'score'>): FakeRedditThing {
    const thing: FakeRedditThing = { ...fields, id: (++this.counter * 7919).toString(36), created_utc: Math.floor(this.clock() / 1000), score: 1 };
    this.things.push(thing);
    return thing;
  }

  private permalink(t: FakeRedditThing): string {
    return `/r/${t.subreddit}/comments/${t.id}/`;
  }

  private listing(things: FakeRedditThing[]): unknown {
    return {
      kind: 'Listing',
      data: {
        after: null,
        before: null,
        dist: things.length,
        children: things.map((t) => ({
          kind: t.kind,
          data: {
            id: t.id,
            name: `${t.kind}_${t.id}`,
            author: t.author,
            subreddit: t.subreddit,
            created_utc: t.created_utc,
            score: t.score,
            ups: t.score,
            permalink: this.permalink(t),
            ...(t.kind === 't3'
              ? { title: t.title, selftext: t.selftext ?? '', url: t.url ?? `https://www.reddit.com${this.permalink(t)}`, num_comments: this.things.filter((c) => c.parent_id === `t3_${t.id}`).length, is_self: !t.url }
              : { body: t.body, parent_id: t.parent_id, context: `${this.permalink(t)}?context=3`, was_comment: true }),
          },
        })),
      },
    };
  }

  private submit(req: FakeRequest, user: string): FakeReply {
    const form = req.body as Record<string, string>;
    const errors: [string, string, string][] = [];
    if (form.api_type !== 'json') return { text: '{"jquery": []}', headers: { 'content-type': 'application/json' } };
    if (!form.title) errors.push(['NO_TEXT', 'we need something here', 'title']);
    else if (form.title.length > 300) errors.push(['TOO_LONG', 'this is too long (max: 300)', 'title']);
    if (!this.subreddits.has(form.sr ?? '')) errors.push(['SUBREDDIT_NOEXIST', "that subreddit doesn't exist", 'sr']);
    if (form.kind === 'link' && !/^https?:\/\//.test(form.url ?? '')) errors.push(['BAD_URL', "you should check that url", 'url']);
    if (errors.length) return { json: { json: { errors } } };
    const thing = this.store({ kind: 't3', author: user, subreddit: form.sr!, title: form.title, ...(form.kind === 'link' ? { url: form.url } : { selftext: form.text ?? '' }) });
    return { json: { json: { errors: [], data: { url: `https://www.reddit.com${this.permalink(thing)}`, drafts_count: 0, id: thing.id, name: `t3_${thing.id}` } } } };
  }

  private comment(req: FakeRequest, user: string): FakeReply {
    const form = req.body as Record<string, string>;
    const parent = this.things.find((t) => `${t.kind}_${t.id}` === form.thing_id);
    if (!parent) return { json: { json: { errors: [['DELETED_COMMENT', 'that comment has been deleted', 'parent']] } } };
    if (!form.text) return { json: { json: { errors: [['NO_TEXT', 'we need something here', 'text']] } } };
    const thing = this.store({ kind: 't1', author: user, subreddit: parent.subreddit, body: form.text, parent_id: form.thing_id });
    return { json: { json: { errors: [], data: { things: [{ kind: 't1', data: { id: thing.id, name: `t1_${thing.id}`, body: thing.body, permalink: this.permalink(thing) } }] } } } };
  }
}
