// The app:// handler against a stand-in `protocol`, serving a real folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

type Handler = (request: Request) => Promise<Response>;
const registered = vi.hoisted(() => ({ handlers: new Map<string, Handler>(), schemes: [] as unknown[] }));

vi.mock('electron', () => ({
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => registered.schemes.push(...schemes),
    handle: (scheme: string, handler: Handler) => registered.handlers.set(scheme, handler),
    unhandle: (scheme: string) => registered.handlers.delete(scheme),
  },
}));

const { registerAppScheme, serveRenderer } = await import('../../../src/main/app/appProtocol');

describe('app:// protocol', () => {
  const base = mkdtempSync(join(tmpdir(), 'chorus-protocol-'));
  const root = join(base, 'renderer');
  let stop: () => void;
  const get = (url: string, method = 'GET') => registered.handlers.get('app')!(new Request(url, { method }));

  beforeAll(() => {
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Chorus</title>');
    writeFileSync(join(root, 'assets', 'index.js'), 'console.log(1)');
    writeFileSync(join(base, 'secret.txt'), 'outside the root');
    stop = serveRenderer(root);
  });

  afterAll(() => {
    stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('registers app as a standard, secure scheme', () => {
    registerAppScheme();
    expect(registered.schemes).toContainEqual({
      scheme: 'app',
      privileges: expect.objectContaining({ standard: true, secure: true }),
    });
  });

  it('serves files with their type and the CSP', async () => {
    const page = await get('app://chorus/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Chorus</title>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const script = await get('app://chorus/assets/index.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toBe('console.log(1)');
  });

  it('answers client-side routes with index.html and missing assets with 404', async () => {
    expect(await (await get('app://chorus/calendar')).text()).toContain('<title>Chorus</title>');
    expect((await get('app://chorus/assets/missing.js')).status).toBe(404);
  });

  it('never serves files outside the root', async () => {
    for (const url of ['app://chorus/..%2fsecret.txt', 'app://chorus/assets/..%2f..%2fsecret.txt', 'app://other/index.html']) {
      const response = await get(url);
      expect(response.status, url).toBe(403);
    }
    // Plain `..` is folded by the URL parser and lands inside the root: not found, not the secret.
    const folded = await get('app://chorus/../secret.txt');
    expect(folded.status).toBe(404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('app://chorus/index.html', 'POST')).status).toBe(405);
    const head = await get('app://chorus/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('stops serving when told to', () => {
    stop();
    expect(registered.handlers.has('app')).toBe(false);
    stop = serveRenderer(root);
  });
});
