import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ContractError, Result } from '../../../shared/contract/errors';
import type { Account, AccountConnection, OAuthFlowStatus } from '../../../shared/contract/schemas/accounts';
import type { Brand } from '../../../shared/contract/schemas/brands';
import { PLATFORMS, PLATFORM_LABELS, type Platform } from '../../../shared/platforms';
import { Field } from '../../components/Field';
import { call, subscribe } from '../../lib/api';
import { splitErrors, type FieldErrors } from '../../lib/fieldErrors';
import { useBrandStore } from '../brand/brandStore';
import { useAccountsStore } from './accountsStore';

const CONNECTION_LABELS: Record<AccountConnection, string> = {
  sandbox: 'Sandbox: publishes into a folder on this machine, never to the network',
  'app-password': 'Signed in with an app password',
  'oauth2-pkce': 'Signed in through the browser',
  'mastodon-app': 'Signed in through the browser (Mastodon app)',
};

const POLL_MS = 2000;

/** A browser sign-in in progress. */
interface Flow {
  flowId: string;
  authorizeUrl: string;
  /** What is being connected, for the sentence: "X for Northwind". */
  what: string;
}

/** Settings → Accounts: every brand's social accounts, and ways to connect more. */
export function AccountsSection() {
  const uid = useId();
  const brands = useBrandStore((s) => s.brands);
  const brandsStatus = useBrandStore((s) => s.loadStatus);
  const loadBrands = useBrandStore((s) => s.load);
  const accounts = useAccountsStore((s) => s.accounts);
  const status = useAccountsStore((s) => s.status);
  const error = useAccountsStore((s) => s.error);
  const load = useAccountsStore((s) => s.load);
  const [flow, setFlow] = useState<Flow | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    void loadBrands();
    void load();
    const offAccounts = subscribe('accounts.changed', () => void load());
    const offBrands = subscribe('brands.changed', () => void loadBrands());
    return () => {
      offAccounts();
      offBrands();
    };
  }, [load, loadBrands]);

  function finished(result: OAuthFlowStatus) {
    setFlow(null);
    void load();
    setNotice(result.state === 'connected' ? 'Signed in: the account is connected.' : `Signing in did not finish: ${result.error?.message ?? 'no reason given'}`);
  }

  return (
    <section className="card" aria-labelledby={`${uid}-title`} data-testid="accounts-section">
      <h2 id={`${uid}-title`}>Accounts</h2>
      <p className="muted">
        The social accounts each brand publishes from. Their tokens stay in the operating system’s keychain; this page never sees them.
      </p>
      <p className="status-line" role="status" data-testid="accounts-notice">
        {notice ?? ''}
      </p>

      {status === 'failed' ? (
        <div className="callout callout--error" role="alert">
          <p>The accounts could not be loaded: {error}</p>
          <button type="button" className="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      ) : status !== 'ready' || brandsStatus !== 'ready' ? (
        <p className="muted">Loading accounts…</p>
      ) : brands.length === 0 ? (
        <p>Create a brand first (on the Brand page); accounts belong to a brand.</p>
      ) : (
        <>
          {brands.map((brand) => (
            <BrandAccounts
              key={brand.id}
              brand={brand}
              accounts={accounts.filter((a) => a.brandId === brand.id)}
              onFlow={setFlow}
              onNotice={setNotice}
            />
          ))}
          {flow ? <OAuthWait flow={flow} onFinished={finished} onCancel={() => setFlow(null)} /> : null}
          <ConnectAccount brands={brands} onFlow={setFlow} onNotice={setNotice} />
        </>
      )}
    </section>
  );
}

interface BrandAccountsProps {
  brand: Brand;
  accounts: Account[];
  onFlow(flow: Flow): void;
  onNotice(notice: string): void;
}

function BrandAccounts({ brand, accounts, onFlow, onNotice }: BrandAccountsProps) {
  const uid = useId();
  return (
    <section className="account-brand" aria-labelledby={`${uid}-brand`} data-testid="account-brand">
      <h3 id={`${uid}-brand`}>{brand.name}</h3>
      {accounts.length === 0 ? (
        <p className="muted">No accounts yet.</p>
      ) : (
        <ul className="account-list">
          {accounts.map((account) => (
            <AccountRow key={account.id} account={account} brand={brand} onFlow={onFlow} onNotice={onNotice} />
          ))}
        </ul>
      )}
    </section>
  );
}

