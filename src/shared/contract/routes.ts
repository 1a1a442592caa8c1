import type { z } from 'zod';
import type { EventName, RouteName } from './names';
import { accountsEvents, accountsRoutes } from './routes/accounts';
import { brandEvents, brandRoutes } from './routes/brands';
import { publishingEvents, publishingRoutes } from './routes/publishing';
import type { RouteDef } from './routes/route';
import { systemEvents, systemRoutes } from './routes/system';
import { modelsEvents, modelsRoutes } from './routes/models';
import { agentsEvents, agentsRoutes } from './routes/agents';
import { mcpEvents, mcpRoutes } from './routes/mcp';
import { workflowsEvents, workflowsRoutes } from './routes/workflows';

export type { EventMap, RouteDef, RouteMap } from './routes/route';

// Each domain declares its slice in routes/<domain>.ts; this is the whole contract.
// `satisfies Record<RouteName, …>` makes the names list and this map agree both ways.
export const routes = {
  ...systemRoutes,
  ...brandRoutes,
  ...publishingRoutes,
  ...accountsRoutes,
  ...modelsRoutes,
  ...agentsRoutes,
  ...mcpRoutes,
  ...workflowsRoutes,
} satisfies Record<RouteName, RouteDef>;

export const events = {
  ...systemEvents,
  ...brandEvents,
  ...publishingEvents,
  ...accountsEvents,
  ...modelsEvents,
  ...agentsEvents,
  ...mcpEvents,
  ...workflowsEvents,
} satisfies Record<EventName, z.ZodType>;

export type Routes = typeof routes;
export type RouteInput<R extends RouteName> = z.input<Routes[R]['input']>;
export type RouteParsedInput<R extends RouteName> = z.output<Routes[R]['input']>;
export type RouteOutput<R extends RouteName> = z.output<Routes[R]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What the engine implements: one function per route, taking parsed input. */
export type RouteHandlers = { [R in RouteName]: (input: RouteParsedInput<R>) => Promise<RouteOutput<R>> };
/** A domain module's share of the handlers. */
export type HandlersFor<K extends RouteName> = Pick<RouteHandlers, K>;
