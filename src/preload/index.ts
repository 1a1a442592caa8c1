// Runs sandboxed, before the page: the only bridge between the renderer and the
// main process. It exposes two functions, never `ipcRenderer` itself, and imports
// nothing with zod in it so the bundle stays a few hundred bytes.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, type ChorusBridge } from '../shared/contract/bridge';
import type { Result } from '../shared/contract/errors';
import { isEventName, isRouteName, type EventName } from '../shared/contract/names';

const bridge: ChorusBridge = {
  host: 'electron',

  async invoke(route: string, input: unknown): Promise<Result<unknown>> {
    // Only contract routes have handlers; any other channel name is never sent.
    if (!isRouteName(route)) {
      return { ok: false, error: { code: 'unknown_route', message: `Unknown route: ${String(route)}` } };
    }
    try {
      return (await ipcRenderer.invoke(route, input)) as Result<unknown>;
    } catch (error) {
      // Either no handler yet (the engine is still starting) or an input that
      // structured clone refuses (functions, DOM nodes).
      const message = error instanceof Error ? error.message : String(error);
      return /no handler registered/i.test(message)
        ? { ok: false, error: { code: 'unavailable', message: 'Chorus is starting; try again in a moment.' } }
        : { ok: false, error: { code: 'invalid_input', message: 'This request cannot be sent to Chorus.' } };
    }
  },

  subscribe(listener: (name: EventName, payload: unknown) => void): () => void {
    const forward = (_event: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (isEventName(name)) listener(name, payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('chorus', bridge);
