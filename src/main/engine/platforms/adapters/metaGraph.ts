// Meta's Graph API, shared by the Facebook Pages and Instagram adapters: the
// versioned base URL, Meta's error codes read into PublishError kinds, the
// usage headers that say when a throttle lifts, and Facebook Login (Meta has no
// refresh tokens: long-lived user tokens are re-exchanged, Page tokens derived
// from them do not expire).
import { z } from 'zod';
import { PublishError, type Credentials, type OAuthStart } from '../PlatformAdapter';
import { classifyStatus, platformFetch, type PlatformRequest } from '../http';
import { parseBody, type HttpAdapterOptions } from './adapterSupport';
import { buildAuthorizeUrl } from './oauth2';

export const GRAPH_VERSION = 'v21.0';
export const GRAPH_HOST = 'https://graph.facebook.com';

const MetaErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
/** Subcodes of 190 that mean the person must log in again (app removed, password changed, expired, session invalid). */
const RECONNECT_SUBCODES = new Set([458, 460, 463, 467]);

/** The longest `estimated_time_to_regain_access` (minutes) in X-Business-Use-Case-Usage / X-Page-Usage / X-App-Usage. */
function regainAccessAt(headers: Headers, now: number): Date {
  let minutes = 0;
  for (const name of ['x-business-use-case-usage', 'x-page-usage', 'x-app-usage', 'x-ad-account-usage']) {
    const raw = headers.get(name);
    if (!raw) continue;
    try {
      const visit = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(visit);
        else if (value && typeof value === 'object') {
          for (const [key, inner] of Object.entries(value)) {
            if (key === 'estimated_time_to_regain_access' && typeof inner === 'number') minutes = Math.max(minutes, inner);
            else visit(inner);
          }
        }
      };
      visit(JSON.parse(raw));
    } catch {
      // A malformed usage header only loses the estimate.
    }
  }
  // Meta's app and page throttles are rolling one-hour windows.
  return new Date(now + (minutes > 0 ? minutes : 60) * 60_000);
}

export function classifyMeta(platform: string) {
  return (status: number, body: unknown, headers: Headers, now: number): PublishError | null => {
    const parsed = MetaErrorBody.safeParse(body);
    if (!parsed.success) return null;
    const e = parsed.data.error;
    const message = e.error_user_msg ? `${e.message} ${e.error_user_msg}` : e.message;
    const details = { status, platformCode: e.code !== undefined ? `${e.code}${e.error_subcode ? `/${e.error_subcode}` : ''}` : undefined };
    const code = e.code ?? -1;
    if (code === 190 || code === 102) {
      return new PublishError('auth', message, { ...details, revoked: RECONNECT_SUBCODES.has(e.error_subcode ?? -1) ? true : undefined });
    }
    if (RATE_LIMIT_CODES.has(code) || (code >= 80_001 && code <= 80_014)) return new PublishError('rate_limited', message, { ...details, retryAt: regainAccessAt(headers, now) });
    if (code === 1 || code === 2 || e.is_transient) return new PublishError('transient', message, details);
    // 10 and 200–299: a permission the app or the person did not grant; 368: temporarily blocked.
    if (code === 10 || (code >= 200 && code <= 299) || code === 368) return new PublishError('unavailable', message, details);
    // 100 invalid parameter, 506 duplicate post, 324/352 bad media, 9004 media URL unreachable…
    if (status < 500) return new PublishError('invalid', message, details);
    const base = classifyStatus(status, body, headers, now, platform);
    return new PublishError(base.kind, message, { ...base.details, ...details });
  };
}

export interface GraphClient {
  get<T>(credentials: Credentials, path: string, schema: z.ZodType<T>, what: string): Promise<T>;
  post<T>(credentials: Credentials, path: string, body: Record<string, unknown> | FormData, schema: z.ZodType<T>, what: string): Promise<T>;
  del(credentials: Credentials, path: string, what: string): Promise<void>;
  version: string;
}

export function createGraphClient(platform: string, options: HttpAdapterOptions): GraphClient {
  const base = `${options.baseUrl ?? GRAPH_HOST}/${GRAPH_VERSION}`;
  const classify = classifyMeta(platform);

  async function send<T>(credentials: Credentials, req: PlatformRequest, schema: z.ZodType<T>, what: string): Promise<T> {
    const response = await platformFetch(
      platform,
      {
        ...req,
        url: `${base}${req.url}`,
        headers: { Authorization: `Bearer ${credentials.accessToken}`, ...req.headers },
        timeoutMs: req.timeoutMs ?? options.timeoutMs,
        classify,
      },
      options,
    );
    return parseBody(schema, response.data, platform, what);
  }

  return {
    version: GRAPH_VERSION,
    get: (credentials, path, schema, what) => send(credentials, { url: path }, schema, what),
    post: (credentials, path, body, schema, what) =>
      send(credentials, body instanceof FormData ? { method: 'POST', url: path, body } : { method: 'POST', url: path, json: body }, schema, what),
    async del(credentials, path, what) {
      const result = await send(credentials, { method: 'DELETE', url: path }, z.object({ success: z.boolean() }), what);
      if (!result.success) throw new PublishError('invalid', `${platform} did not delete ${path.slice(1)}.`);
    },
  };
}

