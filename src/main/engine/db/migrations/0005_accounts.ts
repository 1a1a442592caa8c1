// How each account is connected, who it is on the platform, and what the UI
// shows about its tokens. The tokens themselves live only in the OS keychain
// (`account.<id>.credentials`): token_expires_at is a copy of a date, for display.
export default /* sql */ `
ALTER TABLE accounts
  ADD COLUMN connection text NOT NULL DEFAULT 'oauth2-pkce'
    CHECK (connection IN ('oauth2-pkce','app-password','mastodon-app','sandbox')),
  ADD COLUMN platform_user_id   text,
  ADD COLUMN instance_url       text CHECK (instance_url IS NULL OR platform = 'mastodon'),
  ADD COLUMN token_expires_at   timestamptz,
  ADD COLUMN last_refreshed_at  timestamptz,
  -- A refresh that failed without revoking the grant: the account stays connected.
  ADD COLUMN last_refresh_error text,
  ADD COLUMN status_changed_at  timestamptz;

UPDATE accounts SET connection = 'app-password' WHERE platform = 'bluesky';
UPDATE accounts SET connection = 'mastodon-app' WHERE platform = 'mastodon';

-- One row per platform identity and brand, whatever its handle becomes.
CREATE UNIQUE INDEX accounts_platform_identity
  ON accounts (brand_id, platform, coalesce(instance_url, ''), platform_user_id)
  WHERE platform_user_id IS NOT NULL;
`;
