import type { z } from 'zod';
import type { EventName, RouteName } from '../names';

export interface RouteDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One line for docs and `chorus --help`. */
  summary: string;
}

export const route = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): RouteDef<I, O> => ({
  input,
  output,
  summary,
});

/** A domain's slice of the contract. */
export type RouteMap = Partial<Record<RouteName, RouteDef>>;

/** A domain's event streams: name → payload schema. */
export type EventMap = Partial<Record<EventName, z.ZodType>>;
