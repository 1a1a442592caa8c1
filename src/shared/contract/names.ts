// Route and event names without zod, so the sandboxed preload can check names
// without bundling schemas. `routes.ts` is typed against these lists both ways.
// Grouped by domain; add a route's name here and its definition in routes/<domain>.ts.
export const ROUTE_NAMES = [
  // system
  'system.info',
  'system.doctor',
  'secrets.list',
  'secrets.set',
  'secrets.delete',
  'settings.get',
  'settings.update',
  // brands
  'brands.list',
  'brands.get',
  'brands.create',
  'brands.update',
  'brands.delete',
  // platforms and publishing (routes/publishing.ts)
  'accounts.list',
  'posts.list',
  // models and providers (routes/models.ts)
  // agents and teams (routes/agents.ts)
  // MCP servers (routes/mcp.ts)
] as const;

export const EVENT_NAMES = [
  // system
  'settings.changed',
  // brands
  'brands.changed',
  // platforms and publishing (routes/publishing.ts)
  // models and providers (routes/models.ts)
  // agents and teams (routes/agents.ts)
  // MCP servers (routes/mcp.ts)
] as const;

export type RouteName = (typeof ROUTE_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

const routeSet: ReadonlySet<string> = new Set(ROUTE_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);
export const isRouteName = (name: unknown): name is RouteName => typeof name === 'string' && routeSet.has(name);
export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && eventSet.has(name);
