import type { Settings } from '../../shared/contract/schemas/settings';

export type Theme = Settings['theme'];

const STORAGE_KEY = 'chorus.theme';

/**
 * 'system' leaves the OS in charge (prefers-color-scheme in the CSS); 'light'
 * and 'dark' pin the theme with data-theme on <html>. The choice is cached so
 * the next start paints in the right colours before settings arrive.
 */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  try {
    localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // storage may be disabled; the theme still applies to this page
  }
}

export function cachedTheme(): Theme {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}
