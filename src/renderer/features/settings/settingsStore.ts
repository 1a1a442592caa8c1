import { create } from 'zustand';
import type { Result } from '../../../shared/contract/errors';
import type { SecretStatus } from '../../../shared/contract/schemas/secrets';
import type { Settings, SettingsPatch } from '../../../shared/contract/schemas/settings';
import type { SystemInfo } from '../../../shared/contract/schemas/system';
import { call } from '../../lib/api';

type Loadable<T> = { status: 'idle' | 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; message: string };

interface SettingsState {
  settings: Loadable<Settings>;
  system: Loadable<SystemInfo>;
  secrets: Loadable<SecretStatus[]>;
  loadSettings(): Promise<void>;
  /** Loads what the Settings page shows besides the settings themselves. */
  loadDetails(): Promise<void>;
  update(patch: SettingsPatch): Promise<Result<Settings>>;
  /** Settings pushed by the host (`settings.changed`), e.g. from the tray. */
  receive(settings: Settings): void;
}

function loaded<T>(result: Result<T>): Loadable<T> {
  return result.ok ? { status: 'ready', data: result.data } : { status: 'failed', message: result.error.message };
}

export const useSettingsStore = create<SettingsState>()((set, get) => ({
  settings: { status: 'idle' },
  system: { status: 'idle' },
  secrets: { status: 'idle' },

  async loadSettings() {
    if (get().settings.status !== 'ready') set({ settings: { status: 'loading' } });
    const result = await call('settings.get', {});
    // A failed refresh keeps the settings we already have on screen.
    if (result.ok || get().settings.status !== 'ready') set({ settings: loaded(result) });
  },

  async loadDetails() {
    const [system, secrets] = await Promise.all([call('system.info', {}), call('secrets.list', {})]);
    set({ system: loaded(system), secrets: loaded(secrets) });
  },

  async update(patch) {
    const result = await call('settings.update', patch);
    if (result.ok) set({ settings: { status: 'ready', data: result.data } });
    return result;
  },

  receive(settings) {
    set({ settings: { status: 'ready', data: settings } });
  },
}));
