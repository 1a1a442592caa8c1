// A fake Mastodon server following docs.joinmastodon.org: app registration,
// /oauth/token, bearer checks with Mastodon's `{error}` bodies, statuses with
// Idempotency-Key, v2 media with asynchronous processing, notifications with
// since_id/max_id, /api/v2/instance, and X-RateLimit-* headers (reset in ISO 8601).
import { FakePlatformServer, type FakeReply, type FakeRequest } from './FakePlatformServer';

export interface FakeStatus {
  id: string;
  accountId: string;
  text: string;
  in_reply_to_id: string | null;
  media_ids: string[];
  created_at: string;
  favourites_count: number;
}

interface Token {
  accountId: string;
  revoked: boolean;
}

export class MastodonFake {
  readonly server = new FakePlatformServer();
  readonly accounts = new Map([
    ['1', { id: '1', username: 'chorus', acct: 'chorus', display_name: 'Chorus Brand' }],
    ['2', { id: '2', username: 'fan', acct: 'fan@other.example', display_name: 'A Fan' }],
  ]);
  readonly apps = new Map<string, { secret: string; redirectUri: string }>();
  readonly codes = new Map<string, { accountId: string; clientId: string; codeChallengeVerifier: string }>();
  readonly tokens = new Map<string, Token>();
  readonly statuses: FakeStatus[] = [];
  readonly notifications: { id: string; statusId: string; fromId: string }[] = [];
  readonly media = new Map<string, { description: string; processed: boolean; bytes: number }>();
  readonly idempotency = new Map<string, string>();
  maxCharacters = 500;
  /** Uploads answer 202 and need this many status checks before they are processed. */
  mediaProcessingPolls = 1;
  clock = () => Date.now();
  private nextId = 110_000_000_000_000_000n;
  private counter = 0;