const MetaToken = z.object({ access_token: z.string().min(1), token_type: z.string().optional(), expires_in: z.coerce.number().positive().optional() });

/** Facebook Login, shared by Facebook Pages and Instagram (Graph API with Facebook Login). */
export function createMetaLogin(platform: string, options: HttpAdapterOptions) {
  const now = options.now ?? Date.now;
  const graph = `${options.baseUrl ?? GRAPH_HOST}/${GRAPH_VERSION}`;
  const dialog = options.baseUrl ? `${options.baseUrl}/${GRAPH_VERSION}/dialog/oauth` : `https://www.facebook.com/${GRAPH_VERSION}/dialog/oauth`;
  const client = createGraphClient(platform, options);

  async function tokenCall(params: Record<string, string | undefined>, previous: Credentials | undefined): Promise<Credentials> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
    const response = await platformFetch(platform, { url: `${graph}/oauth/access_token?${query}`, timeoutMs: options.timeoutMs, classify: classifyMeta(platform) }, options);
    const token = parseBody(MetaToken, response.data, platform, 'the token request');
    return {
      ...previous,
      accessToken: token.access_token,
      expiresAt: token.expires_in ? new Date(now() + token.expires_in * 1000).toISOString() : undefined,
      extra: { ...previous?.extra },
    };
  }

  return {
    authorizeUrl(start: OAuthStart): string {
      return buildAuthorizeUrl(dialog, {
        client_id: start.clientId,
        redirect_uri: start.redirectUri,
        state: start.state,
        response_type: 'code',
        scope: start.scopes.join(','),
        code_challenge: start.codeChallenge,
        code_challenge_method: 'S256',
      });
    },

    /** Code → short-lived user token → long-lived (≈60 day) user token. Pick a Page or IG account with pages() next. */
    async exchangeCode(input: { code: string; codeVerifier: string; redirectUri: string; clientId: string; clientSecret?: string }): Promise<Credentials> {
      const extra: Record<string, string> = { clientId: input.clientId, tokenKind: 'user' };
      if (input.clientSecret) extra.clientSecret = input.clientSecret;
      const short = await tokenCall(
        { client_id: input.clientId, client_secret: input.clientSecret, redirect_uri: input.redirectUri, code: input.code, code_verifier: input.codeVerifier },
        { accessToken: '', extra },
      );
      if (!input.clientSecret) return short;
      return tokenCall({ grant_type: 'fb_exchange_token', client_id: input.clientId, client_secret: input.clientSecret, fb_exchange_token: short.accessToken }, short);
    },

    /**
     * Meta issues no refresh tokens. A long-lived user token is exchanged again
     * for a fresh one; a Page token does not expire, so "refresh" confirms it
     * still works and reports a dead one as revoked.
     */
    async refresh(credentials: Credentials): Promise<Credentials> {
      const { clientId, clientSecret, tokenKind } = credentials.extra ?? {};
      if (tokenKind === 'user' && clientId && clientSecret) {
        return tokenCall({ grant_type: 'fb_exchange_token', client_id: clientId, client_secret: clientSecret, fb_exchange_token: credentials.accessToken }, credentials);
      }
      try {
        await client.get(credentials, '/me?fields=id', z.object({ id: z.string() }), 'the token check');
      } catch (error) {
        if (error instanceof PublishError && error.kind === 'auth') throw new PublishError('auth', error.message, { ...error.details, revoked: true });
        throw error;
      }
      return credentials;
    },

    /** The Pages the user manages, each with its Page token and linked Instagram professional account. */
    async pages(credentials: Credentials) {
      const result = await client.get(
        credentials,
        '/me/accounts?fields=id,name,access_token,instagram_business_account{id,username}',
        z.object({
          data: z.array(
            z.object({ id: z.string(), name: z.string(), access_token: z.string(), instagram_business_account: z.object({ id: z.string(), username: z.string().optional() }).optional() }),
          ),
        }),
        'the Pages lookup',
      );
      return result.data;
    },
  };
}