function AccountRow({ account, brand, onFlow, onNotice }: { account: Account; brand: Brand; onFlow(flow: Flow): void; onNotice(n: string): void }) {
  const put = useAccountsStore((s) => s.put);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [appPassword, setAppPassword] = useState(false);
  const label = PLATFORM_LABELS[account.platform];

  async function reconnect() {
    if (account.connection === 'app-password') {
      setAppPassword(true);
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call('accounts.reconnect', { id: account.id });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    if (result.data.kind === 'done') {
      put(result.data.account);
      onNotice(`Reconnected ${label} ${account.handle}.`);
    } else {
      onFlow({ flowId: result.data.flowId, authorizeUrl: result.data.authorizeUrl, what: `${label} ${account.handle} for ${brand.name}` });
    }
  }

  async function disconnect() {
    setBusy(true);
    setError(null);
    const result = await call('accounts.disconnect', { id: account.id });
    setBusy(false);
    setConfirming(false);
    if (!result.ok) return setError(result.error.message);
    put(result.data);
    onNotice(`Disconnected ${label} ${account.handle}.`);
  }

  const needsReconnect = account.status === 'needs_reconnect';
  return (
    <li className="account" data-testid="account" data-status={account.status} data-platform={account.platform}>
      <div>
        <p className="account__name">
          <span className={`platform-dot platform-dot--${account.platform}`} aria-hidden="true" />
          {label} · {account.handle}{' '}
          <span
            className={needsReconnect ? 'badge badge--warning' : account.status === 'connected' ? 'badge badge--ok' : 'badge'}
            data-testid="account-status"
          >
            {needsReconnect ? 'Needs reconnecting' : account.status === 'connected' ? 'Connected' : 'Disconnected'}
          </span>
        </p>
        <p className="muted">{CONNECTION_LABELS[account.connection]}</p>
      </div>
      <div className="account__actions">
        {account.status !== 'connected' ? (
          <button type="button" className="button button--primary" disabled={busy} onClick={() => void reconnect()}>
            Reconnect
          </button>
        ) : null}
        {account.status !== 'disconnected' && !confirming ? (
          <button type="button" className="button button--danger-quiet" disabled={busy} onClick={() => setConfirming(true)}>
            Disconnect…
          </button>
        ) : null}
      </div>
      {needsReconnect ? (
        <p className="account__note callout callout--warning" data-testid="account-reason">
          {label} stopped accepting this account’s sign-in
          {account.statusReason ? `: “${account.statusReason}”` : '.'} Scheduled posts from it wait until it is reconnected.
        </p>
      ) : null}
      {account.status === 'connected' && account.lastRefreshError ? (
        <p className="account__note muted">The last token refresh failed ({account.lastRefreshError}); the account is still connected and Chorus tries again.</p>
      ) : null}
      {confirming ? (
        <div className="account__note confirm" role="alertdialog" aria-label={`Disconnect ${account.handle}?`}>
          <p>
            Disconnect {label} {account.handle}? Chorus forgets its tokens, and its scheduled posts cannot go out until it is
            connected again.
          </p>
          <div className="confirm__actions">
            <button type="button" className="button button--danger" disabled={busy} onClick={() => void disconnect()}>
              Disconnect
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </div>
        </div>
      ) : null}
      {appPassword ? (
        <div className="account__note">
          <AppPasswordForm
            brandId={account.brandId}
            identifier={account.handle}
            submitLabel={`Reconnect ${account.handle}`}
            onDone={(connected) => {
              setAppPassword(false);
              put(connected);
              onNotice(`Reconnected Bluesky ${connected.handle}.`);
            }}
          />
        </div>
      ) : null}
      {error ? (
        <p className="account__note callout callout--error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

function ConnectAccount({ brands, onFlow, onNotice }: { brands: Brand[]; onFlow(flow: Flow): void; onNotice(n: string): void }) {
  const uid = useId();
  const put = useAccountsStore((s) => s.put);
  const [brandId, setBrandId] = useState(brands[0]?.id ?? '');
  const [platform, setPlatform] = useState<Platform>('x');
  const [handle, setHandle] = useState('');
  const [instanceUrl, setInstanceUrl] = useState('');
  const [errors, setErrors] = useState<FieldErrors<'handle' | 'instanceUrl'>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const brand = brands.find((b) => b.id === brandId) ?? brands[0];
  const label = PLATFORM_LABELS[platform];

  function failed(error: ContractError) {
    const split = splitErrors(error, ['handle', 'instanceUrl'] as const);
    setErrors(split.fields);
    setGeneral(split.general);
  }

  async function run<T>(work: () => Promise<Result<T>>): Promise<T | null> {
    setBusy(true);
    setErrors({});
    setGeneral(null);
    const result = await work();
    setBusy(false);
    if (!result.ok) {
      failed(result.error);
      return null;
    }
    return result.data;
  }

  async function sandbox() {
    if (!brand) return;
    const trimmed = handle.trim();
    const account = await run(() =>
      call('accounts.connectSandbox', { brandId: brand.id, platform, ...(trimmed ? { handle: trimmed } : {}) }),
    );
    if (!account) return;
    put(account);
    setHandle('');
    onNotice(`Connected ${brand.name}’s ${label} sandbox account (${account.handle}). Its posts are written to the data folder’s outbox.`);
  }

  async function oauth() {
    if (!brand) return;
    const url = instanceUrl.trim();
    const started = await run(() =>
      call('accounts.startOAuth', { brandId: brand.id, platform, ...(platform === 'mastodon' && url ? { instanceUrl: url } : {}) }),
    );
    if (started) onFlow({ flowId: started.flowId, authorizeUrl: started.authorizeUrl, what: `${label} for ${brand.name}` });
  }

  return (
    <section className="connect" aria-labelledby={`${uid}-title`} data-testid="connect-account">
      <h3 id={`${uid}-title`}>Connect an account</h3>
      <div className="connect__row">
        <Field id={`${uid}-brand`} name="brand" label="Brand">
          {(p) => (
            <select {...p} value={brand?.id ?? ''} onChange={(e) => setBrandId(e.target.value)}>
              {brands.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${uid}-platform`} name="platform" label="Platform">
          {(p) => (
            <select
              {...p}
              value={platform}
              onChange={(e) => {
                setPlatform(e.target.value as Platform);
                setErrors({});
                setGeneral(null);
              }}
            >
              {PLATFORMS.map((name) => (
                <option key={name} value={name}>
                  {PLATFORM_LABELS[name]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      {general ? (
        <p className="callout callout--error" role="alert" data-testid="connect-error">
          {general}
        </p>
      ) : null}

      <div className="connect__row">
        <Field
          id={`${uid}-handle`}
          name="handle"
          label="Sandbox handle (optional)"
          hint="Try everything without a network: posts are written to files in the data folder."
          error={errors.handle}
        >
          {(p) => <input {...p} type="text" value={handle} autoComplete="off" onChange={(e) => setHandle(e.target.value)} />}
        </Field>
        <button type="button" className="button" disabled={busy || !brand} onClick={() => void sandbox()}>
          Connect {label} sandbox account
        </button>
      </div>

      {platform === 'bluesky' && brand ? (
        <AppPasswordForm
          brandId={brand.id}
          submitLabel="Connect Bluesky account"
          onDone={(account) => {
            put(account);
            onNotice(`Connected Bluesky ${account.handle} for ${brand.name}.`);
          }}
        />
      ) : (
        <div className="connect__row">
          {platform === 'mastodon' ? (
            <Field id={`${uid}-instance`} name="instanceUrl" label="Mastodon server" hint="e.g. https://mastodon.social" error={errors.instanceUrl}>
              {(p) => <input {...p} type="url" value={instanceUrl} spellCheck={false} onChange={(e) => setInstanceUrl(e.target.value)} />}
            </Field>
          ) : null}
          <button type="button" className="button button--primary" disabled={busy || !brand} onClick={() => void oauth()}>
            Sign in with {label}…
          </button>
        </div>
      )}
    </section>
  );
}

const APP_PASSWORD_FIELDS = ['identifier', 'appPassword', 'service'] as const;
type AppPasswordField = (typeof APP_PASSWORD_FIELDS)[number];

function AppPasswordForm({
  brandId,
  identifier: initialIdentifier = '',
  submitLabel,
  onDone,
}: {
  brandId: string;
  identifier?: string;
  submitLabel: string;
  onDone(account: Account): void;
}) {
  const uid = useId();
  const [identifier, setIdentifier] = useState(initialIdentifier);
  const [appPassword, setAppPassword] = useState('');
  const [service, setService] = useState('');
  const [errors, setErrors] = useState<FieldErrors<AppPasswordField>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneral(null);
    const result = await call('accounts.connectAppPassword', {
      brandId,
      platform: 'bluesky',
      identifier: identifier.trim(),
      appPassword,
      ...(service.trim() ? { service: service.trim() } : {}),
    });
    setBusy(false);
    // The app password is not kept in the page once it has been used.
    setAppPassword('');
    if (!result.ok) {
      const split = splitErrors(result.error, APP_PASSWORD_FIELDS);
      setErrors(split.fields);
      setGeneral(split.general);
      return;
    }
    onDone(result.data);
  }

  return (
    <form className="connect__app-password" onSubmit={submit} noValidate aria-label="Bluesky app password">
      <p className="muted">
        Bluesky: use an app password (Settings → Privacy and security → App passwords), never your account password. Chorus
        keeps only the session it gets back.
      </p>
      {general ? (
        <p className="callout callout--error" role="alert">
          {general}
        </p>
      ) : null}
      <div className="connect__row">
        <Field id={`${uid}-identifier`} name="identifier" label="Handle or email" error={errors.identifier}>
          {(p) => <input {...p} type="text" autoComplete="username" value={identifier} onChange={(e) => setIdentifier(e.target.value)} />}
        </Field>
        <Field id={`${uid}-password`} name="appPassword" label="App password" error={errors.appPassword}>
          {(p) => <input {...p} type="password" autoComplete="off" value={appPassword} onChange={(e) => setAppPassword(e.target.value)} />}
        </Field>
        <Field id={`${uid}-service`} name="service" label="Server (optional)" hint="Leave empty for bsky.social." error={errors.service}>
          {(p) => <input {...p} type="url" value={service} spellCheck={false} onChange={(e) => setService(e.target.value)} />}
        </Field>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Signing in…' : submitLabel}
        </button>
      </div>
    </form>
  );
}

/** Waits for a browser sign-in: the host's event, or a poll in case the event was missed. */
function OAuthWait({ flow, onFinished, onCancel }: { flow: Flow; onFinished(status: OAuthFlowStatus): void; onCancel(): void }) {
  const done = useRef(onFinished);
  const [pollError, setPollError] = useState<string | null>(null);

  useEffect(() => {
    done.current = onFinished;
  }, [onFinished]);

  useEffect(() => {
    let over = false;
    const finish = (status: OAuthFlowStatus) => {
      if (over || status.flowId !== flow.flowId || status.state === 'waiting') return;
      over = true;
      done.current(status);
    };
    const off = subscribe('accounts.oauthFinished', finish);
    const timer = setInterval(() => {
      void call('accounts.oauthStatus', { flowId: flow.flowId }).then((result) => {
        if (result.ok) finish(result.data);
        else if (!over) setPollError(result.error.message);
      });
    }, POLL_MS);
    return () => {
      over = true;
      off();
      clearInterval(timer);
    };
  }, [flow.flowId]);

  return (
    <div className="callout callout--info" role="status" data-testid="oauth-wait">
      <p>Waiting for you to finish signing in to {flow.what} in your browser…</p>
      <p>
        If no browser window opened, open this address:{' '}
        <a href={flow.authorizeUrl} target="_blank" rel="noreferrer noopener" data-testid="oauth-url">
          {flow.authorizeUrl}
        </a>
      </p>
      {pollError ? <p className="muted">{pollError}</p> : null}
      <button type="button" className="button" onClick={onCancel}>
        Stop waiting
      </button>
    </div>
  );
}
