// The renderer's only door to Chorus. Components and stores call `call` and
// `subscribe`; this file decides whether that goes over the Electron preload
// (`window.chorus`) or over the headless host's WebSocket. It never throws into
// callers: every transport failure becomes a `Result` with an error code.
import { z } from 'zod';
import type { ChorusBridge } from '../../shared/contract/bridge';
import type { ContractError, ErrorCode, Result } from '../../shared/contract/errors';
import { isEventName, isRouteName, type EventName, type RouteName } from '../../shared/contract/names';
import { events, type EventPayload, type RouteInput, type RouteOutput } from '../../shared/contract/routes';
import { WS_CLOSE } from '../../shared/contract/wire';

// The page's CSP has no 'unsafe-eval'. Without this, zod probes `new Function`
// at the first parse, and Chromium reports that probe as a CSP violation.
z.config({ jitless: true });

export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'open' }
  | { status: 'reconnecting'; attempt: number; retryInMs: number }
  | { status: 'unauthorized'; message: string }
  | { status: 'forbidden'; message: string }
  | { status: 'closed' };

export type ContractEventListener = (name: EventName, payload: unknown) => void;

/** What `call`/`subscribe` need from a binding; one per host kind. */
export interface Transport {
  call(route: RouteName, input: unknown): Promise<Result<unknown>>;
  /** Receives events whose payload already passed the contract's schema. */
  subscribe(listener: ContractEventListener): () => void;
  state(): ConnectionState;
  onState(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

/** The part of the browser `WebSocket` this client uses, so tests can pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export const TOKEN_STORAGE_KEY = 'chorus.token';

export const MESSAGES = {
  unauthorized:
    'This page is not signed in to Chorus, or its link has expired. Open the link printed by `chorus serve` (it ends in #token=…).',
  forbidden:
    'Chorus refused this page because it was opened from a different address. Open the link printed by `chorus serve` directly.',
  dropped: 'The connection to Chorus dropped before it answered. Check whether the change was made, then try again.',
  unreachable: 'Chorus is not reachable. Check that `chorus serve` is still running; this page keeps retrying.',
  closed: 'The connection to Chorus was closed.',
  badAnswer: 'Chorus sent an answer this page could not read.',
} as const;

const OPEN = 1;

function failure(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function isContractError(value: unknown): value is ContractError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.ok === true) return 'data' in v;
  if (v.ok === false) return isContractError(v.error);
  return false;
}

/** Drops events that are unknown or whose payload breaks the contract. */
function checkEvent(name: unknown, payload: unknown): { name: EventName; payload: unknown } | null {
  if (!isEventName(name)) return null;
  const parsed = events[name].safeParse(payload);
  return parsed.success ? { name, payload: parsed.data } : null;
}

function createListenerSet<A extends unknown[]>() {
  const listeners = new Set<(...args: A) => void>();
  return {
    add(listener: (...args: A) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(...args: A): void {
      for (const listener of [...listeners]) {
        try {
          listener(...args);
        } catch (error) {
          // One broken listener must not stop the others from hearing the news.
          console.error(error);
        }
      }
    },
  };
}

// ---------------------------------------------------------------- Electron

export function createBridgeTransport(bridge: ChorusBridge): Transport {
  const state: ConnectionState = { status: 'open' };
  return {
    async call(route, input) {
      try {
        const result: unknown = await bridge.invoke(route, input);
        return isResult(result) ? result : failure('unavailable', MESSAGES.badAnswer);
      } catch (error) {
        return failure('unavailable', `Chorus could not be reached: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    subscribe(listener) {
      return bridge.subscribe((name, payload) => {
        const event = checkEvent(name, payload);
        if (event) listener(event.name, event.payload);
      });
    },
    state: () => state,
    onState: () => () => {},
    close: () => {},
  };
}

// ---------------------------------------------------------------- WebSocket

export interface WebSocketTransportOptions {
  /** `ws(s)://host/ws?token=…` */
  url: string;
  createSocket?: SocketFactory;
  /** First reconnect delay; doubles per failed attempt up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a call waits for a connection before it fails as `unavailable`. */
  queueTimeoutMs?: number;
  /** 0..1; injected so tests get exact delays. */
  random?: () => number;
  /** Called when the host rejects the token (close code 4401). */
  onUnauthorized?: () => void;
}

interface QueuedCall {
  route: RouteName;
  input: unknown;
  resolve: (result: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

const defaultSocketFactory: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

export function createWebSocketTransport(options: WebSocketTransportOptions): Transport {
  const createSocket = options.createSocket ?? defaultSocketFactory;
  const initialBackoffMs = options.initialBackoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const queueTimeoutMs = options.queueTimeoutMs ?? 15_000;
  const random = options.random ?? Math.random;

  const eventListeners = createListenerSet<[EventName, unknown]>();
  const stateListeners = createListenerSet<[ConnectionState]>();
  // Calls sent on the current socket, waiting for their answer.
  const inflight = new Map<number, (result: Result<unknown>) => void>();
  // Calls made while no socket is open; sent in order once one opens.
  const queue: QueuedCall[] = [];

  let state: ConnectionState = { status: 'connecting' };
  let socket: SocketLike | null = null;
  let nextId = 1;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const setState = (next: ConnectionState) => {
    state = next;
    stateListeners.emit(next);
  };

  const isFinal = () => state.status === 'unauthorized' || state.status === 'forbidden' || state.status === 'closed';

  const finalError = (): Result<never> => {
    if (state.status === 'unauthorized') return failure('unauthorized', state.message);
    if (state.status === 'forbidden') return failure('unauthorized', state.message);
    return failure('unavailable', MESSAGES.closed);
  };

  function send(route: RouteName, input: unknown, resolve: (result: Result<unknown>) => void): void {
    const id = nextId++;
    inflight.set(id, resolve);
    try {
      socket?.send(JSON.stringify({ type: 'call', id, route, input }));
    } catch {
      inflight.delete(id);
      resolve(failure('unavailable', MESSAGES.dropped));
    }
  }

  function flushQueue(): void {
    for (const item of queue.splice(0)) {
      clearTimeout(item.timer);
      send(item.route, item.input, item.resolve);
    }
  }

  function failInflight(result: Result<never>): void {
    const waiting = [...inflight.values()];
    inflight.clear();
    for (const resolve of waiting) resolve(result);
  }

  function failQueue(result: Result<never>): void {
    for (const item of queue.splice(0)) {
      clearTimeout(item.timer);
      item.resolve(result);
    }
  }

  function handleMessage(data: unknown): void {
    let message: unknown;
    try {
      message = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      console.warn('Chorus: ignored a message that is not JSON.');
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const m = message as Record<string, unknown>;
    if (m.type === 'result' && typeof m.id === 'number') {
      const resolve = inflight.get(m.id);
      if (!resolve) return;
      inflight.delete(m.id);
      resolve(isResult(m.result) ? m.result : failure('unavailable', MESSAGES.badAnswer));
    } else if (m.type === 'event') {
      const event = checkEvent(m.name, m.payload);
      if (event) eventListeners.emit(event.name, event.payload);
    } else if (m.type === 'error') {
      console.warn(`Chorus: ${typeof m.message === 'string' ? m.message : 'the host reported an error.'}`);
    }
  }

  function scheduleReconnect(): void {
    attempt += 1;
    const base = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1));
    // Jitter keeps several open tabs from hammering a restarting host in step.
    const retryInMs = Math.round(base * (0.5 + random() / 2));
    setState({ status: 'reconnecting', attempt, retryInMs });
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, retryInMs);
  }

  function handleClose(closed: SocketLike, code: number): void {
    if (closed !== socket) return;
    socket = null;
    if (code === WS_CLOSE.unauthorized) {
      setState({ status: 'unauthorized', message: MESSAGES.unauthorized });
      options.onUnauthorized?.();
      failInflight(finalError());
      failQueue(finalError());
      return;
    }
    if (code === WS_CLOSE.forbiddenOrigin) {
      setState({ status: 'forbidden', message: MESSAGES.forbidden });
      failInflight(finalError());
      failQueue(finalError());
      return;
    }
    // We cannot know whether an in-flight call ran, so it fails instead of
    // being re-sent; queued calls never left this page and wait for the retry.
    failInflight(failure('unavailable', MESSAGES.dropped));
    if (!isFinal()) scheduleReconnect();
  }

  function connect(): void {
    if (isFinal()) return;
    if (attempt === 0) setState({ status: 'connecting' });
    let s: SocketLike;
    try {
      s = createSocket(options.url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = s;
    s.onopen = () => {
      if (s !== socket) return;
      attempt = 0;
      setState({ status: 'open' });
      flushQueue();
    };
    s.onmessage = (event) => {
      if (s === socket) handleMessage(event.data);
    };
    s.onclose = (event) => handleClose(s, event.code);
    // A close event always follows an error; that is where we react.
    s.onerror = () => {};
  }

  connect();

  return {
    call(route, input) {
      if (!isRouteName(route)) return Promise.resolve(failure('unknown_route', `There is no route named ${String(route)}.`));
      if (isFinal()) return Promise.resolve(finalError());
      return new Promise((resolve) => {
        if (socket && socket.readyState === OPEN && state.status === 'open') {
          send(route, input, resolve);
          return;
        }
        const item: QueuedCall = {
          route,
          input,
          resolve,
          timer: setTimeout(() => {
            const index = queue.indexOf(item);
            if (index >= 0) queue.splice(index, 1);
            resolve(failure('unavailable', MESSAGES.unreachable));
          }, queueTimeoutMs),
        };
        queue.push(item);
      });
    },
    subscribe: (listener) => eventListeners.add(listener),
    state: () => state,
    onState: (listener) => stateListeners.add(listener),
    close() {
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      setState({ status: 'closed' });
      const s = socket;
      socket = null;
      failInflight(failure('unavailable', MESSAGES.closed));
      failQueue(failure('unavailable', MESSAGES.closed));
      s?.close(1000, 'closed by the page');
    },
  };
}

/** A transport for a page that has no token at all: every call explains what to do. */
function createSignedOutTransport(): Transport {
  const state: ConnectionState = { status: 'unauthorized', message: MESSAGES.unauthorized };
  return {
    call: async () => failure('unauthorized', MESSAGES.unauthorized),
    subscribe: () => () => {},
    state: () => state,
    onState: () => () => {},
    close: () => {},
  };
}

// ---------------------------------------------------------------- token

interface TokenEnv {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
}

/**
 * Reads `#token=…` from the address, keeps it for this tab (so a reload still
 * works) and removes it from the visible URL so it is not copied or shared.
 */
export function takeToken(env: TokenEnv): string | null {
  const params = new URLSearchParams(env.location.hash.replace(/^#/, ''));
  const fromHash = params.get('token');
  if (fromHash) {
    try {
      env.storage?.setItem(TOKEN_STORAGE_KEY, fromHash);
    } catch {
      // Storage can be disabled; the token still works for this page load.
    }
    params.delete('token');
    const rest = params.toString();
    env.history.replaceState(env.history.state, '', `${env.location.pathname}${env.location.search}${rest ? `#${rest}` : ''}`);
    return fromHash;
  }
  try {
    return env.storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
}

function safeSessionStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function createDefaultTransport(): Transport {
  const bridge = (globalThis as { chorus?: ChorusBridge }).chorus;
  if (bridge && bridge.host === 'electron') return createBridgeTransport(bridge);
  const storage = safeSessionStorage();
  const token = takeToken({ location: window.location, history: window.history, storage });
  if (!token) return createSignedOutTransport();
  return createWebSocketTransport({
    url: socketUrl(window.location, token),
    onUnauthorized: () => {
      try {
        storage?.removeItem(TOKEN_STORAGE_KEY);
      } catch {
        // nothing to clean up then
      }
    },
  });
}

// ---------------------------------------------------------------- the API

let current: Transport | null = null;
const stateRelay = createListenerSet<[ConnectionState]>();
let detachState: (() => void) | null = null;

function transport(): Transport {
  if (!current) setTransport(createDefaultTransport());
  return current as Transport;
}

/** Replaces the transport (tests, or a host that wants its own); closes the old one. */
export function setTransport(next: Transport): void {
  detachState?.();
  current?.close();
  current = next;
  detachState = next.onState((state) => stateRelay.emit(state));
  stateRelay.emit(next.state());
}

export function call<R extends RouteName>(route: R, input: RouteInput<R>): Promise<Result<RouteOutput<R>>> {
  return transport().call(route, input) as Promise<Result<RouteOutput<R>>>;
}

export function subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
  return transport().subscribe((eventName, payload) => {
    if (eventName === name) listener(payload as EventPayload<E>);
  });
}

export function connectionState(): ConnectionState {
  return transport().state();
}

export function onConnectionChange(listener: (state: ConnectionState) => void): () => void {
  transport();
  return stateRelay.add(listener);
}
