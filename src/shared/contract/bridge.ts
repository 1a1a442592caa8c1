import type { Result } from './errors';
import type { EventName } from './names';

/**
 * What the Electron preload exposes as `window.chorus`. The renderer reaches it
 * only through `src/renderer/lib/api.ts`.
 * IPC channels: one per route (the route name itself) and `chorus:event` for events.
 */
export interface ChorusBridge {
  readonly host: 'electron';
  invoke(route: string, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void;
}

export const IPC_EVENT_CHANNEL = 'chorus:event';
