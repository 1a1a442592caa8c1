import { BrowserWindow, app, nativeTheme } from 'electron';
import { APP_ENTRY_URL } from './origins';
import { appIconPath, preloadPath } from './paths';

export interface MainWindowOptions {
  /** The electron-vite dev server; only honoured when not packaged. */
  devServerUrl: string | undefined;
}

export function createMainWindow({ devServerUrl }: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Chorus',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#15161c' : '#f7f7fa',
    autoHideMenuBar: process.platform !== 'darwin',
    // macOS and Windows take the icon from the bundle; Linux needs it on the window.
    ...(process.platform === 'linux' ? { icon: appIconPath() } : {}),
    webPreferences: {
      preload: preloadPath(),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: true,
    },
  });

  window.once('ready-to-show', () => window.show());

  const url = !app.isPackaged && devServerUrl ? devServerUrl : APP_ENTRY_URL;
  window.loadURL(url).catch((error: unknown) => console.error(`Could not load ${url}`, error));
  return window;
}
