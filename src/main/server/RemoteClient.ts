import WebSocket from 'ws';
import type { Result } from '../../shared/contract';
import { WS_CLOSE, type WireMessage } from '../../shared/contract/wire';

/** A contract client over the WebSocket binding, for the CLI and benchmarks. */
export class RemoteClient {
  private nextId = 1;
  private readonly pending = new Map<number, (result: Result<unknown>) => void>();
  private closedWith: Result<unknown> | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      let message: WireMessage;
      try {
        message = JSON.parse(data.toString()) as WireMessage;
      } catch {
        return;
      }
      if (message.type !== 'result') return;
      const settle = this.pending.get(message.id);
      this.pending.delete(message.id);
      settle?.(message.result);
    });
    ws.on('close', (code, reason) => {
      const message = reason.toString() || `The connection to Chorus closed (${code}).`;
      this.closedWith = {
        ok: false,
        error: { code: code === WS_CLOSE.unauthorized || code === WS_CLOSE.forbiddenOrigin ? 'unauthorized' : 'unavailable', message },
      };
      for (const settle of this.pending.values()) settle(this.closedWith);
      this.pending.clear();
    });
  }

  static connect(wsUrl: string, token: string, timeoutMs = 5000): Promise<RemoteClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${wsUrl}?token=${encodeURIComponent(token)}`, { handshakeTimeout: timeoutMs });
      const fail = (error: Error) => reject(error);
      ws.once('error', fail);
      ws.once('close', (code, reason) => reject(new Error(reason.toString() || `Connection refused (${code}).`)));
      ws.once('open', () => {
        ws.off('error', fail);
        ws.removeAllListeners('close');
        // A refused token is closed by the server right after the upgrade;
        // calls made after that answer with the server's reason.
        resolve(new RemoteClient(ws));
      });
    });
  }

  call(route: string, input: unknown): Promise<Result<unknown>> {
    if (this.closedWith) return Promise.resolve(this.closedWith);
    if (this.ws.readyState !== this.ws.OPEN) {
      return Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'Not connected to Chorus.' } });
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ type: 'call', id, route, input }));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === this.ws.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close(1000);
    });
  }
}
