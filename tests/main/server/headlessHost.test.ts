import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../src/shared/rendererPolicy';
import { startHeadlessHost, type RunningHost } from '../../../src/main/server/HeadlessHost';
import { RemoteClient } from '../../../src/main/server/RemoteClient';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { freshDataDir, tempDir } from '../../fakes/tempDir';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function host(dataDir?: string): Promise<RunningHost> {
  let dir = dataDir;
  if (!dir) {
    const made = await freshDataDir();
    cleanups.push(made.cleanup);
    dir = made.path;
  }
  const renderer = tempDir('chorus-renderer-');
  cleanups.push(renderer.cleanup);
  writeFileSync(join(renderer.path, 'index.html'), '<!doctype html><title>Chorus</title>');
  mkdirSync(join(renderer.path, 'assets'));
  writeFileSync(join(renderer.path, 'assets', 'app.js'), 'console.log(1)');
  const running = await startHeadlessHost({
    dataDir: dir,
    port: 0,
    rendererDir: renderer.path,
    secrets: new MemorySecretStore(),
    log: () => undefined,
  });
  cleanups.push(() => running.stop());
  await running.ready;
  return running;
}

function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket and resolves with the close code the server sends, or 'open' if it stays open. */
function closeCode(url: string, origin?: string): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    let timer: NodeJS.Timeout;
    ws.on('open', () => {
      timer = setTimeout(() => {
        ws.close();
        resolve('open');
      }, 300);
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    ws.on('error', reject);
  });
}

describe('headless host', () => {
  it('answers /health once the engine is ready, and serves the renderer with a CSP', async () => {
    const running = await host();
    const health = await get(running.port, '/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
    const page = await get(running.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect((await get(running.port, '/brand/some-client-route')).body).toContain('<title>Chorus</title>');
    expect((await get(running.port, '/assets/app.js')).status).toBe(200);
  });

  it('refuses path traversal and unknown Host headers', async () => {
    const running = await host();
    const traversal = await get(running.port, '/..%2f..%2f..%2f..%2fetc%2fpasswd');
    expect(traversal.body).not.toContain('root:');
    expect(traversal.body).toContain('<title>Chorus</title>'); // resolved inside the root: the app shell
    expect((await get(running.port, '/assets/../../package.json')).body).not.toContain('"name"');
    expect((await get(running.port, '/health', { Host: 'attacker.example:80' })).status).toBe(421);
  });

  it('refuses a missing or wrong token and a foreign Origin', async () => {
    const running = await host();
    expect(await closeCode(running.wsUrl)).toBe(4401);
    expect(await closeCode(`${running.wsUrl}?token=wrong-token-of-some-length`)).toBe(4401);
    expect(await closeCode(`${running.wsUrl}?token=${running.token}`, 'https://evil.example')).toBe(4403);
    expect(await closeCode(`${running.wsUrl}?token=${running.token}`, `http://127.0.0.1:${running.port}`)).toBe('open');
  });

  it('returns invalid_input for a bad brand and writes nothing; a good one persists across restarts', async () => {
    const dir = await freshDataDir();
    cleanups.push(dir.cleanup);
    const first = await host(dir.path);
    const client = await RemoteClient.connect(first.wsUrl, first.token);
    const bad = await client.call('brands.create', { name: 'x'.repeat(81), timezone: 'Not/AZone' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await client.call('brands.list', {})).toEqual({ ok: true, data: [] });
    const good = await client.call('brands.create', { name: 'Lumen Labs', timezone: 'Asia/Tokyo' });
    expect(good).toMatchObject({ ok: true, data: { name: 'Lumen Labs', timezone: 'Asia/Tokyo' } });
    await client.close();
    await first.stop();

    const second = await host(dir.path);
    expect(second.token).not.toBe(first.token);
    const again = await RemoteClient.connect(second.wsUrl, second.token);
    expect(await again.call('brands.list', {})).toMatchObject({ ok: true, data: [{ name: 'Lumen Labs' }] });
    await again.close();
  });

  it('pushes contract events to connected clients', async () => {
    const running = await host();
    const ws = new WebSocket(`${running.wsUrl}?token=${running.token}`);
    await new Promise((resolve) => ws.once('open', resolve));
    const event = new Promise<unknown>((resolve) =>
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString());
        if (message.type === 'event') resolve(message);
      }),
    );
    ws.send(JSON.stringify({ type: 'call', id: 1, route: 'brands.create', input: { name: 'Eventful' } }));
    expect(await event).toMatchObject({ type: 'event', name: 'brands.changed', payload: { change: 'created' } });
    ws.close();
  });

  it('answers malformed messages with an error instead of dropping the connection', async () => {
    const running = await host();
    const ws = new WebSocket(`${running.wsUrl}?token=${running.token}`);
    await new Promise((resolve) => ws.once('open', resolve));
    const replies: unknown[] = [];
    const two = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        replies.push(JSON.parse(data.toString()));
        if (replies.length === 2) resolve();
      }),
    );
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'call', id: 'x' }));
    await two;
    expect(replies).toEqual([
      { type: 'error', message: 'Messages must be JSON.' },
      { type: 'error', message: 'Not a valid call message.' },
    ]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
