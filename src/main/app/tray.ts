import { Menu, Tray, nativeImage } from 'electron';
import type { Settings } from '../../shared/contract/schemas/settings';
import type { Engine } from '../engine/Engine';
import { TRAY_LABELS, normalizeAlertCount, trayTitle, trayTooltip } from './trayText';

export interface ChorusTrayOptions {
  engine: Engine;
  iconPath: string;
  onOpen: () => void;
  onQuit: () => void;
  log?: (message: string, error?: unknown) => void;
}

/**
 * The menu-bar / notification-area icon. "Pause publishing" is a view of the
 * engine's `publishingPaused` setting: a click asks the engine to change it, and
 * the checkbox follows `settings.changed`, whoever changed it (this menu, the
 * settings page, or the CLI through the same engine).
 */
export class ChorusTray {
  private readonly tray: Tray;
  private readonly unsubscribe: () => void;
  private readonly log: (message: string, error?: unknown) => void;
  private publishingPaused = false;
  private alertCount = 0;
  private destroyed = false;

  constructor(private readonly options: ChorusTrayOptions) {
    this.log = options.log ?? console.error;
    const image = nativeImage.createFromPath(options.iconPath);
    if (image.isEmpty()) this.log(`Tray icon missing or unreadable: ${options.iconPath}`);
    if (process.platform === 'darwin') image.setTemplateImage(true);

    this.tray = new Tray(image);
    // Windows opens on a left click; macOS shows the menu; most Linux trays only have the menu.
    this.tray.on('click', () => {
      if (process.platform === 'win32') options.onOpen();
    });

    this.unsubscribe = options.engine.subscribe((name, payload) => {
      if (name === 'settings.changed') this.setPublishingPaused((payload as Settings).publishingPaused);
    });
    this.render();
    void this.loadSettings();
  }

  /** Crisis alerts waiting for a human: shown in the tooltip and, on macOS, beside the icon. */
  setAlertCount(count: number): void {
    const next = normalizeAlertCount(count);
    if (next === this.alertCount) return;
    this.alertCount = next;
    this.render();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.unsubscribe();
    this.tray.destroy();
  }

  private async loadSettings(): Promise<void> {
    const result = await this.options.engine.call('settings.get', {});
    if (result.ok) this.setPublishingPaused((result.data as Settings).publishingPaused);
    else this.log(`Tray could not read settings: ${result.error.message}`);
  }

  private async requestPublishingPaused(paused: boolean): Promise<void> {
    // The same routes as the Settings switch: resuming wakes the scheduler at once.
    const result = await this.options.engine.call(paused ? 'schedule.pause' : 'schedule.resume', {});
    if (result.ok) {
      this.setPublishingPaused((result.data as { paused: boolean }).paused);
    } else {
      this.log(`Tray could not change publishing: ${result.error.message}`);
      // The menu already flipped its checkbox; put it back to what the engine holds.
      this.render();
    }
  }

  private setPublishingPaused(paused: boolean): void {
    if (this.destroyed || paused === this.publishingPaused) return;
    this.publishingPaused = paused;
    this.render();
  }

  private render(): void {
    if (this.destroyed) return;
    this.tray.setToolTip(trayTooltip(this.alertCount, this.publishingPaused));
    if (process.platform === 'darwin') this.tray.setTitle(trayTitle(this.alertCount));
    // Linux trays only pick up changes from a freshly set menu, so rebuild it every time.
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: TRAY_LABELS.open, click: () => this.options.onOpen() },
        { type: 'separator' },
        {
          label: TRAY_LABELS.pausePublishing,
          type: 'checkbox',
          checked: this.publishingPaused,
          click: (item) => void this.requestPublishingPaused(item.checked),
        },
        { type: 'separator' },
        { label: TRAY_LABELS.quit, click: () => this.options.onQuit() },
      ]),
    );
  }
}
