// What the preload puts on `window`, for the renderer's type-checker. Optional:
// in a browser (the headless host) there is no preload and `lib/api.ts` uses
// the WebSocket binding instead.
import type { ChorusBridge } from '../shared/contract/bridge';

declare global {
  interface Window {
    readonly chorus?: ChorusBridge;
  }
}

export {};
