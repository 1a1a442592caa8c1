import type { SocketLike } from '../../../src/renderer/lib/api';

/**
 * Stands in for the browser WebSocket; the test plays the server. It speaks
 * the real wire format: the page sends `{type:'call',…}` JSON strings, the
 * "server" answers with `result`/`event` messages and close codes.
 */
export class FakeSocket implements SocketLike {
  static instances: FakeSocket[] = [];

  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: string[] = [];
  closedByPage: { code?: number; reason?: string } | null = null;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  static reset(): void {
    FakeSocket.instances = [];
  }

  static latest(): FakeSocket {
    const socket = FakeSocket.instances.at(-1);
    if (!socket) throw new Error('No socket was created.');
    return socket;
  }

  static factory = (url: string): FakeSocket => new FakeSocket(url);

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send() on a socket that is not open');
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedByPage = { code, reason };
    this.readyState = 3;
  }

  /** The calls the page sent, parsed. */
  calls(): { type: string; id: number; route: string; input: unknown }[] {
    return this.sent.map((text) => JSON.parse(text));
  }

  // ---- the server's side

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  receiveRaw(data: string): void {
    this.onmessage?.({ data });
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code, reason });
  }
}
