import { describe, expect, it } from 'vitest';
import { normalizeAlertCount, trayTitle, trayTooltip } from '../../../src/main/app/trayText';

describe('tray text', () => {
  it('says only the name when nothing needs attention', () => {
    expect(trayTooltip(0, false)).toBe('Chorus');
    expect(trayTitle(0)).toBe('');
  });

  it('counts crisis alerts and says when publishing is paused', () => {
    expect(trayTooltip(1, false)).toBe('Chorus — 1 crisis alert');
    expect(trayTooltip(3, true)).toBe('Chorus — 3 crisis alerts — publishing paused');
    expect(trayTooltip(0, true)).toBe('Chorus — publishing paused');
    expect(trayTitle(3)).toBe('3');
    expect(trayTitle(250)).toBe('99+');
  });

  it('treats negative, fractional and non-finite counts sanely', () => {
    expect(normalizeAlertCount(-2)).toBe(0);
    expect(normalizeAlertCount(2.7)).toBe(2);
    expect(normalizeAlertCount(Number.NaN)).toBe(0);
    expect(normalizeAlertCount(Number.POSITIVE_INFINITY)).toBe(0);
  });
});