  constructor() {
    const s = this.server;
    s.on('POST', '/api/v1/apps', (req) => {
      const body = req.body as { client_name?: string; redirect_uris?: string };
      if (!body.client_name || !body.redirect_uris) return { status: 422, json: { error: "Validation failed: Application name can't be blank, Redirect URI can't be blank" } };
      const clientId = `client-${++this.counter}`;
      this.apps.set(clientId, { secret: `secret-${this.counter}`, redirectUri: body.redirect_uris });
      return { json: { id: String(this.counter), name: body.client_name, redirect_uri: body.redirect_uris, client_id: clientId, client_secret: `secret-${this.counter}`, vapid_key: 'BCk' } };
    });
    s.on('POST', '/oauth/token', (req) => this.token(req));
    s.on('GET', '/api/v2/instance', () => ({
      json: { domain: 'fake.social', title: 'Fake', configuration: { statuses: { max_characters: this.maxCharacters, max_media_attachments: 4, characters_reserved_per_url: 23 } } },
    }));
    s.on('GET', '/api/v1/accounts/verify_credentials', (req) => this.authed(req, (id) => ({ json: this.accounts.get(id) })));
    s.on('POST', '/api/v1/statuses', (req) => this.authed(req, (id) => this.createStatus(req, id)));
    s.on('GET', '/api/v1/statuses/:id', (req, p) =>
      this.authed(req, () => {
        const status = this.statuses.find((x) => x.id === p.id);
        return status ? { json: this.view(status) } : { status: 404, json: { error: 'Record not found' } };
      }),
    );
    s.on('DELETE', '/api/v1/statuses/:id', (req, p) =>
      this.authed(req, (id) => {
        const index = this.statuses.findIndex((x) => x.id === p.id && x.accountId === id);
        if (index < 0) return { status: 404, json: { error: 'Record not found' } };
        const [status] = this.statuses.splice(index, 1);
        return { json: { ...this.view(status!), text: status!.text } };
      }),
    );
    s.on('GET', '/api/v1/accounts/:id/statuses', (req, p) =>
      this.authed(req, () => {
        const limit = Math.min(Number(req.query.get('limit') ?? 20), 40);
        return { json: this.statuses.filter((x) => x.accountId === p.id).reverse().slice(0, limit).map((x) => this.view(x)) };
      }),
    );
    s.on('POST', '/api/v2/media', (req) => this.authed(req, () => this.upload(req)));
    s.on('GET', '/api/v1/media/:id', (req, p) =>
      this.authed(req, () => {
        const media = this.media.get(p.id!);
        if (!media) return { status: 404, json: { error: 'Record not found' } };
        if (!media.processed && this.mediaProcessingPolls-- <= 1) media.processed = true;
        return { status: media.processed ? 200 : 206, json: this.mediaView(p.id!) };
      }),
    );
    s.on('GET', '/api/v1/notifications', (req) => this.authed(req, (id) => this.listNotifications(req, id)));
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

  grant(accountId = '1'): string {
    const token = `token-${++this.counter}`;
    this.tokens.set(token, { accountId, revoked: false });
    return token;
  }

  /** Someone mentions the account: a status and its notification. */
  mention(text: string): FakeStatus {
    const status = this.store({ accountId: '2', text, in_reply_to_id: null, media_ids: [] });
    this.notifications.push({ id: String(this.nextId++), statusId: status.id, fromId: '2' });
    return status;
  }

  rateHeaders(): Record<string, string> {
    const reset = new Date(Math.ceil(this.clock() / 300_000) * 300_000 + 300_000).toISOString();
    return { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '299', 'x-ratelimit-reset': reset };
  }

  private async authed(req: FakeRequest, handler: (accountId: string) => FakeReply | Promise<FakeReply>): Promise<FakeReply> {
    const match = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
    const token = match ? this.tokens.get(match[1]!) : undefined;
    if (!token) return { status: 401, json: { error: 'The access token is invalid' } };
    if (token.revoked) return { status: 401, json: { error: 'The access token was revoked' } };
    const reply = await handler(token.accountId);
    return { ...reply, headers: { ...this.rateHeaders(), ...reply.headers } };
  }

  private token(req: FakeRequest): FakeReply {
    const form = req.body as Record<string, string>;
    const app = this.apps.get(form.client_id ?? '');
    if (!app || app.secret !== form.client_secret) {
      return { status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.' } };
    }
    if (form.grant_type !== 'authorization_code') return { status: 400, json: { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported by the authorization server.' } };
    const code = this.codes.get(form.code ?? '');
    if (!code || code.clientId !== form.client_id || code.codeChallengeVerifier !== form.code_verifier || form.redirect_uri !== app.redirectUri) {
      return {
        status: 400,
        json: { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.' },
      };
    }
    this.codes.delete(form.code!);
    return { json: { access_token: this.grant(code.accountId), token_type: 'Bearer', scope: 'read write', created_at: Math.floor(this.clock() / 1000) } };
  }

  private store(fields: Omit<FakeStatus, 'id' | 'created_at' | 'favourites_count'>): FakeStatus {
    const status: FakeStatus = { ...fields, id: String(this.nextId++), created_at: new Date(this.clock()).toISOString(), favourites_count: 0 };
    this.statuses.push(status);
    return status;
  }

  private view(s: FakeStatus): Record<string, unknown> {
    const account = this.accounts.get(s.accountId)!;
    const escaped = s.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    // Mastodon renders links with invisible spans around the scheme, and paragraphs as <p>.
    const html = escaped
      .split(/\n\n+/)
      .map((p) => `<p>${p.replace(/\n/g, '<br />').replace(/https:\/\/(\S+)/g, '<a href="https://$1" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="">$1</span></a>')}</p>`)
      .join('');
    return {
      id: s.id,
      created_at: s.created_at,
      in_reply_to_id: s.in_reply_to_id,
      visibility: 'public',
      uri: `https://fake.social/users/${account.username}/statuses/${s.id}`,
      url: `https://fake.social/@${account.username}/${s.id}`,
      replies_count: this.statuses.filter((x) => x.in_reply_to_id === s.id).length,
      reblogs_count: 0,
      favourites_count: s.favourites_count,
      content: html,
      account,
      media_attachments: s.media_ids.map((id) => this.mediaView(id)),
    };
  }

  private mediaView(id: string): Record<string, unknown> {
    const media = this.media.get(id)!;
    return { id, type: 'image', url: media.processed ? `https://files.fake.social/${id}.png` : null, description: media.description };
  }

  private createStatus(req: FakeRequest, accountId: string): FakeReply {
    const key = req.headers['idempotency-key'];
    if (typeof key === 'string') {
      const earlier = this.idempotency.get(`${accountId}:${key}`);
      const status = earlier && this.statuses.find((x) => x.id === earlier);
      if (status) return { json: this.view(status) };
    }
    const body = req.body as { status?: string; in_reply_to_id?: string; media_ids?: string[] };
    const text = body.status ?? '';
    if (!text && !body.media_ids?.length) return { status: 422, json: { error: "Validation failed: Text can't be blank" } };
    if ([...text].length > this.maxCharacters) return { status: 422, json: { error: `Validation failed: Text character limit of ${this.maxCharacters} exceeded` } };
    if (body.in_reply_to_id && !this.statuses.some((x) => x.id === body.in_reply_to_id)) return { status: 404, json: { error: 'Record not found' } };
    for (const id of body.media_ids ?? []) {
      if (!this.media.get(id)?.processed) return { status: 422, json: { error: 'Validation failed: Media attachments are still being processed' } };
    }
    const status = this.store({ accountId, text, in_reply_to_id: body.in_reply_to_id ?? null, media_ids: body.media_ids ?? [] });
    if (typeof key === 'string') this.idempotency.set(`${accountId}:${key}`, status.id);
    return { json: this.view(status) };
  }

  private async upload(req: FakeRequest): Promise<FakeReply> {
    const form = await new Request('http://fake/upload', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: new Uint8Array(req.rawBody) }).formData();
    const file = form.get('file');
    if (!(file instanceof Blob) || file.size === 0) return { status: 422, json: { error: 'Validation failed: File content type is invalid, File is invalid' } };
    const id = String(this.nextId++);
    this.media.set(id, { description: String(form.get('description') ?? ''), processed: false, bytes: file.size });
    return { status: 202, json: this.mediaView(id) };
  }

  private listNotifications(req: FakeRequest, accountId: string): FakeReply {
    const types = req.query.getAll('types[]');
    const since = req.query.get('since_id');
    const max = req.query.get('max_id');
    const limit = Math.min(Number(req.query.get('limit') ?? 40), 80);
    const account = this.accounts.get(accountId)!;
    const page = this.notifications
      .filter((n) => n.fromId !== accountId && this.statuses.find((x) => x.id === n.statusId)?.text.includes(`@${account.username}`))
      .filter((n) => !since || BigInt(n.id) > BigInt(since))
      .filter((n) => !max || BigInt(n.id) < BigInt(max))
      .filter(() => types.length === 0 || types.includes('mention'))
      .reverse()
      .slice(0, limit);
    return {
      json: page.map((n) => {
        const status = this.statuses.find((x) => x.id === n.statusId)!;
        return { id: n.id, type: 'mention', created_at: status.created_at, account: this.accounts.get(n.fromId), status: this.view(status) };
      }),
    };
  }
}
