// The OAuth 2 token endpoint, shared by the platforms that use one: the
// authorization-code and refresh-token grants, the answer checked with zod, and
// the two rules users care about most — a refresh never drops the stored
// refresh token, and a revoked grant is told apart from a network blip.
import { z } from 'zod';
import { PublishError, type Credentials } from '../PlatformAdapter';
import { platformFetch, platformMessage } from '../http';
import { parseBody, type HttpAdapterOptions } from './adapterSupport';

export interface TokenEndpoint {
  /** For messages: "X", "LinkedIn"… */
  platform: string;
  url: string;
  /** Confidential clients (and Reddit's installed apps, with an empty secret) send the client id and secret as HTTP Basic auth. */
  basicAuth?: { clientId: string; clientSecret: string };
  headers?: Record<string, string>;
  /** Platform wording for a dead grant beyond the standard `invalid_grant` (e.g. X's "Value passed for the token was invalid."). */
  isRevoked?: (body: unknown) => boolean;
}

/** A token endpoint's success body (RFC 6749 §5.1); expires_in arrives as a number or a numeric string. */
const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/** The authorize URL with its query; values that are undefined are left out. */
export function buildAuthorizeUrl(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

function oauthError(body: unknown): string | undefined {
  if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') return (body as { error: string }).error;
  return undefined;
}

/**
 * POSTs a grant to the token endpoint and turns the answer into Credentials.
 * `previous` is carried over where the platform is silent: the refresh token,
 * the scope, and the platform-specific extras.
 */
export async function requestToken(
  endpoint: TokenEndpoint,
  params: Record<string, string | undefined>,
  previous: Credentials | undefined,
  options: HttpAdapterOptions,
): Promise<Credentials> {
  const now = options.now ?? Date.now;
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) form.set(key, value);
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', ...endpoint.headers };
  if (endpoint.basicAuth) {
    const { clientId, clientSecret } = endpoint.basicAuth;
    headers.Authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
  }
  const isRefresh = params.grant_type === 'refresh_token';
  const response = await platformFetch(
    endpoint.platform,
    {
      method: 'POST',
      url: endpoint.url,
      headers,
      body: form.toString(),
      timeoutMs: options.timeoutMs,
      classify: (status, body) => {
        if (status >= 500 || status === 429) return null;
        const code = oauthError(body);
        const revoked = code === 'invalid_grant' || (endpoint.isRevoked?.(body) ?? false);
        if (!revoked && code === undefined) return null;
        const message = platformMessage(body, `${endpoint.platform} refused the ${params.grant_type} grant (HTTP ${status}).`);
        return new PublishError('auth', revoked && isRefresh ? `${endpoint.platform} refused the refresh token: ${message}` : message, {
          status,
          platformCode: code,
          revoked: revoked && isRefresh ? true : undefined,
        });
      },
    },
    options,
  );
  const token = parseBody(TokenResponse, response.data, endpoint.platform, 'the token request');
  return {
    ...previous,
    accessToken: token.access_token,
    // Platforms that rotate refresh tokens send a new one; the others send none and the stored one stays valid.
    refreshToken: token.refresh_token ?? previous?.refreshToken,
    expiresAt: token.expires_in !== undefined ? new Date(now() + token.expires_in * 1000).toISOString() : undefined,
    scope: token.scope ?? previous?.scope,
    extra: { ...previous?.extra },
  };
}

/** The refresh-token grant; an account that never got a refresh token must reconnect. */
export async function refreshWithToken(
  endpoint: TokenEndpoint,
  credentials: Credentials,
  params: Record<string, string | undefined>,
  options: HttpAdapterOptions,
): Promise<Credentials> {
  if (!credentials.refreshToken) {
    throw new PublishError('auth', `${endpoint.platform} did not give this account a refresh token; reconnect it to continue.`);
  }
  return requestToken(endpoint, { grant_type: 'refresh_token', refresh_token: credentials.refreshToken, ...params }, credentials, options);
}
