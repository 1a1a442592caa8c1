// Accounts: connecting (sandbox, Bluesky app passwords, OAuth 2 + PKCE through
// the system browser, Mastodon per-instance apps), reconnecting, disconnecting
// and refreshing. Tokens go to the keychain only; rows hold who the account is.
import { randomUUID } from 'node:crypto';
import {
  ChorusError,
  type Account,
  type AccountConnection,
  type HandlersFor,
  type OAuthFlowStatus,
} from '../../../shared/contract';
import { PLATFORM_LABELS, type Platform } from '../../../shared/platforms';
import type { EngineContext, EngineModule } from '../EngineContext';
import { PublishError, type AccountIdentity, type Credentials, type PlatformAdapter } from '../platforms/PlatformAdapter';
import { AccountCredentials } from './AccountCredentials';
import { canSignInWithAppPassword, clientIdKey, clientSecretKey, type AdapterLookup } from './adapterLookup';
import { instanceOrigin, registerMastodonApp } from './mastodonApp';
import { createPkce, randomState, startLoopback, type LoopbackSession } from './oauthLoopback';
import { scopesFor } from './oauthScopes';
import { openInSystemBrowser } from './systemBrowser';

type AccountsRoutes =
  | 'accounts.list'
  | 'accounts.connectSandbox'
  | 'accounts.connectAppPassword'
  | 'accounts.startOAuth'
  | 'accounts.oauthStatus'
  | 'accounts.reconnect'
  | 'accounts.disconnect'
  | 'accounts.refresh';

export interface AccountsModuleOptions {
  /** The platform adapters; tests pass fakes. */
  adapterFor: AdapterLookup;
  /**
   * Opens a sign-in page in the system browser: the Electron host passes
   * shell.openExternal; without one the link is logged and xdg-open/open/start tried.
   */
  openExternal?: (url: string) => Promise<void> | void;
  now?: () => number;
  /** How long a browser sign-in may take (5 minutes). */
  signInTimeoutMs?: number;
  refreshAheadMs?: number;
  /** For registering Chorus on Mastodon servers. */
  fetch?: typeof fetch;
}

export interface AccountsModule extends EngineModule {
  /** Fresh credentials for the publisher (CredentialProvider). */
  readonly credentials: AccountCredentials;
}

interface Flow {
  status: OAuthFlowStatus;
  loopback: LoopbackSession;
  accountId: string | null;
  finishedAt: number | null;
}

const FINISHED_FLOW_TTL_MS = 30 * 60_000;

function flowError(error: unknown): { code: string; message: string } {
  if (error instanceof ChorusError) return { code: error.code, message: error.message };
  if (error instanceof PublishError) return { code: 'auth_failed', message: error.message };
  return { code: 'internal', message: 'Connecting the account failed unexpectedly; details are in the log.' };
}

