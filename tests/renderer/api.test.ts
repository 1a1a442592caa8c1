import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChorusBridge } from '../../src/shared/contract/bridge';
import {
  MESSAGES,
  TOKEN_STORAGE_KEY,
  call,
  createBridgeTransport,
  createWebSocketTransport,
  setTransport,
  socketUrl,
  subscribe,
  takeToken,
  type ConnectionState,
  type Transport,
} from '../../src/renderer/lib/api';
import { FakeSocket } from './fakes/FakeSocket';

const URL = 'ws://127.0.0.1:4000/ws?token=secret';
const BRAND_ID = '00000000-0000-4000-8000-00000000abcd';

function connect(options: Partial<Parameters<typeof createWebSocketTransport>[0]> = {}): {
  transport: Transport;
  states: ConnectionState[];
} {
  const transport = createWebSocketTransport({ url: URL, createSocket: FakeSocket.factory, random: () => 1, ...options });
  const states: ConnectionState[] = [];
  transport.onState((state) => states.push(state));
  return { transport, states };
}

beforeEach(() => {
  FakeSocket.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('WebSocket transport', () => {
  it('connects to the given URL and matches each answer to its call by id, even out of order', async () => {
    const { transport } = connect();
    const socket = FakeSocket.latest();
    expect(socket.url).toBe(URL);
    socket.open();

    const first = transport.call('brands.list', {});
    const second = transport.call('settings.get', {});
    const [a, b] = socket.calls();
    expect(a).toEqual({ type: 'call', id: a!.id, route: 'brands.list', input: {} });
    expect(b!.route).toBe('settings.get');
    expect(a!.id).not.toBe(b!.id);

    socket.receive({ type: 'result', id: b!.id, result: { ok: true, data: { theme: 'dark' } } });
    socket.receive({ type: 'result', id: a!.id, result: { ok: false, error: { code: 'internal', message: 'boom' } } });

    await expect(second).resolves.toEqual({ ok: true, data: { theme: 'dark' } });
    await expect(first).resolves.toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });

  it('queues calls made while connecting and sends them in order once the socket opens', async () => {
    const { transport, states } = connect();
    const socket = FakeSocket.latest();
    const pending = transport.call('brands.list', {});
    transport.call('system.info', {});
    expect(socket.sent).toHaveLength(0);

    socket.open();
    expect(states.at(-1)).toEqual({ status: 'open' });
    expect(socket.calls().map((c) => c.route)).toEqual(['brands.list', 'system.info']);
    socket.receive({ type: 'result', id: socket.calls()[0]!.id, result: { ok: true, data: [] } });
    await expect(pending).resolves.toEqual({ ok: true, data: [] });
  });

  it('delivers contract events to subscribers and drops unknown events and payloads that break the contract', () => {
    const { transport } = connect();
    const socket = FakeSocket.latest();
    socket.open();
    const heard: [string, unknown][] = [];
    transport.subscribe((name, payload) => heard.push([name, payload]));

    socket.receive({ type: 'event', name: 'brands.changed', payload: { id: BRAND_ID, change: 'created' } });
    socket.receive({ type: 'event', name: 'brands.exploded', payload: {} });
    socket.receive({ type: 'event', name: 'brands.changed', payload: { id: 'not-a-uuid', change: 'created' } });
    socket.receiveRaw('this is not json');

    expect(heard).toEqual([['brands.changed', { id: BRAND_ID, change: 'created' }]]);
  });

  it('on close 4401 fails waiting calls as unauthorized, asks for the `chorus serve` link, and stops reconnecting', async () => {
    vi.useFakeTimers();
    const onUnauthorized = vi.fn();
    const { transport, states } = connect({ onUnauthorized });
    const socket = FakeSocket.latest();
    socket.open();
    const inflight = transport.call('brands.list', {});

    socket.serverClose(4401, 'Missing or wrong token');

    const result = await inflight;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('unauthorized');
      expect(result.error.message).toContain('chorus serve');
    }
    expect(states.at(-1)).toEqual({ status: 'unauthorized', message: MESSAGES.unauthorized });
    expect(onUnauthorized).toHaveBeenCalledOnce();

    // Later calls fail at once, and no new socket is ever opened.
    const later = await transport.call('settings.get', {});
    expect(later.ok).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('on close 4403 reports a foreign origin', () => {
    const { transport } = connect();
    FakeSocket.latest().serverClose(4403);
    expect(transport.state()).toEqual({ status: 'forbidden', message: MESSAGES.forbidden });
  });

  it('when the connection drops, fails in-flight calls as unavailable and reconnects with growing delays', async () => {
    vi.useFakeTimers();
    const { transport, states } = connect({ initialBackoffMs: 100, maxBackoffMs: 1000 });
    const first = FakeSocket.latest();
    first.open();
    const inflight = transport.call('brands.create', { name: 'Acme' });

    first.serverClose(1006);
    const result = await inflight;
    expect(result).toEqual({ ok: false, error: { code: 'unavailable', message: MESSAGES.dropped } });
    expect(states.at(-1)).toEqual({ status: 'reconnecting', attempt: 1, retryInMs: 100 });

    // A call made while down waits for the new socket instead of failing.
    const queued = transport.call('brands.list', {});

    await vi.advanceTimersByTimeAsync(99);
    expect(FakeSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.instances).toHaveLength(2);

    FakeSocket.latest().serverClose(1006);
    expect(states.at(-1)).toEqual({ status: 'reconnecting', attempt: 2, retryInMs: 200 });
    await vi.advanceTimersByTimeAsync(200);
    const third = FakeSocket.latest();
    expect(FakeSocket.instances).toHaveLength(3);

    third.open();
    expect(third.calls().map((c) => c.route)).toEqual(['brands.list']);
    third.receive({ type: 'result', id: third.calls()[0]!.id, result: { ok: true, data: [] } });
    await expect(queued).resolves.toEqual({ ok: true, data: [] });
    expect(transport.state()).toEqual({ status: 'open' });
  });

  it('fails a queued call as unavailable when no connection comes within the queue timeout', async () => {
    vi.useFakeTimers();
    const { transport } = connect({ queueTimeoutMs: 5000 });
    const pending = transport.call('brands.list', {});
    await vi.advanceTimersByTimeAsync(5000);
    await expect(pending).resolves.toEqual({ ok: false, error: { code: 'unavailable', message: MESSAGES.unreachable } });
    // It must not be sent later when the socket finally opens.
    FakeSocket.latest().open();
    expect(FakeSocket.latest().sent).toHaveLength(0);
  });

  it('turns an answer that is not a Result into an unavailable error', async () => {
    const { transport } = connect();
    const socket = FakeSocket.latest();
    socket.open();
    const pending = transport.call('brands.list', {});
    socket.receive({ type: 'result', id: socket.calls()[0]!.id, result: { nope: true } });
    await expect(pending).resolves.toEqual({ ok: false, error: { code: 'unavailable', message: MESSAGES.badAnswer } });
  });

  it('turns a socket that cannot even be created into a retry, not an exception', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const transport = createWebSocketTransport({
      url: URL,
      random: () => 1,
      initialBackoffMs: 10,
      createSocket: (url) => {
        attempts += 1;
        if (attempts === 1) throw new Error('blocked by CSP');
        return new FakeSocket(url);
      },
    });
    expect(transport.state()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    await vi.advanceTimersByTimeAsync(10);
    expect(attempts).toBe(2);
  });
});

describe('token handling', () => {
  it('moves the token from the address into sessionStorage and removes it from the visible URL', () => {
    window.history.replaceState(null, '', '/?x=1#token=abc%2B123');
    sessionStorage.clear();

    const token = takeToken({ location: window.location, history: window.history, storage: sessionStorage });

    expect(token).toBe('abc+123');
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('abc+123');
    expect(window.location.hash).toBe('');
    expect(window.location.href).not.toContain('token');
    expect(window.location.search).toBe('?x=1');
    // A reload (no hash any more) still finds it.
    expect(takeToken({ location: window.location, history: window.history, storage: sessionStorage })).toBe('abc+123');
  });

  it('finds no token when neither the address nor the tab has one', () => {
    window.history.replaceState(null, '', '/');
    sessionStorage.clear();
    expect(takeToken({ location: window.location, history: window.history, storage: sessionStorage })).toBeNull();
  });

  it('builds ws:// or wss:// URLs on the page’s own host', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:5000' }, 'a b')).toBe('ws://127.0.0.1:5000/ws?token=a%20b');
    expect(socketUrl({ protocol: 'https:', host: 'chorus.example' }, 't')).toBe('wss://chorus.example/ws?token=t');
  });
});

describe('Electron bridge transport', () => {
  function bridge(invoke: ChorusBridge['invoke']): ChorusBridge {
    return { host: 'electron', invoke, subscribe: () => () => {} };
  }

  it('passes results through and turns a thrown invoke into unavailable', async () => {
    const ok = createBridgeTransport(bridge(async () => ({ ok: true, data: [] })));
    await expect(ok.call('brands.list', {})).resolves.toEqual({ ok: true, data: [] });

    const broken = createBridgeTransport(
      bridge(async () => {
        throw new Error('IPC gone');
      }),
    );
    const result = await broken.call('brands.list', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('unavailable');
  });
});

describe('the api module', () => {
  it('routes call() and subscribe() through the installed transport, filtering events by name', async () => {
    const { transport } = connect();
    setTransport(transport);
    const socket = FakeSocket.latest();
    socket.open();

    const heard: unknown[] = [];
    const off = subscribe('brands.changed', (payload) => heard.push(payload));
    const pending = call('brands.list', {});
    socket.receive({ type: 'result', id: socket.calls()[0]!.id, result: { ok: true, data: [] } });
    await expect(pending).resolves.toEqual({ ok: true, data: [] });

    socket.receive({ type: 'event', name: 'settings.changed', payload: { theme: 'dark', publishingPaused: false, ollamaUrl: 'http://127.0.0.1:11434' } });
    socket.receive({ type: 'event', name: 'brands.changed', payload: { id: BRAND_ID, change: 'deleted' } });
    off();
    socket.receive({ type: 'event', name: 'brands.changed', payload: { id: BRAND_ID, change: 'created' } });

    expect(heard).toEqual([{ id: BRAND_ID, change: 'deleted' }]);
  });
});
