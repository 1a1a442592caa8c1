// A local HTTP server that plays a platform's API in tests, with fault
// injection: the next N matching requests can fail with a status and headers,
// time out, or succeed on the server and lose the response (the "did it go
// through?" case). Each platform's fake registers routes that follow the
// platform's published API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON or form body when the content type says so; otherwise the raw text. */
  body: unknown;
  rawBody: Buffer;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
}

export type Handler = (req: FakeRequest, params: Record<string, string>) => FakeReply | Promise<FakeReply>;

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; json?: unknown }
  /** Never answers; the client's timeout must fire. */
  | { kind: 'timeout' }
  /** Runs the real handler (the post is created) then destroys the socket before answering. */
  | { kind: 'lose-response' };

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

function compile(path: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), keys };
}

export class FakePlatformServer {
  private readonly routes: Route[] = [];
  private readonly faults: { method: string; pattern: RegExp; fault: Fault }[] = [];
  private server: Server | null = null;
  readonly requests: FakeRequest[] = [];
  baseUrl = '';

  on(method: string, path: string, handler: Handler): this {
    this.routes.push({ method: method.toUpperCase(), ...compile(path), handler });
    return this;
  }

  /** The next request matching method and path meets this fault instead (once per call). */
  failNext(method: string, path: string, fault: Fault): this {
    this.faults.push({ method: method.toUpperCase(), pattern: compile(path).pattern, fault });
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const type = req.headers['content-type'] ?? '';
    let body: unknown = rawBody.toString();
    if (type.includes('json') && rawBody.length) body = JSON.parse(rawBody.toString());
    else if (type.includes('x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(rawBody.toString()));
    const request: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, rawBody };
    this.requests.push(request);

    const faultIndex = this.faults.findIndex((f) => f.method === request.method && f.pattern.test(request.path));
    const fault = faultIndex >= 0 ? this.faults.splice(faultIndex, 1)[0]!.fault : null;
    if (fault?.kind === 'timeout') return; // leave the request hanging
    if (fault?.kind === 'status') {
      this.reply(res, { status: fault.status, headers: fault.headers, json: fault.json ?? { error: 'injected' } });
      return;
    }

    const route = this.routes.find((r) => r.method === request.method && r.pattern.test(request.path));
    if (!route) {
      this.reply(res, { status: 404, json: { error: `no fake route for ${request.method} ${request.path}` } });
      return;
    }
    const match = route.pattern.exec(request.path)!;
    const params = Object.fromEntries(route.keys.map((key, i) => [key, decodeURIComponent(match[i + 1]!)]));
    try {
      const reply = await route.handler(request, params);
      if (fault?.kind === 'lose-response') {
        req.socket.destroy();
        return;
      }
      this.reply(res, reply);
    } catch (error) {
      this.reply(res, { status: 500, json: { error: (error as Error).message } });
    }
  }

  private reply(res: ServerResponse, reply: FakeReply): void {
    const headers = { ...reply.headers };
    let payload = reply.text ?? '';
    if (reply.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = JSON.stringify(reply.json);
    }
    res.writeHead(reply.status ?? 200, headers).end(payload);
  }
}
