import type { vi } from 'vitest';
import type { Result } from '../../../src/shared/contract/errors';
import type { Account } from '../../../src/shared/contract/schemas/accounts';
import type { Post, PostEvent } from '../../../src/shared/contract/schemas/posts';

let counter = 0;
const nextId = (prefix: string) => {
  counter += 1;
  return `${prefix}-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
};

export function makeAccount(overrides: Partial<Account> = {}): Account {
  return {
    id: nextId('aaaaaaaa'),
    brandId: '00000000-0000-4000-8000-000000000001',
    platform: 'x',
    connection: 'sandbox',
    handle: 'sandbox',
    displayName: 'X sandbox',
    platformUserId: null,
    instanceUrl: null,
    status: 'connected',
    statusReason: null,
    tokenExpiresAt: null,
    lastRefreshedAt: null,
    lastRefreshError: null,
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
    ...overrides,
  };
}

export function makePost(overrides: Partial<Post> = {}): Post {
  return {
    id: nextId('bbbbbbbb'),
    brandId: '00000000-0000-4000-8000-000000000001',
    accountId: null,
    platform: 'x',
    title: '',
    text: 'Fresh beans today.',
    thread: [],
    media: [],
    status: 'scheduled',
    scheduledAt: '2025-03-04T15:00:00.000Z',
    scheduledTimeZone: 'America/Chicago',
    publishedAt: null,
    platformPostId: null,
    platformUrl: null,
    failureKind: null,
    failureReason: null,
    attempts: 0,
    retryAt: null,
    recurrence: null,
    seriesId: null,
    seriesIndex: null,
    createdAt: '2025-03-01T10:00:00.000Z',
    updatedAt: '2025-03-01T10:00:00.000Z',
    ...overrides,
  };
}

let eventId = 0;
export function makeEvent(postId: string, overrides: Partial<PostEvent>): PostEvent {
  eventId += 1;
  return {
    id: eventId,
    postId,
    at: '2025-03-04T15:00:00.000Z',
    kind: 'created',
    attempt: null,
    errorKind: null,
    message: null,
    detail: {},
    ...overrides,
  };
}

type Handler = (input: never) => Result<unknown> | Promise<Result<unknown>>;

/** Plays lib/api for component tests: routes answer from `handlers`, events go to every listener of a name. */
export function fakeApi(api: { call: ReturnType<typeof vi.fn>; subscribe: ReturnType<typeof vi.fn> }) {
  const handlers: Record<string, Handler> = {};
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: { route: string; input: unknown }[] = [];
  api.call.mockReset();
  api.call.mockImplementation(async (route: string, input: unknown) => {
    calls.push({ route, input });
    const handler = handlers[route];
    if (!handler) throw new Error(`unexpected call ${route}`);
    return handler(input as never);
  });
  api.subscribe.mockReset();
  api.subscribe.mockImplementation((name: string, listener: (payload: unknown) => void) => {
    const set = listeners.get(name) ?? new Set();
    set.add(listener);
    listeners.set(name, set);
    return () => set.delete(listener);
  });
  return {
    answer(route: string, handler: Handler) {
      handlers[route] = handler;
    },
    emit(name: string, payload: unknown) {
      for (const listener of [...(listeners.get(name) ?? [])]) listener(payload);
    },
    calls: (route: string) => calls.filter((c) => c.route === route).map((c) => c.input),
  };
}
