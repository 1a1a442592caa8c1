import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Chorus';

/**
 * The folder the desktop app uses: Electron's `app.getPath('userData')`, which
 * is `<appData>/<productName>`. Computed here too so `chorus serve` and the CLI
 * open the same data without importing Electron.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.CHORUS_DATA_DIR) return env.CHORUS_DATA_DIR;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), PRODUCT_NAME);
}
