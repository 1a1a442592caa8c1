import type { Settings, SettingsPatch } from '../../../shared/contract';

/**
 * App settings behind one interface: `conf` in the headless host, `electron-store`
 * in the desktop app, both writing `<dataDir>/settings.json`.
 */
export interface SettingsStore {
  read(): Settings;
  update(patch: SettingsPatch): Settings;
}

export const SETTINGS_FILE_NAME = 'settings';
