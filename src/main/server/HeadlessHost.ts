import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createEngine, type CreatedEngine, type SecretStore } from '../engine';
import { appVersion, packageRoot } from '../engine/system/packageInfo';
import { removeHostFile, writeHostFile } from './hostFile';
import { securityHeaders, serveStatic } from './staticFiles';
import { WsBinding } from './wsBinding';

export interface HeadlessHostOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Loopback unless the user says otherwise. */
  host?: string;
  /** A fixed token; otherwise a random one per start. */
  token?: string;
  /** Where the built renderer is; defaults to out/renderer in the repository. */
  rendererDir?: string;
  secrets?: SecretStore;
  log?: (message: string, error?: unknown) => void;
}

export interface RunningHost {
  engine: CreatedEngine;
  url: string;
  wsUrl: string;
  port: number;
  token: string;
  dataDir: string;
  /** Resolves when the engine has started (or rejects with why it could not). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export const defaultRendererDir = () => join(packageRoot(), 'out', 'renderer');

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The engine in plain Node, serving the renderer over HTTP and the contract
 * over WebSocket. The HTTP port opens first so /health can say "starting".
 */
export async function startHeadlessHost(options: HeadlessHostOptions): Promise<RunningHost> {
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`[chorus] ${message}`, error ?? ''));
  const bindHost = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  const engine = createEngine({ dataDir: options.dataDir, host: 'server', secrets: options.secrets, log });
  let engineReady = false;
  let port = 0;

  const allowedHosts = () => {
    const names = new Set(['127.0.0.1', 'localhost', '[::1]', urlHost(bindHost)]);
    return [...names].map((name) => `${name}:${port}`);
  };
  const binding = new WsBinding({ engine, token, allowedHosts, log });

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Unknown host');
      return;
    }
    if (path === '/health') {
      res
        .writeHead(engineReady ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(JSON.stringify({ status: engineReady ? 'ok' : 'starting', version: appVersion() }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...securityHeaders(), Allow: 'GET, HEAD' }).end();
      return;
    }
    serveStatic(rendererDir, path, res).catch((error) => {
      log(`Serving ${path} failed`, error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('upgrade', (req, socket, head) => binding.handleUpgrade(req, socket, head));

  port = await listen(server, options.port ?? 0, bindHost);
  const base = `http://${urlHost(bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost)}:${port}`;
  const url = `${base}/#token=${token}`;
  const wsUrl = `${base.replace(/^http/, 'ws')}/ws`;

  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      binding.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      removeHostFile(engine.dataDir);
      await engine.stop();
    })());

  const ready = engine.start().then(
    () => {
      engineReady = true;
      writeHostFile(engine.dataDir, { pid: process.pid, url, wsUrl, token });
    },
    async (error: unknown) => {
      await stop();
      throw error;
    },
  );

  if (!existsSync(rendererDir)) log(`The interface is not built (${rendererDir} is missing); run \`npm run build\`.`);
  return { engine, url, wsUrl, port, token, dataDir: engine.dataDir, ready, stop };
}
