import { z } from 'zod';
import {
  Account,
  AccountById,
  AccountListInput,
  AccountRefreshResult,
  AccountStatus,
  ConnectAppPasswordInput,
  ConnectSandboxInput,
  OAuthFlowStatus,
  OAuthStarted,
  ReconnectResult,
  StartOAuthInput,
} from '../schemas/accounts';
import { Id } from '../schemas/common';
import { route, type EventMap, type RouteMap } from './route';

// Connected social accounts and their credentials (which never leave the engine).
export const accountsRoutes = {
  'accounts.list': route(AccountListInput, z.array(Account), 'Connected accounts, optionally for one brand.'),
  'accounts.connectSandbox': route(ConnectSandboxInput, Account, 'Adds a sandbox account that publishes nowhere, for trying Chorus out.'),
  'accounts.connectAppPassword': route(ConnectAppPasswordInput, Account, 'Connects a Bluesky account with an app password.'),
  'accounts.startOAuth': route(StartOAuthInput, OAuthStarted, 'Starts signing in to a platform in the system browser.'),
  'accounts.oauthStatus': route(z.object({ flowId: Id }).strict(), OAuthFlowStatus, 'Whether a browser sign-in has finished.'),
  'accounts.reconnect': route(AccountById, ReconnectResult, 'Signs in to an account again, e.g. after access was revoked.'),
  'accounts.disconnect': route(AccountById, Account, 'Forgets an account’s tokens (from the keychain) and marks it disconnected.'),
  'accounts.refresh': route(AccountById, AccountRefreshResult, 'Refreshes an account’s access token now.'),
} satisfies RouteMap;

export const accountsEvents = {
  'accounts.changed': z.object({ id: Id, status: AccountStatus }),
  'accounts.oauthFinished': OAuthFlowStatus,
} satisfies EventMap;
