import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { WireRequest, WS_CLOSE, type WireMessage } from '../../shared/contract/wire';
import type { Engine } from '../engine';

export interface WsBindingOptions {
  engine: Engine;
  token: string;
  /** Host header values (`host:port`) this server answers to; guards against DNS rebinding. */
  allowedHosts: () => string[];
  log: (message: string, error?: unknown) => void;
}

function sameToken(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The contract over WebSocket: token in the query string, Origin checked
 * against the page's own origin (browsers always send it; the CLI sends none),
 * then the same `engine.call` path as the IPC binding.
 */
export class WsBinding {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  private readonly unsubscribe: () => void;

  constructor(private readonly options: WsBindingOptions) {
    this.unsubscribe = options.engine.subscribe((name, payload) => {
      this.broadcast({ type: 'event', name, payload });
    });
  }

  /** Call from the HTTP server's 'upgrade' event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const hostHeader = req.headers.host ?? '';
    if (url.pathname !== '/ws' || !this.options.allowedHosts().includes(hostHeader)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://${hostHeader}` || origin === `https://${hostHeader}`;
    const tokenOk = sameToken(url.searchParams.get('token'), this.options.token);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // Upgrade first, then close with a code: browsers cannot read the status of a refused upgrade.
      if (!originOk) return ws.close(WS_CLOSE.forbiddenOrigin, 'Origin not allowed');
      if (!tokenOk) return ws.close(WS_CLOSE.unauthorized, 'Missing or wrong token');
      this.accept(ws);
    });
  }

  private accept(ws: WebSocket): void {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.send(ws, { type: 'error', message: 'Binary messages are not supported.' });
      let request: WireRequest;
      try {
        const parsed = WireRequest.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) return this.send(ws, { type: 'error', message: 'Not a valid call message.' });
        request = parsed.data;
      } catch {
        return this.send(ws, { type: 'error', message: 'Messages must be JSON.' });
      }
      void this.options.engine.call(request.route, request.input).then((result) => {
        this.send(ws, { type: 'result', id: request.id, result });
      });
    });
    ws.on('error', (error) => this.options.log('WebSocket error', error));
  }

  private send(ws: WebSocket, message: WireMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  }

  private broadcast(message: WireMessage): void {
    const text = JSON.stringify(message);
    for (const ws of this.wss.clients) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  close(): void {
    this.unsubscribe();
    for (const ws of this.wss.clients) ws.close(WS_CLOSE.shuttingDown, 'Chorus is stopping');
    this.wss.close();
  }
}
