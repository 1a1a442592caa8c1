// bindIpc against a stand-in ipcMain: Electron itself cannot load in plain Node,
// and what matters here is our gatekeeping, not Electron's plumbing.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL } from '../../../src/shared/contract/bridge';
import { ROUTE_NAMES } from '../../../src/shared/contract/names';
import { Settings } from '../../../src/shared/contract/schemas/settings';
import type { Engine, EventListener } from '../../../src/main/engine/Engine';

type Handler = (event: unknown, input: unknown) => Promise<unknown>;
const handlers = vi.hoisted(() => new Map<string, Handler>());

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { bindIpc } = await import('../../../src/main/app/ipcBinding');

const TRUSTED = ['app://chorus', 'http://localhost:5173'] as const;
const fromFrame = (url: string | null) => ({ senderFrame: url === null ? null : { url } });

function fakeEngine() {
  const listeners = new Set<EventListener>();
  const engine: Engine & { calls: [unknown, unknown][]; emit: EventListener; listeners: Set<EventListener> } = {
    dataDir: '/tmp/chorus',
    calls: [],
    listeners,
    start: async () => {},
    stop: async () => {},
    call: async (route, input) => {
      engine.calls.push([route, input]);
      return { ok: true, data: { route } };
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (name, payload) => {
      for (const listener of listeners) listener(name, payload);
    },
  };
  return engine;
}

function fakeContents(url: string) {
  return { url, destroyed: false, sent: [] as unknown[][], isDestroyed() { return this.destroyed; }, getURL() { return this.url; }, send(...args: unknown[]) { this.sent.push(args); } };
}

describe('bindIpc', () => {
  let engine: ReturnType<typeof fakeEngine>;
  let contents: ReturnType<typeof fakeContents> | null;
  let unbind: () => void;

  beforeEach(() => {
    engine = fakeEngine();
    contents = fakeContents('app://chorus/index.html');
    unbind = bindIpc({ engine, trusted: TRUSTED, target: () => contents as never, log: () => {} });
  });

  afterEach(() => unbind());

  it('registers one handler per contract route, named after the route', () => {
    expect([...handlers.keys()].sort()).toEqual([...ROUTE_NAMES].sort());
  });

  it('passes calls from our own page to the engine untouched', async () => {
    const input = { name: 'Acme' };
    await expect(handlers.get('brands.create')!(fromFrame('app://chorus/index.html'), input)).resolves.toEqual({
      ok: true,
      data: { route: 'brands.create' },
    });
    await handlers.get('system.info')!(fromFrame('http://localhost:5173/'), {});
    expect(engine.calls).toEqual([
      ['brands.create', input],
      ['system.info', {}],
    ]);
  });

  it.each([
    ['another site', 'https://evil.example/'],
    ['another app-scheme host', 'app://evil/index.html'],
    ['a file URL', 'file:///tmp/index.html'],
    ['a frame that is gone', null],
  ])('refuses calls from %s without reaching the engine', async (_label, url) => {
    const result = await handlers.get('secrets.list')!(fromFrame(url), {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(engine.calls).toEqual([]);
  });

  it('turns an engine that throws into an internal error', async () => {
    engine.call = async () => {
      throw new Error('boom');
    };
    await expect(handlers.get('brands.list')!(fromFrame('app://chorus/'), {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('forwards engine events to our window on the event channel', () => {
    const payload = Settings.parse({ theme: 'dark', publishingPaused: true });
    engine.emit('settings.changed', payload);
    expect(contents!.sent).toEqual([[IPC_EVENT_CHANNEL, 'settings.changed', payload]]);
  });

  it('drops events while there is no window, or when it shows a foreign page', () => {
    const shown = contents!;
    contents = null;
    engine.emit('brands.changed', { id: '00000000-0000-4000-8000-000000000000', change: 'created' });
    contents = shown;
    shown.url = 'https://evil.example/';
    engine.emit('brands.changed', { id: '00000000-0000-4000-8000-000000000000', change: 'created' });
    shown.url = 'app://chorus/';
    shown.destroyed = true;
    engine.emit('brands.changed', { id: '00000000-0000-4000-8000-000000000000', change: 'created' });
    expect(shown.sent).toEqual([]);
  });

  it('removes every handler and its subscription when unbound, once', () => {
    unbind();
    unbind();
    expect(handlers.size).toBe(0);
    expect(engine.listeners.size).toBe(0);
  });
});
