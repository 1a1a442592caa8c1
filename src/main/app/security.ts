import { app, session, shell, type WebContents } from 'electron';
import { isAllowedExternalUrl } from './externalLinks';
import { isTrustedUrl } from './origins';

/**
 * Permissions a page of ours may have. Copying a draft to the clipboard is the
 * one web permission the UI uses; notifications are native, from the main process.
 */
const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Hands allow-listed https links to the system browser; drops everything else. */
function openOutside(url: string): void {
  if (isAllowedExternalUrl(url)) void shell.openExternal(url);
}

function hardenContents(contents: WebContents, trusted: readonly string[]): void {
  // Our pages may move between their own routes; anything else is a link for the browser.
  const guardNavigation = (event: { preventDefault(): void }, url: string): void => {
    if (isTrustedUrl(url, trusted)) return;
    event.preventDefault();
    openOutside(url);
  };
  contents.on('will-navigate', (event) => guardNavigation(event, event.url));
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) guardNavigation(event, event.url);
  });
  contents.on('will-redirect', (event) => guardNavigation(event, event.url));
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Applies to every web contents the app will ever create and to the default
 * session: call once, before the first window.
 */
export function applySecurityPolicy(trusted: readonly string[]): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, trusted));

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(GRANTED_PERMISSIONS.has(permission) && isTrustedUrl(details.requestingUrl, trusted));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => {
    return GRANTED_PERMISSIONS.has(permission) && isTrustedUrl(requestingOrigin, trusted);
  });
  // No HID/serial/USB/Bluetooth device pickers, whatever a page asks.
  ses.setDevicePermissionHandler(() => false);
}
