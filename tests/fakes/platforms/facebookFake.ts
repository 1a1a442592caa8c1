// A fake of Meta's Graph API for Facebook Pages (developers.facebook.com):
// versioned paths (/v21.0/...), Facebook Login's /oauth/access_token (code and
// fb_exchange_token), /me/accounts, /{page-id}/feed, /photos, /videos,
// /published_posts with comments, post fields with reaction/comment summaries,
// DELETE /{post-id}, Meta's error bodies {error:{message,type,code,error_subcode,fbtrace_id}}
// and the X-App-Usage / X-Page-Usage headers.
import { FakePlatformServer, type FakeReply, type FakeRequest } from './FakePlatformServer';

export interface FakePagePost {
  id: string;
  pageId: string;
  message: string;
  link?: string;
  photoIds: string[];
  created_time: string;
  published: boolean;
}

export const PAGE_ID = '104680235215411';

export function metaError(status: number, code: number, message: string, type = 'OAuthException', subcode?: number): FakeReply {
  return { status, json: { error: { message, type, code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: 'AbCdEf123' } } };
}

export class FacebookFake {
  readonly server = new FakePlatformServer();
  readonly version = 'v21.0';
  /** token → whose it is; `expired` answers 190/463, `revoked` 190/460. */
  readonly tokens = new Map<string, { kind: 'user' | 'page'; id: string; state: 'live' | 'expired' | 'revoked' }>();
  readonly posts: FakePagePost[] = [];
  readonly photos = new Map<string, { pageId: string; url?: string; bytes?: number; published: boolean }>();
  readonly videos = new Map<string, { pageId: string; fileUrl?: string; description: string }>();
  readonly comments: { id: string; postId: string; from: { id: string; name: string }; message: string; created_time: string }[] = [];
  clock = () => Date.now();
  private counter = 1000;