export function accountsModule(ctx: EngineContext, options: AccountsModuleOptions): AccountsModule {
  const now = options.now ?? Date.now;
  const flows = new Map<string, Flow>();
  const changed = (account: Account) => ctx.emit('accounts.changed', { id: account.id, status: account.status });
  const credentials = new AccountCredentials({
    secrets: ctx.secrets,
    accounts: ctx.repos.accounts,
    adapterFor: options.adapterFor,
    onChange: changed,
    log: (message, error) => ctx.log(message, error),
    now,
    refreshAheadMs: options.refreshAheadMs,
  });
  const openExternal = options.openExternal ?? ((url: string) => openInSystemBrowser(url, (line) => ctx.log(line)));

  function adapterOrFail(platform: Platform, context: Parameters<AdapterLookup>[1]): PlatformAdapter {
    const adapter = options.adapterFor(platform, context);
    if (!adapter) throw new ChorusError('unavailable', `This build of Chorus cannot connect ${PLATFORM_LABELS[platform]} accounts yet.`);
    return adapter;
  }

  /** Mastodon handles are only unique per server: keep the server in the handle. */
  function qualifiedHandle(platform: Platform, identity: AccountIdentity, instanceUrl: string | null): string {
    const handle = identity.handle.replace(/^@/, '');
    if (platform === 'mastodon' && instanceUrl && !handle.includes('@')) return `${handle}@${new URL(instanceUrl).host}`;
    return handle;
  }

  /** Stores the tokens, then creates or updates the row for that identity. */
  async function saveConnection(input: {
    brandId: string;
    platform: Platform;
    connection: AccountConnection;
    identity: AccountIdentity;
    instanceUrl: string | null;
    credentials: Credentials;
    reconnectId?: string;
  }): Promise<Account> {
    const label = PLATFORM_LABELS[input.platform];
    const handle = qualifiedHandle(input.platform, input.identity, input.instanceUrl);
    const fields = {
      connection: input.connection,
      handle,
      displayName: input.identity.displayName,
      platformUserId: input.identity.platformUserId,
      instanceUrl: input.instanceUrl,
      tokenExpiresAt: input.credentials.expiresAt ?? null,
    };
    const existing = input.reconnectId
      ? await ctx.repos.accounts.get(input.reconnectId)
      : await ctx.repos.accounts.findIdentity({ brandId: input.brandId, platform: input.platform, ...fields });
    if (input.reconnectId && existing?.platformUserId && existing.platformUserId !== input.identity.platformUserId) {
      throw new ChorusError(
        'conflict',
        `You signed in to ${label} as ${handle}, but this account is ${existing.handle}. Sign in as ${existing.handle} to reconnect it, or connect ${handle} as another account.`,
      );
    }
    let account: Account;
    if (existing) {
      await credentials.save(existing.id, input.credentials);
      account = await ctx.repos.accounts.reconnected(existing.id, fields);
    } else {
      const id = randomUUID();
      await credentials.save(id, input.credentials);
      try {
        account = await ctx.repos.accounts.create({ id, brandId: input.brandId, platform: input.platform, ...fields });
      } catch (error) {
        await credentials.forget(id).catch((e: unknown) => ctx.log('Could not remove credentials of an account that was not created', e));
        throw error;
      }
    }
    changed(account);
    return account;
  }

  async function beginOAuth(target: {
    brandId: string;
    platform: Platform;
    instanceUrl: string | null;
    reconnectId?: string;
  }): Promise<{ flowId: string; authorizeUrl: string }> {
    const { platform } = target;
    const label = PLATFORM_LABELS[platform];
    await ctx.repos.brands.get(target.brandId);
    const instanceUrl = platform === 'mastodon' && target.instanceUrl ? instanceOrigin(target.instanceUrl) : null;
    if (platform === 'mastodon' && !instanceUrl) {
      throw new ChorusError('invalid_input', 'Enter your Mastodon server, e.g. https://mastodon.social.', [
        { path: ['instanceUrl'], message: 'Enter your Mastodon server, e.g. https://mastodon.social.' },
      ]);
    }

    let clientId: string | null = null;
    let clientSecret: string | null = null;
    if (platform !== 'mastodon') {
      clientId = await ctx.secrets.get(clientIdKey(platform));
      clientSecret = await ctx.secrets.get(clientSecretKey(platform));
      if (!clientId) {
        throw new ChorusError(
          'missing_client_credentials',
          `Connecting ${label} needs Chorus's ${label} app: register one in ${label}'s developer portal with the redirect URI http://127.0.0.1/callback, then set its client id (secret ${clientIdKey(platform)}) and, if it has one, its client secret (${clientSecretKey(platform)}) in Settings.`,
        );
      }
    }
    let adapter = adapterOrFail(platform, { instanceUrl, clientId, clientSecret });
    if (adapter.connection === 'app-password') {
      throw new ChorusError('invalid_input', `${label} accounts connect with an app password, not through the browser.`, [
        { path: ['platform'], message: `Use an app password for ${label}.` },
      ]);
    }
    if (!adapter.authorizeUrl || !adapter.exchangeCode) {
      throw new ChorusError('unavailable', `This build of Chorus cannot sign in to ${label} through the browser yet.`);
    }

    const scopes = scopesFor(platform, adapter);
    const pkce = createPkce();
    const state = randomState();
    const loopback = await startLoopback({ state, timeoutMs: options.signInTimeoutMs, platformLabel: label });
    let authorizeUrl: string;
    try {
      if (platform === 'mastodon') {
        const app = await registerMastodonApp(instanceUrl!, { redirectUri: loopback.redirectUri, scopes }, { fetch: options.fetch, now });
        clientId = app.clientId;
        clientSecret = app.clientSecret;
        adapter = adapterOrFail(platform, { instanceUrl, clientId, clientSecret });
      }
      authorizeUrl = adapter.authorizeUrl!({ clientId: clientId!, redirectUri: loopback.redirectUri, state, codeChallenge: pkce.codeChallenge, scopes });
    } catch (error) {
      loopback.cancel();
      throw error;
    }

    const flowId = randomUUID();
    const flow: Flow = {
      status: { flowId, state: 'waiting', accountId: null, error: null },
      loopback,
      accountId: target.reconnectId ?? null,
      finishedAt: null,
    };
    pruneFlows();
    flows.set(flowId, flow);

    const finish = (status: Partial<OAuthFlowStatus>) => {
      flow.status = { ...flow.status, ...status };
      flow.finishedAt = now();
      ctx.emit('accounts.oauthFinished', flow.status);
    };
    const signedIn = adapter;
    void (async () => {
      try {
        const code = await loopback.code;
        const tokens = await signedIn.exchangeCode!({ code, codeVerifier: pkce.codeVerifier, redirectUri: loopback.redirectUri, clientId: clientId!, clientSecret: clientSecret ?? undefined });
        const stored: Credentials = {
          ...tokens,
          extra: {
            ...tokens.extra,
            ...(platform === 'mastodon' ? { clientId: clientId!, clientSecret: clientSecret!, instanceUrl: instanceUrl! } : {}),
          },
        };
        const identity = await signedIn.me(stored);
        const account = await saveConnection({
          brandId: target.brandId,
          platform,
          connection: platform === 'mastodon' ? 'mastodon-app' : 'oauth2-pkce',
          identity,
          instanceUrl,
          credentials: stored,
          reconnectId: target.reconnectId,
        });
        finish({ state: 'connected', accountId: account.id });
      } catch (error) {
        if (!(error instanceof ChorusError) && !(error instanceof PublishError)) ctx.log(`Connecting a ${label} account failed`, error);
        finish({ state: 'failed', error: flowError(error) });
      }
    })();

    void (async () => {
      try {
        await openExternal(authorizeUrl);
      } catch (error) {
        // The link is returned too, so the UI can show it for copying.
        ctx.log(`Could not open the ${label} sign-in page in a browser`, error);
      }
    })();
    return { flowId, authorizeUrl };
  }

  function pruneFlows(): void {
    for (const [id, flow] of flows) {
      if (flow.finishedAt !== null && now() - flow.finishedAt > FINISHED_FLOW_TTL_MS) flows.delete(id);
    }
  }

  const handlers: HandlersFor<AccountsRoutes> = {
    'accounts.list': ({ brandId }) => ctx.repos.accounts.list(brandId),

    'accounts.connectSandbox': async ({ brandId, platform, handle }) => {
      await ctx.repos.brands.get(brandId);
      const taken = new Set((await ctx.repos.accounts.list(brandId)).filter((a) => a.platform === platform).map((a) => a.handle));
      let chosen = handle;
      if (!chosen) {
        chosen = 'sandbox';
        for (let n = 2; taken.has(chosen); n++) chosen = `sandbox-${n}`;
      }
      // Nothing secret to keep: the sandbox needs no keychain, so it works on any machine.
      const id = randomUUID();
      const account = await ctx.repos.accounts.create({
        id,
        brandId,
        platform,
        connection: 'sandbox',
        handle: chosen,
        displayName: `${PLATFORM_LABELS[platform]} sandbox`,
        platformUserId: `sandbox:${id}`,
      });
      changed(account);
      return account;
    },

    'accounts.connectAppPassword': async ({ brandId, platform, identifier, appPassword, service }) => {
      await ctx.repos.brands.get(brandId);
      const adapter = adapterOrFail(platform, { service: service ?? null });
      if (!canSignInWithAppPassword(adapter)) {
        throw new ChorusError('unavailable', `This build of Chorus cannot sign in to ${PLATFORM_LABELS[platform]} with an app password yet.`);
      }
      let tokens: Credentials;
      let identity: AccountIdentity;
      try {
        tokens = await adapter.login({ identifier, appPassword, service });
        if (service) tokens = { ...tokens, extra: { service, ...tokens.extra } };
        identity = await adapter.me(tokens);
      } catch (error) {
        if (error instanceof PublishError) throw new ChorusError('auth_failed', `Bluesky did not accept the sign-in: ${error.message}`);
        throw error;
      }
      // Only the session is kept: the app password itself is never stored.
      return saveConnection({ brandId, platform, connection: 'app-password', identity, instanceUrl: null, credentials: tokens });
    },

    'accounts.startOAuth': ({ brandId, platform, instanceUrl }) => beginOAuth({ brandId, platform, instanceUrl: instanceUrl ?? null }),

    'accounts.oauthStatus': async ({ flowId }) => {
      const flow = flows.get(flowId);
      if (!flow) throw new ChorusError('not_found', 'No sign-in with that id is known (it may be from before Chorus restarted).');
      return flow.status;
    },

    'accounts.reconnect': async ({ id }) => {
      const account = await ctx.repos.accounts.get(id);
      if (account.connection === 'sandbox') {
        const reconnected = await ctx.repos.accounts.setStatus(id, 'connected', null);
        changed(reconnected);
        return { kind: 'done' as const, account: reconnected };
      }
      if (account.connection === 'app-password') {
        throw new ChorusError('invalid_input', `Reconnect ${account.handle} with a new app password (accounts.connectAppPassword with the same handle).`);
      }
      for (const flow of flows.values()) {
        if (flow.accountId === id && flow.status.state === 'waiting') flow.loopback.cancel('A newer sign-in for this account was started.');
      }
      const started = await beginOAuth({ brandId: account.brandId, platform: account.platform, instanceUrl: account.instanceUrl, reconnectId: id });
      return { kind: 'oauth' as const, ...started };
    },

    'accounts.disconnect': async ({ id }) => {
      const existing = await ctx.repos.accounts.get(id);
      if (existing.connection !== 'sandbox') await credentials.forget(id);
      const account = await ctx.repos.accounts.setStatus(id, 'disconnected', null);
      changed(account);
      return account;
    },

    'accounts.refresh': ({ id }) => credentials.refreshNow(id),
  };

  return {
    name: 'accounts',
    handlers,
    credentials,
    async stop() {
      for (const flow of flows.values()) {
        if (flow.status.state === 'waiting') flow.loopback.cancel('Chorus is shutting down.');
      }
      flows.clear();
    },
  };
}
