// Messages on the WebSocket binding. Requests carry an id so answers can
// arrive out of order; events carry no id.
import { z } from 'zod';

export const WireRequest = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  route: z.string().max(100),
  input: z.unknown(),
});

export type WireRequest = z.infer<typeof WireRequest>;

export type WireMessage =
  | { type: 'result'; id: number; result: import('./errors').Result<unknown> }
  | { type: 'event'; name: string; payload: unknown }
  | { type: 'error'; message: string };

/** Close codes the server uses; clients show a matching sentence. */
export const WS_CLOSE = { unauthorized: 4401, forbiddenOrigin: 4403, shuttingDown: 1001 } as const;
