// The headless hosts' way to open a sign-in page: print the link (the person
// may be on another screen or over SSH) and try the desktop's opener.
// The Electron host passes shell.openExternal instead.
import { spawn } from 'node:child_process';

function opener(url: string): { command: string; args: string[] } {
  if (process.platform === 'darwin') return { command: 'open', args: [url] };
  // `start` is a cmd built-in; the empty string is the window title.
  if (process.platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] };
  return { command: 'xdg-open', args: [url] };
}

export function openInSystemBrowser(url: string, print: (line: string) => void): void {
  print(`To sign in, open this link in a browser on this machine: ${url}`);
  if (!/^https?:\/\//i.test(url)) return;
  try {
    const { command, args } = opener(url);
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
    // No opener (a server without a desktop) is fine: the link was printed.
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // Same: the printed link is the fallback.
  }
}
