// An OAuth 2 authorization server for tests, following RFC 6749 and RFC 7636:
// GET /authorize answers with a redirect to the client's redirect_uri carrying
// `code` and `state` (or `error=access_denied`), POST /token checks the code,
// the redirect URI, the client and the PKCE verifier against the challenge,
// and issues and refreshes tokens; refresh tokens can be revoked. Also plays a
// Mastodon server's app registration (POST /api/v1/apps) and a `me` endpoint.
// Built on FakePlatformServer, so faults (503s, timeouts) can be injected.
import { createHash, randomBytes } from 'node:crypto';
import { PublishError, type AccountIdentity, type Credentials, type PlatformAdapter } from '../../src/main/engine/platforms/PlatformAdapter';
import { buildAuthorizeUrl, refreshWithToken, requestToken, type TokenEndpoint } from '../../src/main/engine/platforms/adapters/oauth2';
import type { Platform } from '../../src/shared/platforms';
import { FakePlatformServer, type FakeReply } from './platforms/FakePlatformServer';

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  method: string;
  scope: string;
  used: boolean;
}

export interface FakeUser {
  id: string;
  username: string;
  name: string;
}

const token = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;
const s256 = (verifier: string) => createHash('sha256').update(verifier, 'ascii').digest('base64url');

export class FakeOAuthServer {
  readonly http = new FakePlatformServer();
  /** Client ids the server knows, with their secret (or null for public clients). */
  readonly clients = new Map<string, string | null>([['chorus-test-client', null]]);
  readonly codes = new Map<string, IssuedCode>();
  /** Live access tokens → the user they belong to. */
  readonly accessTokens = new Map<string, FakeUser>();
  readonly refreshTokens = new Map<string, { user: FakeUser; clientId: string; revoked: boolean }>();
  /** Every code_verifier the token endpoint accepted. */
  readonly verifiedPkce: string[] = [];
  /** Every registered Mastodon app's redirect_uris. */
  readonly registeredRedirects: string[] = [];
  /** What the next /authorize does: grant, refuse (access_denied), or answer with a forged state. */
  nextDecision: 'grant' | 'deny' | 'forge-state' = 'grant';
  user: FakeUser = { id: '1001', username: 'northwind', name: 'Northwind Coffee' };
  /** Seconds until an access token expires. */
  expiresIn = 7200;
  rotateRefreshTokens = true;

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  get tokenRequests(): number {
    return this.http.requests.filter((r) => r.method === 'POST' && r.path === '/token').length;
  }

  get refreshRequests(): number {
    return this.http.requests.filter((r) => r.path === '/token' && (r.body as Record<string, string>).grant_type === 'refresh_token').length;
  }

  async start(): Promise<this> {
    this.http
      .on('GET', '/authorize', (req) => this.authorize(req.query))
      .on('POST', '/token', (req) => this.token(req.body as Record<string, string>, req.headers.authorization))
      .on('GET', '/me', (req) => {
        const user = this.accessTokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
        return user ? { json: user } : { status: 401, json: { error: 'invalid_token', error_description: 'The access token is not valid.' } };
      })
      .on('POST', '/api/v1/apps', (req) => {
        const body = req.body as Record<string, string>;
        const clientId = token('app');
        const clientSecret = token('appsecret');
        this.clients.set(clientId, clientSecret);
        this.registeredRedirects.push(body.redirect_uris ?? '');
        return { json: { id: '1', name: body.client_name, redirect_uri: body.redirect_uris, client_id: clientId, client_secret: clientSecret } };
      });
    await this.http.start();
    return this;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** The grant is revoked on the server side (the person removed the app). */
  revokeAll(): void {
    for (const entry of this.refreshTokens.values()) entry.revoked = true;
    this.accessTokens.clear();
  }

  private authorize(query: URLSearchParams): FakeReply {
    const redirectUri = query.get('redirect_uri') ?? '';
    const clientId = query.get('client_id') ?? '';
    // RFC 6749 §4.1.2.1: a bad client or redirect URI is shown to the person, never redirected to.
    if (!this.clients.has(clientId)) return { status: 400, text: 'unknown client_id' };
    if (!/^http:\/\/127\.0\.0\.1:\d+\/callback$/.test(redirectUri)) return { status: 400, text: 'redirect_uri must be a loopback URI' };
    const back = new URL(redirectUri);
    const state = query.get('state') ?? '';
    if (query.get('response_type') !== 'code' || query.get('code_challenge_method') !== 'S256' || !query.get('code_challenge')) {
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set('error_description', 'PKCE with S256 is required.');
    } else if (this.nextDecision === 'deny') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user denied the request');
    } else {
      const code = token('code');
      this.codes.set(code, { clientId, redirectUri, challenge: query.get('code_challenge')!, method: 'S256', scope: query.get('scope') ?? '', used: false });
      back.searchParams.set('code', code);
    }
    back.searchParams.set('state', this.nextDecision === 'forge-state' ? 'forged-state' : state);
    this.nextDecision = 'grant';
    return { status: 302, headers: { location: back.toString() }, text: '' };
  }

