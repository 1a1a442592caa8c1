// Pure (no `electron` import): the words the tray shows.

export const TRAY_LABELS = {
  open: 'Open Chorus',
  pausePublishing: 'Pause publishing',
  quit: 'Quit Chorus',
} as const;

/** Tooltip on every platform: the app name, then anything that needs a human. */
export function trayTooltip(alertCount: number, publishingPaused: boolean): string {
  const parts = ['Chorus'];
  const alerts = normalizeAlertCount(alertCount);
  if (alerts > 0) parts.push(alerts === 1 ? '1 crisis alert' : `${alerts} crisis alerts`);
  if (publishingPaused) parts.push('publishing paused');
  return parts.join(' — ');
}

/** macOS shows this text beside the menu-bar icon; empty hides it. */
export function trayTitle(alertCount: number): string {
  const alerts = normalizeAlertCount(alertCount);
  if (alerts === 0) return '';
  return alerts > 99 ? '99+' : String(alerts);
}

export function normalizeAlertCount(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
