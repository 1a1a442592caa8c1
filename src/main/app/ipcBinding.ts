import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { IPC_EVENT_CHANNEL } from '../../shared/contract/bridge';
import type { Result } from '../../shared/contract/errors';
import { ROUTE_NAMES } from '../../shared/contract/names';
import type { Engine } from '../engine/Engine';
import { isTrustedUrl } from './origins';

export interface IpcBindingOptions {
  engine: Engine;
  /** Origins whose frames may call routes (see `trustedOrigins`). */
  trusted: readonly string[];
  /** Where events go; null while there is no window. */
  target: () => WebContents | null;
  log?: (message: string, error?: unknown) => void;
}

const UNAUTHORIZED: Result<never> = {
  ok: false,
  error: { code: 'unauthorized', message: 'This page may not call Chorus.' },
};

/**
 * Binds the contract to Electron IPC: one `ipcMain.handle` per route, named after
 * the route, and one event channel. Each handler checks the sender frame's origin,
 * then hands the raw input to the engine, which parses it and never throws.
 * Returns a function that unbinds everything.
 */
export function bindIpc({ engine, trusted, target, log = console.error }: IpcBindingOptions): () => void {
  for (const route of ROUTE_NAMES) {
    ipcMain.handle(route, async (event: IpcMainInvokeEvent, input: unknown): Promise<Result<unknown>> => {
      // senderFrame is null once the frame navigated away or was destroyed.
      if (!isTrustedUrl(event.senderFrame?.url, trusted)) return UNAUTHORIZED;
      try {
        return await engine.call(route, input);
      } catch (error) {
        // The engine promises not to throw; if it ever does, the renderer still gets a Result.
        log(`IPC ${route} threw`, error);
        return { ok: false, error: { code: 'internal', message: 'Something went wrong inside Chorus.' } };
      }
    });
  }

  const unsubscribe = engine.subscribe((name, payload) => {
    const contents = target();
    if (!contents || contents.isDestroyed()) return;
    // Never hand events to a page that is not ours (navigation is denied, but be sure).
    if (!isTrustedUrl(contents.getURL(), trusted)) return;
    contents.send(IPC_EVENT_CHANNEL, name, payload);
  });

  let bound = true;
  return () => {
    if (!bound) return;
    bound = false;
    unsubscribe();
    for (const route of ROUTE_NAMES) ipcMain.removeHandler(route);
  };
}
