import type { ConnectionState } from '../lib/api';

/** A quiet banner while the link to the host is down; it retries on its own. */
export function ConnectionBanner({ state }: { state: ConnectionState }) {
  if (state.status !== 'reconnecting') return null;
  const seconds = Math.max(1, Math.round(state.retryInMs / 1000));
  return (
    <div className="banner banner--warning" role="status" data-testid="connection-banner">
      Lost the connection to Chorus. Trying again in {seconds} s… Changes you make now wait until it is back.
    </div>
  );
}

/** Replaces the whole app when the page has no valid token or a foreign origin. */
export function SignedOut({ message }: { message: string }) {
  return (
    <main className="signed-out" data-testid="signed-out">
      <div className="signed-out__card">
        <h1>Open Chorus from its link</h1>
        <p>{message}</p>
        <p className="muted">
          Start the host with <code>chorus serve</code> and open the address it prints. The link carries a one-time key; it
          stops working when the host restarts.
        </p>
      </div>
    </main>
  );
}
