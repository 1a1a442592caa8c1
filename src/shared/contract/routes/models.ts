import { type EventMap, type RouteMap } from './route';

export const modelsRoutes = {} satisfies RouteMap;

export const modelsEvents = {} satisfies EventMap;
