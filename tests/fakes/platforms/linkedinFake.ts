// A fake of LinkedIn's APIs as published on learn.microsoft.com/linkedin: the
// OAuth 2 accessToken endpoint, /v2/userinfo, and the versioned /rest Posts,
// Images and socialActions APIs. /rest calls without `Linkedin-Version` get
// LinkedIn's 400 VERSION_MISSING body; created post URNs come back in
// `x-restli-id`; errors use LinkedIn's {status, serviceErrorCode, code, message}.
import { FakePlatformServer, type FakeReply, type FakeRequest } from './FakePlatformServer';

export interface FakeLinkedInPost {
  id: string;
  author: string;
  commentary: string;
  content?: unknown;
  createdAt: number;
}

interface Token {
  sub: string;
  state: 'live' | 'expired' | 'revoked';
}

const error = (status: number, code: string, message: string, serviceErrorCode = 100): FakeReply => ({ status, json: { status, serviceErrorCode, code, message } });

export class LinkedInFake {
  readonly server = new FakePlatformServer();
  readonly members = new Map([['782bbtaQ', { sub: '782bbtaQ', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' }]]);
  readonly tokens = new Map<string, Token>();
  readonly refreshTokens = new Map<string, { sub: string; revoked: boolean }>();
  readonly posts: FakeLinkedInPost[] = [];
  readonly images = new Map<string, { owner: string; bytes: number }>();
  readonly comments = new Map<string, { id: string; actor: string; text: string; time: number }[]>();
  /** The oldest version the fake still serves; older ones get 426 NONEXISTENT_VERSION. */
  oldestVersion = '202511';
  clock = () => Date.now();
  private counter = 7_000_000_000_000_000_000n;
  private tokenCounter = 0;

  constructor() {
    const s = this.server;
    s.on('POST', '/oauth/v2/accessToken', (req) => this.token(req));
    s.on('GET', '/v2/userinfo', (req) => this.authed(req, false, (sub) => ({ json: this.members.get(sub) })));
    s.on('POST', '/rest/posts', (req) => this.authed(req, true, (sub) => this.createPost(req, sub)));
    s.on('GET', '/rest/posts', (req) =>
      this.authed(req, true, () => {
        if (req.query.get('q') !== 'author' || req.headers['x-restli-method'] !== 'FINDER') return error(400, 'ILLEGAL_ARGUMENT', 'Invalid query parameters passed to request');
        const author = req.query.get('author');
        const count = Number(req.query.get('count') ?? 10);
        const elements = this.posts.filter((p) => p.author === author).reverse().slice(0, count).map((p) => this.view(p));
        return { json: { paging: { start: 0, count, links: [] }, elements } };
      }),
    );
    s.on('DELETE', '/rest/posts/:urn', (req, p) =>
      this.authed(req, true, () => {
        const index = this.posts.findIndex((post) => post.id === p.urn);
        if (index < 0) return error(404, 'NOT_FOUND', `Post ${p.urn} does not exist`);
        this.posts.splice(index, 1);
        return { status: 204 };
      }),
    );
    s.on('POST', '/rest/images', (req) =>
      this.authed(req, true, () => {
        const owner = (req.body as { initializeUploadRequest?: { owner?: string } }).initializeUploadRequest?.owner;
        if (req.query.get('action') !== 'initializeUpload' || !owner) return error(400, 'ILLEGAL_ARGUMENT', 'initializeUploadRequest.owner is required');
        const id = `urn:li:image:C4E${++this.tokenCounter}`;
        this.images.set(id, { owner, bytes: 0 });
        return { json: { value: { uploadUrlExpiresAt: this.clock() + 3_600_000, uploadUrl: `${this.server.baseUrl}/upload/${encodeURIComponent(id)}`, image: id } } };
      }),
    );
    s.on('PUT', '/upload/:image', (req, p) =>
      this.authed(req, false, () => {
        const image = this.images.get(p.image!);
        if (!image) return { status: 404, text: 'Not Found' };
        image.bytes = req.rawBody.length;
        return { status: 201 };
      }),
    );
    s.on('GET', '/rest/socialActions/:urn', (req, p) =>
      this.authed(req, true, () => {
        if (!this.posts.some((post) => post.id === p.urn)) return error(404, 'NOT_FOUND', `Entity ${p.urn} does not exist`);
        const comments = this.comments.get(p.urn!) ?? [];
        return { json: { likesSummary: { totalLikes: 12, likedByCurrentUser: false }, commentsSummary: { aggregatedTotalComments: comments.length, totalFirstLevelComments: comments.length }, target: p.urn } };
      }),
    );
    s.on('GET', '/rest/socialActions/:urn/comments', (req, p) =>
      this.authed(req, true, () => ({
        json: {
          paging: { start: 0, count: 50 },
          elements: (this.comments.get(p.urn!) ?? []).map((c) => ({
            id: c.id,
            actor: c.actor,
            object: p.urn,
            message: { text: c.text, attributes: [] },
            created: { actor: c.actor, time: c.time },
            lastModified: { actor: c.actor, time: c.time },
            commentUrn: `urn:li:comment:(${p.urn},${c.id})`,
          })),
        },
      })),
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

  grant(sub = '782bbtaQ'): { accessToken: string; refreshToken: string } {
    const accessToken = `AQV${++this.tokenCounter}`;
    const refreshToken = `AQX${this.tokenCounter}`;
    this.tokens.set(accessToken, { sub, state: 'live' });
    this.refreshTokens.set(refreshToken, { sub, revoked: false });
    return { accessToken, refreshToken };
  }

  comment(postUrn: string, text: string, actor = 'urn:li:person:someoneElse'): void {
    const list = this.comments.get(postUrn) ?? [];
    list.push({ id: String(++this.tokenCounter), actor, text, time: this.clock() });
    this.comments.set(postUrn, list);
  }

  private async authed(req: FakeRequest, versioned: boolean, handler: (sub: string) => FakeReply | Promise<FakeReply>): Promise<FakeReply> {
    const match = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
    const token = match ? this.tokens.get(match[1]!) : undefined;
    if (!token) return error(401, 'INVALID_ACCESS_TOKEN', 'Invalid access token', 65600);
    if (token.state === 'expired') return error(401, 'EXPIRED_ACCESS_TOKEN', 'The token used in the request has expired', 65601);
    if (token.state === 'revoked') return error(401, 'REVOKED_ACCESS_TOKEN', 'The token used in the request has been revoked by the user', 65602);
    if (versioned) {
      const version = req.headers['linkedin-version'];
      if (typeof version !== 'string') return error(400, 'VERSION_MISSING', 'A version must be present. Please specify a version by adding the LinkedIn-Version header.');
      if (!/^\d{6}$/.test(version) || version < this.oldestVersion) return error(426, 'NONEXISTENT_VERSION', `Requested version ${version} is not active`);
      if (req.headers['x-restli-protocol-version'] !== '2.0.0') return error(400, 'ILLEGAL_ARGUMENT', 'X-Restli-Protocol-Version 2.0.0 is required');
    }
    return handler(token.sub);
  }

  private token(req: FakeRequest): FakeReply {
    const form = req.body as Record<string, string>;
    if (form.client_id !== 'li-client' || form.client_secret !== 'li-secret') {
      return { status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    if (form.grant_type === 'refresh_token') {
      const entry = this.refreshTokens.get(form.refresh_token ?? '');
      if (!entry || entry.revoked) {
        return { status: 400, json: { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked.' } };
      }
      const accessToken = `AQV${++this.tokenCounter}`;
      this.tokens.set(accessToken, { sub: entry.sub, state: 'live' });
      // LinkedIn hands back the same refresh token with its remaining lifetime.
      return { json: { access_token: accessToken, expires_in: 5_184_000, refresh_token: form.refresh_token, refresh_token_expires_in: 31_000_000, scope: 'openid,profile,w_member_social' } };
    }
    if (form.grant_type === 'authorization_code' && form.code === 'li-code') {
      const { accessToken, refreshToken } = this.grant();
      return { json: { access_token: accessToken, expires_in: 5_184_000, refresh_token: refreshToken, refresh_token_expires_in: 31_536_000, scope: 'openid,profile,w_member_social' } };
    }
    return { status: 400, json: { error: 'invalid_request', error_description: 'Unable to retrieve access token: authorization code not found' } };
  }

  private view(p: FakeLinkedInPost): Record<string, unknown> {
    return {
      id: p.id,
      author: p.author,
      commentary: p.commentary,
      visibility: 'PUBLIC',
      lifecycleState: 'PUBLISHED',
      createdAt: p.createdAt,
      lastModifiedAt: p.createdAt,
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      ...(p.content ? { content: p.content } : {}),
    };
  }

  private createPost(req: FakeRequest, sub: string): FakeReply {
    const body = req.body as { author?: string; commentary?: string; visibility?: string; lifecycleState?: string; distribution?: unknown; content?: { media?: { id: string }; multiImage?: { images: { id: string }[] } } };
    if (!body.author || !body.visibility || !body.distribution || !body.lifecycleState) {
      return error(422, 'UNPROCESSABLE_ENTITY', 'ERROR :: /author :: field is required but not found and has no default value');
    }
    if (body.author !== `urn:li:person:${sub}`) return error(403, 'ACCESS_DENIED', `Not enough permissions to access: partnerApiPostsExternal.CREATE.${body.author}`);
    if ((body.commentary ?? '').length > 3000) return error(422, 'UNPROCESSABLE_ENTITY', 'ERROR :: /commentary :: length of commentary exceeds 3000 characters');
    const media = body.content?.media ? [body.content.media] : (body.content?.multiImage?.images ?? []);
    for (const m of media) if (!this.images.get(m.id)?.bytes) return error(422, 'UNPROCESSABLE_ENTITY', `ERROR :: /content/media/id :: ${m.id} has not been uploaded`);
    const post: FakeLinkedInPost = { id: `urn:li:share:${this.counter++}`, author: body.author, commentary: body.commentary ?? '', content: body.content, createdAt: this.clock() };
    this.posts.push(post);
    return { status: 201, headers: { 'x-restli-id': post.id, 'x-linkedin-id': post.id } };
  }
}
