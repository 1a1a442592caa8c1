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
  'posts.list',
  'posts.get',
  'posts.history',
  'posts.create',
  'posts.update',
  'posts.schedule',
  'posts.reschedule',
  'posts.unschedule',
  'posts.publishNow',
  'posts.delete',
  'schedule.status',
  'schedule.pause',
  'schedule.resume',
  // accounts (routes/accounts.ts)
  'accounts.list',
  'accounts.connectSandbox',
  'accounts.connectAppPassword',
  'accounts.startOAuth',
  'accounts.oauthStatus',
  'accounts.reconnect',
  'accounts.disconnect',
  'accounts.refresh',
  // models and providers (routes/models.ts)
  'providers.status',
  'providers.listOllamaModels',
  'providers.test',
  // agents and teams (routes/agents.ts)
  'agents.list',
  'agents.run',
  'agents.runAndWait',
  'agents.cancel',
  'agents.runs',
  'teams.list',
  'teams.run',
  // MCP servers (routes/mcp.ts)
  'mcp.servers',
  'mcp.logs',
  'mcp.import',
  'mcp.remove',
  'mcp.restart',
  'mcp.callTool',
  'drafts.submit',
  'knowledge.search',
  // workflows, runs and approvals (routes/workflows.ts)
  'workflows.list',
  'workflows.start',
  'workflows.settings',
  'workflows.updateSettings',
  'runs.list',
  'runs.get',
  'runs.cancel',
  'runs.retry',
  'approvals.list',
  'approvals.approve',
  'approvals.reject',
  'approvals.approveMany',
] as const;

export const EVENT_NAMES = [
  // system
  'settings.changed',
  // brands
  'brands.changed',
  // platforms and publishing (routes/publishing.ts)
  'posts.changed',
  'publish.result',
  'schedule.changed',
  // accounts (routes/accounts.ts)
  'accounts.changed',
  'accounts.oauthFinished',
  // models and providers (routes/models.ts)
  // agents and teams (routes/agents.ts)
  'agents.runEvent',
  // MCP servers (routes/mcp.ts)
  'mcp.status',
  // workflows, runs and approvals (routes/workflows.ts)
  'runs.changed',
  'runs.event',
  'approvals.changed',
] as const;

export type RouteName = (typeof ROUTE_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

const routeSet: ReadonlySet<string> = new Set(ROUTE_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);
export const isRouteName = (name: unknown): name is RouteName => typeof name === 'string' && routeSet.has(name);
export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && eventSet.has(name);
