import { describe, expect, it } from 'vitest';
import {
  BrandCreateInput,
  ChorusError,
  dispatch,
  EVENT_NAMES,
  events,
  ROUTE_NAMES,
  routes,
  type RouteHandlers,
} from '../../src/shared/contract';
import { isIanaTimeZone } from '../../src/shared/timezone';

const brand = {
  id: '5b3f1f7e-3b7a-4c1e-9a53-1f0e2b7c9d10',
  name: 'Acme',
  description: '',
  voice: '',
  audience: '',
  contentPillars: [],
  bannedWords: [],
  defaultHashtags: [],
  timezone: 'UTC',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

function handlers(overrides: Partial<RouteHandlers>): RouteHandlers {
  const missing = async () => {
    throw new Error('not used in this test');
  };
  return Object.fromEntries(ROUTE_NAMES.map((r) => [r, overrides[r] ?? missing])) as unknown as RouteHandlers;
}

describe('contract', () => {
  it('declares exactly the route and event names the preload knows', () => {
    expect(Object.keys(routes).sort()).toEqual([...ROUTE_NAMES].sort());
    expect(Object.keys(events).sort()).toEqual([...EVENT_NAMES].sort());
    for (const name of ROUTE_NAMES) expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
  });

  it('parses input before the handler sees it', async () => {
    let seen: unknown;
    const result = await dispatch(
      handlers({
        'brands.create': async (input) => {
          seen = input;
          return brand;
        },
      }),
      'brands.create',
      { name: '  Acme  ', defaultHashtags: ['#one', 'ONE', 'two'] },
    );
    expect(result.ok).toBe(true);
    expect(seen).toEqual({ name: 'Acme', defaultHashtags: ['one', 'two'] });
  });

  it('never calls the handler with invalid input', async () => {
    let called = false;
    const result = await dispatch(
      handlers({
        'brands.create': async () => {
          called = true;
          return brand;
        },
      }),
      'brands.create',
      { name: 42 },
    );
    expect(called).toBe(false);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: ['name'] }] } });
  });

  it('turns a ChorusError into its code and a bug into `internal` without leaking it', async () => {
    const notFound = await dispatch(
      handlers({ 'brands.get': async () => Promise.reject(new ChorusError('not_found', 'No such brand.')) }),
      'brands.get',
      { id: brand.id },
    );
    expect(notFound).toEqual({ ok: false, error: { code: 'not_found', message: 'No such brand.' } });

    const logged: unknown[] = [];
    const bug = await dispatch(
      handlers({ 'brands.get': async () => Promise.reject(new Error('secret stack detail')) }),
      'brands.get',
      { id: brand.id },
      { onInternalError: (_route, error) => logged.push(error) },
    );
    expect(bug).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(bug)).not.toContain('secret stack detail');
    expect(logged).toHaveLength(1);
  });

  it('checks handler output against the route schema', async () => {
    const result = await dispatch(
      handlers({ 'brands.get': async () => ({ ...brand, id: 'not-a-uuid' }) }),
      'brands.get',
      { id: brand.id },
      { onInternalError: () => undefined },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('rejects unknown fields on brand input rather than dropping them silently', () => {
    expect(BrandCreateInput.safeParse({ name: 'A', colour: 'red' }).success).toBe(false);
  });

  it('knows IANA time zones', () => {
    expect(isIanaTimeZone('Europe/Paris')).toBe(true);
    expect(isIanaTimeZone('UTC')).toBe(true);
    expect(isIanaTimeZone('Europe/Atlantis')).toBe(false);
    expect(isIanaTimeZone('')).toBe(false);
  });
});
