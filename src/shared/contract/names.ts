// Route and event names without zod, so the sandboxed preload can check names
// without bundling schemas. `routes.ts` is typed against these lists both ways.
export const ROUTE_NAMES = [
  'system.info',
  'system.doctor',
  'brands.list',
  'brands.get',
  'brands.create',
  'brands.update',
  'brands.delete',
  'accounts.list',
  'posts.list',
  'secrets.list',
  'secrets.set',
  'secrets.delete',
  'settings.get',
  'settings.update',
] as const;

export const EVENT_NAMES = ['brands.changed', 'settings.changed'] as const;

export type RouteName = (typeof ROUTE_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

const routeSet: ReadonlySet<string> = new Set(ROUTE_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);
export const isRouteName = (name: unknown): name is RouteName => typeof name === 'string' && routeSet.has(name);
export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && eventSet.has(name);