  private clientOf(body: Record<string, string>, authorization: string | undefined): { id: string; ok: boolean } {
    if (authorization?.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(authorization.slice(6), 'base64').toString().split(':').map(decodeURIComponent);
      return { id: id!, ok: this.clients.has(id!) && this.clients.get(id!) === secret };
    }
    const id = body.client_id ?? '';
    const secret = this.clients.get(id);
    return { id, ok: this.clients.has(id) && (secret === null || secret === body.client_secret) };
  }

  private issue(user: FakeUser, clientId: string, previousRefresh?: string): FakeReply {
    const access = token('access');
    this.accessTokens.set(access, user);
    let refresh = previousRefresh;
    if (!refresh || this.rotateRefreshTokens) {
      if (previousRefresh) this.refreshTokens.delete(previousRefresh);
      refresh = token('refresh');
      this.refreshTokens.set(refresh, { user, clientId, revoked: false });
    }
    return { json: { access_token: access, token_type: 'bearer', expires_in: this.expiresIn, refresh_token: refresh, scope: 'read write' } };
  }

  private token(body: Record<string, string>, authorization: string | undefined): FakeReply {
    const invalidGrant = (description: string): FakeReply => ({ status: 400, json: { error: 'invalid_grant', error_description: description } });
    const client = this.clientOf(body, authorization);
    if (!client.ok) return { status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed.' } };
    if (body.grant_type === 'authorization_code') {
      const issued = this.codes.get(body.code ?? '');
      if (!issued || issued.used) return invalidGrant('The authorization code is invalid or was already used.');
      issued.used = true;
      if (issued.clientId !== client.id) return invalidGrant('The code was issued to another client.');
      if (issued.redirectUri !== body.redirect_uri) return invalidGrant('redirect_uri does not match the authorization request.');
      // RFC 7636 §4.6.
      if (!body.code_verifier || s256(body.code_verifier) !== issued.challenge) return invalidGrant('PKCE verification failed.');
      this.verifiedPkce.push(body.code_verifier);
      return this.issue(this.user, client.id);
    }
    if (body.grant_type === 'refresh_token') {
      const entry = this.refreshTokens.get(body.refresh_token ?? '');
      if (!entry || entry.revoked) return invalidGrant('Token has been revoked.');
      return this.issue(entry.user, entry.clientId, body.refresh_token);
    }
    return { status: 400, json: { error: 'unsupported_grant_type' } };
  }
}

/** Follows an authorize URL the way a browser would (the injected `openExternal`), returning the final page. */
export async function followInBrowser(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { redirect: 'follow' });
  return { status: response.status, body: await response.text() };
}

/**
 * An adapter that speaks to a FakeOAuthServer with the real OAuth 2 token code
 * (adapters/oauth2.ts). Publishing is not what it is for: those methods refuse.
 */
export function fakeOAuthAdapter(server: FakeOAuthServer, options: { platform?: Platform; clientId?: string; clientSecret?: string | null; now?: () => number } = {}): PlatformAdapter {
  const platform = options.platform ?? 'x';
  const endpoint = (clientId: string, clientSecret?: string | null): TokenEndpoint => ({
    platform: 'FakeOAuth',
    url: `${server.baseUrl}/token`,
    basicAuth: clientSecret ? { clientId, clientSecret } : undefined,
  });
  const me = async (credentials: Credentials): Promise<AccountIdentity> => {
    const response = await fetch(`${server.baseUrl}/me`, { headers: { Authorization: `Bearer ${credentials.accessToken}` } });
    if (response.status === 401) throw new PublishError('auth', 'The access token is not valid.', { status: 401 });
    const user = (await response.json()) as FakeUser;
    return { platformUserId: user.id, handle: `@${user.username}`, displayName: user.name };
  };
  const refuse = async (): Promise<never> => {
    throw new PublishError('unavailable', 'The fake OAuth adapter only signs in.');
  };
  return {
    platform,
    connection: platform === 'mastodon' ? 'mastodon-app' : 'oauth2-pkce',
    authorizeUrl: (start) =>
      buildAuthorizeUrl(`${server.baseUrl}/authorize`, {
        response_type: 'code',
        client_id: start.clientId,
        redirect_uri: start.redirectUri,
        scope: start.scopes.join(' '),
        state: start.state,
        code_challenge: start.codeChallenge,
        code_challenge_method: 'S256',
      }),
    exchangeCode: async (input) => {
      const credentials = await requestToken(
        endpoint(input.clientId, input.clientSecret),
        { grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri, code_verifier: input.codeVerifier, client_id: input.clientId },
        undefined,
        { now: options.now },
      );
      return { ...credentials, extra: { clientId: input.clientId, ...(input.clientSecret ? { clientSecret: input.clientSecret } : {}) } };
    },
    refresh: (credentials) => {
      const clientId = credentials.extra?.clientId ?? options.clientId ?? 'chorus-test-client';
      return refreshWithToken(endpoint(clientId, credentials.extra?.clientSecret), credentials, { client_id: clientId }, { now: options.now });
    },
    me,
    publish: refuse,
    findExisting: refuse,
    delete: refuse,
    metrics: refuse,
    mentions: refuse,
  };
}
