import { useEffect, useId, useState } from 'react';
import type { Settings, SettingsPatch } from '../../../shared/contract/schemas/settings';
import type { HostKind } from '../../../shared/contract/schemas/system';
import { PageHeader } from '../../components/PageHeader';
import { AccountsSection } from './AccountsSection';
import { McpSection } from './McpSection';
import { ProvidersSection } from './ProvidersSection';
import { PublishingSection } from './PublishingSection';
import { useSettingsStore } from './settingsStore';

const THEMES: { value: Settings['theme']; label: string }[] = [
  { value: 'system', label: 'Match the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const HOST_LABELS: Record<HostKind, string> = {
  electron: 'Desktop app',
  server: 'Headless host (chorus serve)',
  cli: 'Command line',
};

export function SettingsPage() {
  const settings = useSettingsStore((s) => s.settings);
  const system = useSettingsStore((s) => s.system);
  const secrets = useSettingsStore((s) => s.secrets);
  const loadDetails = useSettingsStore((s) => s.loadDetails);
  const loadSettings = useSettingsStore((s) => s.loadSettings);
  const update = useSettingsStore((s) => s.update);
  const uid = useId();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void loadDetails();
  }, [loadDetails]);

  async function change(patch: SettingsPatch) {
    setError(null);
    const result = await update(patch);
    if (!result.ok) setError(result.error.message);
  }

  return (
    <div className="page page--narrow">
      <PageHeader title="Settings" description="How Chorus looks and behaves on this machine." />

      {error ? (
        <div className="callout callout--error" role="alert" data-testid="settings-error">
          {error}
        </div>
      ) : null}

      {settings.status === 'failed' ? (
        <div className="callout callout--error" role="alert">
          <p>The settings could not be loaded: {settings.message}</p>
          <button type="button" className="button" onClick={() => void loadSettings()}>
            Try again
          </button>
        </div>
      ) : settings.status !== 'ready' ? (
        <p className="muted">Loading settings…</p>
      ) : (
        <>
          <section className="card" aria-labelledby={`${uid}-appearance`}>
            <h2 id={`${uid}-appearance`}>Appearance</h2>
            <fieldset className="choice-group">
              <legend>Theme</legend>
              {THEMES.map((theme) => (
                <label key={theme.value} className="choice">
                  <input
                    type="radio"
                    name="theme"
                    value={theme.value}
                    checked={settings.data.theme === theme.value}
                    onChange={() => void change({ theme: theme.value })}
                  />
                  {theme.label}
                </label>
              ))}
            </fieldset>
          </section>

          <PublishingSection />

          <ProvidersSection settings={settings.data} />
        </>
      )}

      <AccountsSection />

      <McpSection />

      <section className="card" aria-labelledby={`${uid}-system`}>
        <h2 id={`${uid}-system`}>This installation</h2>
        {system.status === 'ready' ? (
          <dl className="facts" data-testid="system-info">
            <dt>Version</dt>
            <dd>{system.data.version}</dd>
            <dt>Running as</dt>
            <dd>{HOST_LABELS[system.data.host]}</dd>
            <dt>Data folder</dt>
            <dd>
              <code>{system.data.dataDir}</code>
            </dd>
            <dt>Database schema</dt>
            <dd>version {system.data.schemaVersion}</dd>
          </dl>
        ) : system.status === 'failed' ? (
          <p className="callout callout--error">{system.message}</p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>

      <section className="card" aria-labelledby={`${uid}-secrets`}>
        <h2 id={`${uid}-secrets`}>Secrets</h2>
        <p className="muted">
          API keys and account tokens live in the operating system’s keychain. This page only ever learns whether each one
          is set.
        </p>
        {secrets.status === 'ready' ? (
          secrets.data.length === 0 ? (
            <p>No secrets are stored yet.</p>
          ) : (
            <ul className="secret-list" data-testid="secret-list">
              {secrets.data.map((secret) => (
                <li key={secret.key}>
                  <code>{secret.key}</code>
                  <span className={secret.isSet ? 'badge badge--ok' : 'badge'}>{secret.isSet ? 'Set' : 'Not set'}</span>
                </li>
              ))}
            </ul>
          )
        ) : secrets.status === 'failed' ? (
          <p className="callout callout--error">{secrets.message}</p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    </div>
  );
}
