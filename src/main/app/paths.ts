import { app } from 'electron';
import { join } from 'node:path';

// app.getAppPath() is the project root in development (electron-vite runs
// `electron .`) and the root of app.asar when packaged; out/ sits under both.

export function rendererDir(): string {
  return join(app.getAppPath(), 'out', 'renderer');
}

export function preloadPath(): string {
  return join(app.getAppPath(), 'out', 'preload', 'index.cjs');
}

/**
 * Icons that must stay real files (the OS reads tray icons by path): copied by
 * electron-builder's extraResources next to app.asar, read from resources/ in dev.
 */
export function resourcesDir(): string {
  return app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');
}

export function trayIconPath(platform: NodeJS.Platform = process.platform): string {
  // "Template" in the name makes macOS tint the icon for light and dark menu bars,
  // and it picks trayTemplate@2x.png on Retina screens by itself.
  return join(resourcesDir(), 'tray', platform === 'darwin' ? 'trayTemplate.png' : 'tray.png');
}

export function appIconPath(): string {
  return join(resourcesDir(), 'icon.png');
}
