// The Electron host: a window, a tray and an IPC binding around the same engine
// the headless host runs. Business logic belongs in the engine, not here.
import { resolve } from 'node:path';
import { app, dialog, shell, type BrowserWindow } from 'electron';
import { isChorusError } from '../../shared/contract/errors';
import { createEngine } from '../engine';
import type { Engine } from '../engine/Engine';
import { ElectronSettingsStore } from './ElectronSettingsStore';
import { registerAppScheme, serveRenderer } from './appProtocol';
import { bindIpc } from './ipcBinding';
import { createMainWindow } from './mainWindow';
import { trustedOrigins } from './origins';
import { rendererDir, trayIconPath } from './paths';
import { applySecurityPolicy } from './security';
import { ChorusTray } from './tray';

/** How long quitting waits for the engine to close the database before giving up. */
const STOP_TIMEOUT_MS = 15_000;

const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const trusted = trustedOrigins(devServerUrl, app.isPackaged);

// Both must happen before `ready`.
registerAppScheme();
app.enableSandbox();
// Groups taskbar entries and lets Windows attribute notifications to Chorus (electron-builder.yml appId).
if (process.platform === 'win32') app.setAppUserModelId('app.chorus.desktop');

if (app.requestSingleInstanceLock()) {
  runApp();
} else {
  // Another Chorus window owns this profile; it gets a `second-instance` event and shows itself.
  app.quit();
}

function runApp(): void {
  let engine: Engine | null = null;
  /** True once the engine runs and IPC is bound: only then may a window open. */
  let ready = false;
  let window: BrowserWindow | null = null;
  let tray: ChorusTray | null = null;
  let unbindIpc: () => void = () => {};
  let quitting = false;
  let stopped = false;
  let shutdown: Promise<void> | null = null;
  let exitCode = 0;

  const log = (message: string, error?: unknown): void => {
    if (error === undefined) console.error(`[chorus] ${message}`);
    else console.error(`[chorus] ${message}`, error);
  };

  const showWindow = (): void => {
    if (!ready || quitting) return; // still starting, start failed, or on the way out
    if (!window || window.isDestroyed()) window = openWindow();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  const openWindow = (): BrowserWindow => {
    const created = createMainWindow({ devServerUrl });
    created.on('close', (event) => {
      // With a tray, closing hides: scheduled posts keep going out until the user quits.
      if (!quitting && tray) {
        event.preventDefault();
        created.hide();
      }
    });
    // Windows log-off or shutdown: let the window close instead of hiding it.
    created.on('session-end', () => {
      quitting = true;
    });
    created.on('closed', () => {
      if (window === created) window = null;
    });
    return created;
  };

  const stopEverything = async (): Promise<void> => {
    tray?.destroy();
    tray = null;
    unbindIpc();
    if (!engine) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((done) => {
      timer = setTimeout(() => {
        log(`The engine did not stop within ${STOP_TIMEOUT_MS / 1000} s; quitting anyway.`);
        done();
      }, STOP_TIMEOUT_MS);
    });
    try {
      await Promise.race([engine.stop(), timeout]);
    } catch (error) {
      log('Stopping the engine failed', error);
    } finally {
      clearTimeout(timer);
    }
  };

  const quitWith = (code: number): void => {
    exitCode = code;
    app.quit();
  };

  const failStart = (error: unknown): void => {
    const locked =
      (isChorusError(error) && error.code === 'data_dir_locked') ||
      (error as { code?: unknown } | null)?.code === 'data_dir_locked';
    const message = error instanceof Error ? error.message : String(error);
    if (locked) {
      // e.g. `chorus serve` has this data folder; two engines must never share one database.
      dialog.showErrorBox('Chorus is already running', message);
    } else {
      log('Start-up failed', error);
      dialog.showErrorBox('Chorus could not start', message);
    }
    quitWith(1);
  };

  const start = async (): Promise<void> => {
    applySecurityPolicy(trusted);
    serveRenderer(rendererDir());

    const dataDir = process.env['CHORUS_DATA_DIR'] ? resolve(process.env['CHORUS_DATA_DIR']) : app.getPath('userData');
    const created = createEngine({
      dataDir,
      host: 'electron',
      settings: new ElectronSettingsStore(dataDir),
      log,
      // Sign-in pages come from the engine (OAuth authorize URLs, Mastodon servers), not
      // from a web page, so they bypass the link allow-list but must be https.
      openExternal: async (url) => {
        if (new URL(url).protocol !== 'https:') throw new Error('Sign-in pages must be https.');
        await shell.openExternal(url);
      },
    });
    engine = created;
    await created.start();
    if (quitting) return; // the user quit while the database was opening

    const target = () => (window && !window.isDestroyed() ? window.webContents : null);
    unbindIpc = bindIpc({ engine: created, trusted, target, log });
    try {
      tray = new ChorusTray({
        engine: created,
        iconPath: trayIconPath(),
        onOpen: showWindow,
        onQuit: () => app.quit(),
        log,
      });
    } catch (error) {
      // No tray (some Linux desktops): closing the window will then quit.
      log('Could not create the tray icon', error);
    }
    ready = true;
    window = openWindow();
  };

  app.on('second-instance', showWindow);
  app.on('activate', showWindow); // macOS: Dock icon clicked
  // Closing the last window does not quit: the tray keeps Chorus (and its schedule) alive.
  app.on('window-all-closed', () => {
    if (!tray) app.quit();
  });

  app.on('before-quit', (event) => {
    quitting = true;
    if (stopped) return;
    // Hold the quit until the engine has flushed and closed the database.
    event.preventDefault();
    shutdown ??= stopEverything().finally(() => {
      stopped = true;
      if (exitCode === 0) app.quit();
      else app.exit(exitCode);
    });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app.whenReady().then(start).catch(failStart);
}