  constructor() {
    const s = this.server;
    const v = `/${this.version}`;
    s.on('GET', `${v}/oauth/access_token`, (req) => this.token(req));
    s.on('GET', `${v}/me`, (req) => this.authed(req, (t) => ({ json: { id: t.id, name: t.kind === 'page' ? 'Chorus Coffee' : 'Ada Lovelace' } })));
    s.on('GET', `${v}/me/accounts`, (req) =>
      this.authed(req, (t) => {
        if (t.kind !== 'user') return metaError(400, 100, '(#100) Tried accessing nonexisting field (accounts) on node type (Page)', 'OAuthException');
        const pageToken = this.grant('page', PAGE_ID);
        return { json: { data: [{ id: PAGE_ID, name: 'Chorus Coffee', access_token: pageToken, category: 'Coffee Shop', instagram_business_account: { id: '17841405822304914', username: 'choruscoffee' } }], paging: {} } };
      }),
    );
    s.on('GET', `${v}/:node/published_posts`, (req, p) => this.authed(req, () => ({ json: { data: this.posts.filter((x) => x.pageId === p.node && x.published).reverse().slice(0, Number(req.query.get('limit') ?? 25)).map((x) => this.view(x, true)) } })));
    s.on('POST', `${v}/:node/feed`, (req, p) => this.authed(req, (t) => this.pageOnly(t, p.node!, () => this.feed(req, p.node!))));
    s.on('POST', `${v}/:node/photos`, (req, p) => this.authed(req, (t) => this.pageOnly(t, p.node!, () => this.photo(req, p.node!))));
    s.on('POST', `${v}/:node/videos`, (req, p) => this.authed(req, (t) => this.pageOnly(t, p.node!, () => this.video(req, p.node!))));
    s.on('GET', `${v}/:node`, (req, p) =>
      this.authed(req, () => {
        if (p.node === PAGE_ID) return { json: { id: PAGE_ID, name: 'Chorus Coffee', username: 'choruscoffee' } };
        const post = this.posts.find((x) => x.id === p.node);
        if (!post) return metaError(400, 100, `Unsupported get request. Object with ID '${p.node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'GraphMethodException', 33);
        return { json: this.view(post, false) };
      }),
    );
    s.on('DELETE', `${v}/:node`, (req, p) =>
      this.authed(req, () => {
        const index = this.posts.findIndex((x) => x.id === p.node);
        if (index < 0) return metaError(400, 100, `Unsupported delete request. Object with ID '${p.node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 'GraphMethodException', 33);
        this.posts.splice(index, 1);
        return { json: { success: true } };
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

  grant(kind: 'user' | 'page' = 'page', id = PAGE_ID): string {
    const token = `EAAG${kind}${++this.counter}`;
    this.tokens.set(token, { kind, id, state: 'live' });
    return token;
  }

  comment(postId: string, message: string, from = { id: '555', name: 'Grace Hopper' }): void {
    this.comments.push({ id: `${postId}_${++this.counter}`, postId, from, message, created_time: this.graphTime() });
  }

  usageHeaders(): Record<string, string> {
    return { 'x-app-usage': JSON.stringify({ call_count: 3, total_cputime: 1, total_time: 2 }), 'x-page-usage': JSON.stringify({ call_count: 1, total_cputime: 1, total_time: 1 }) };
  }

  private graphTime(): string {
    return new Date(this.clock()).toISOString().replace(/\.\d{3}Z$/, '+0000');
  }

  private async authed(req: FakeRequest, handler: (token: { kind: 'user' | 'page'; id: string }) => FakeReply | Promise<FakeReply>): Promise<FakeReply> {
    const match = /^(?:Bearer|OAuth) (.+)$/.exec(String(req.headers.authorization ?? '')) ?? (req.query.get('access_token') ? [null, req.query.get('access_token')] : null);
    const token = match ? this.tokens.get(String(match[1])) : undefined;
    if (!token) return metaError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (token.state === 'expired') return metaError(400, 190, 'Error validating access token: Session has expired on Tuesday, 24-Nov-26 11:00:00 PST. The current time is Tuesday, 24-Nov-26 12:00:00 PST.', 'OAuthException', 463);
    if (token.state === 'revoked') return metaError(400, 190, 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.', 'OAuthException', 460);
    const reply = await handler(token);
    return { ...reply, headers: { ...this.usageHeaders(), ...reply.headers } };
  }

  private pageOnly(token: { kind: string; id: string }, node: string, handler: () => FakeReply | Promise<FakeReply>): FakeReply | Promise<FakeReply> {
    if (token.kind !== 'page' || token.id !== node) return metaError(403, 200, '(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission', 'OAuthException');
    return handler();
  }

  private token(req: FakeRequest): FakeReply {
    const q = req.query;
    if (q.get('client_id') !== 'fb-app' || q.get('client_secret') !== 'fb-secret') return metaError(400, 101, 'Error validating application. Invalid application ID.');
    if (q.get('grant_type') === 'fb_exchange_token') {
      const old = this.tokens.get(q.get('fb_exchange_token') ?? '');
      if (!old || old.state !== 'live') return metaError(400, 190, 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.', 'OAuthException', 460);
      return { json: { access_token: this.grant('user', old.id), token_type: 'bearer', expires_in: 5_183_944 } };
    }
    if (q.get('code') !== 'fb-code') return metaError(400, 100, 'This authorization code has been used.', 'OAuthException', 36009);
    return { json: { access_token: this.grant('user', '10223344'), token_type: 'bearer', expires_in: 5_400 } };
  }

  private view(post: FakePagePost, withComments: boolean): Record<string, unknown> {
    const comments = this.comments.filter((c) => c.postId === post.id);
    return {
      id: post.id,
      message: post.message,
      created_time: post.created_time,
      permalink_url: `https://www.facebook.com/${post.pageId}/posts/${post.id.split('_')[1]}`,
      reactions: { data: [], summary: { total_count: 4, viewer_reaction: 'NONE' } },
      ...(withComments
        ? { comments: { data: [...comments].reverse().map((c) => ({ id: c.id, message: c.message, created_time: c.created_time, from: c.from })) } }
        : { comments: { data: [], summary: { order: 'ranked', total_count: comments.length, can_comment: true } }, shares: { count: 2 } }),
    };
  }

  private store(pageId: string, message: string, photoIds: string[], published = true): FakePagePost {
    const post: FakePagePost = { id: `${pageId}_${++this.counter}`, pageId, message, photoIds, created_time: this.graphTime(), published };
    this.posts.push(post);
    return post;
  }

  private async fields(req: FakeRequest): Promise<{ fields: Record<string, unknown>; file?: Blob }> {
    const type = String(req.headers['content-type'] ?? '');
    if (type.startsWith('multipart/form-data')) {
      const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(req.rawBody) }).formData();
      const fields: Record<string, unknown> = {};
      let file: Blob | undefined;
      for (const [key, value] of form) {
        if (value instanceof Blob) file = value;
        else fields[key] = value;
      }
      return { fields, file };
    }
    return { fields: (req.body ?? {}) as Record<string, unknown> };
  }

  private async feed(req: FakeRequest, pageId: string): Promise<FakeReply> {
    const { fields } = await this.fields(req);
    const message = typeof fields.message === 'string' ? fields.message : '';
    const attached = Array.isArray(fields.attached_media) ? (fields.attached_media as { media_fbid: string }[]) : [];
    if (!message && !fields.link && !attached.length) return metaError(400, 100, '(#100) Missing message or attachment', 'OAuthException');
    if (message.length > 63_206) return metaError(400, 100, '(#100) The message is too long.', 'OAuthException');
    for (const a of attached) if (!this.photos.has(a.media_fbid)) return metaError(400, 100, `(#100) Invalid attached_media: ${a.media_fbid}`, 'OAuthException');
    const recent = this.posts.find((p) => p.pageId === pageId && p.message === message && message);
    if (recent) return metaError(400, 506, 'Duplicate status message', 'OAuthException');
    const post = this.store(pageId, message, attached.map((a) => a.media_fbid));
    return { json: { id: post.id } };
  }

  private async photo(req: FakeRequest, pageId: string): Promise<FakeReply> {
    const { fields, file } = await this.fields(req);
    if (!fields.url && !file) return metaError(400, 324, '(#324) Requires upload file', 'OAuthException');
    if (typeof fields.url === 'string' && !fields.url.startsWith('https://')) return metaError(400, 100, '(#100) url should represent a valid URL', 'OAuthException');
    const id = String(++this.counter);
    const published = fields.published !== 'false' && fields.published !== false;
    this.photos.set(id, { pageId, url: fields.url as string | undefined, bytes: file?.size, published });
    if (!published) return { json: { id } };
    const post = this.store(pageId, String(fields.message ?? ''), [id]);
    return { json: { id, post_id: post.id } };
  }

  private async video(req: FakeRequest, pageId: string): Promise<FakeReply> {
    const { fields, file } = await this.fields(req);
    if (!fields.file_url && !file) return metaError(400, 100, '(#100) No file uploaded', 'OAuthException');
    const id = String(++this.counter);
    this.videos.set(id, { pageId, fileUrl: fields.file_url as string | undefined, description: String(fields.description ?? '') });
    return { json: { id } };
  }
}
