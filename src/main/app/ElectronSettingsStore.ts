import ElectronStore from 'electron-store';
import { SettingsPatch, type Settings } from '../../shared/contract/schemas/settings';
import { readSettings } from '../engine/settings/readSettings';
import { SETTINGS_FILE_NAME, type SettingsStore } from '../engine/settings/SettingsStore';

/**
 * Settings in `<dataDir>/settings.json` through electron-store: the same file,
 * format and reading rules (`readSettings`) as the headless host's `conf` store,
 * so the two hosts can take turns on one data folder.
 *
 * The file is opened on first use, which the engine makes after it holds the
 * data-folder lock, so a refused start never touches another host's settings.
 */
export class ElectronSettingsStore implements SettingsStore {
  private store: ElectronStore<Record<string, unknown>> | null = null;

  constructor(private readonly dataDir: string) {}

  read(): Settings {
    return readSettings(this.file().store);
  }

  update(patch: SettingsPatch): Settings {
    // conf refuses `undefined` values; a partial patch may carry them.
    const values = Object.fromEntries(Object.entries(SettingsPatch.parse(patch)).filter(([, v]) => v !== undefined));
    if (Object.keys(values).length > 0) this.file().set(values);
    return this.read();
  }

  private file(): ElectronStore<Record<string, unknown>> {
    this.store ??= new ElectronStore<Record<string, unknown>>({
      cwd: this.dataDir,
      name: SETTINGS_FILE_NAME,
      // Keys are literal names; a dot in one must never create a nested object.
      accessPropertiesByDotNotation: false,
    });
    return this.store;
  }
}
