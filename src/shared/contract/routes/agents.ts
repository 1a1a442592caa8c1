import { type EventMap, type RouteMap } from './route';

export const agentsRoutes = {} satisfies RouteMap;

export const agentsEvents = {} satisfies EventMap;
