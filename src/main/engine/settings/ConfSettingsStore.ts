import Conf from 'conf';
import type { Settings, SettingsPatch } from '../../../shared/contract';
import { SETTINGS_FILE_NAME, type SettingsStore } from './SettingsStore';
import { readSettings } from './readSettings';

/** The headless host's settings: `conf`, the library electron-store is built on. */
export class ConfSettingsStore implements SettingsStore {
  private readonly conf: Conf<Record<string, unknown>>;

  constructor(dataDir: string) {
    this.conf = new Conf<Record<string, unknown>>({ cwd: dataDir, configName: SETTINGS_FILE_NAME });
  }

  read(): Settings {
    return readSettings(this.conf.store);
  }

  update(patch: SettingsPatch): Settings {
    // conf refuses undefined values; an absent key means "leave as is".
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    this.conf.set({ ...this.conf.store, ...defined });
    return this.read();
  }
}
