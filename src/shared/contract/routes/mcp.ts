import { type EventMap, type RouteMap } from './route';

export const mcpRoutes = {} satisfies RouteMap;

export const mcpEvents = {} satisfies EventMap;
