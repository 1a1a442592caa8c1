import type { z } from 'zod';
import { ChorusError, type ContractIssue, type Result } from './errors';
import { isRouteName, type RouteName } from './names';
import { routes, type RouteHandlers, type RouteOutput } from './routes';

export function issuesFrom(error: z.ZodError): ContractIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: issue.message,
  }));
}

function describe(issues: ContractIssue[]): string {
  const first = issues[0];
  if (!first) return 'The input is not valid.';
  const where = first.path.length ? `${first.path.join('.')}: ` : '';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${where}${first.message}${more}`;
}

export interface DispatchOptions {
  /** Called with unexpected errors (bugs); the caller only sees `internal`. */
  onInternalError?: (route: string, error: unknown) => void;
}

/**
 * The one path every binding takes: name check, parse the input, call the
 * handler, check the output. Never throws.
 */
export async function dispatch(
  handlers: RouteHandlers,
  route: unknown,
  rawInput: unknown,
  options: DispatchOptions = {},
): Promise<Result<unknown>> {
  if (!isRouteName(route)) {
    return { ok: false, error: { code: 'unknown_route', message: `There is no route named ${JSON.stringify(route)}.` } };
  }
  const def = routes[route];
  const parsed = def.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = issuesFrom(parsed.error);
    return { ok: false, error: { code: 'invalid_input', message: describe(issues), issues } };
  }
  try {
    const handler = handlers[route] as (input: unknown) => Promise<unknown>;
    const output = await handler(parsed.data);
    const checked = def.output.safeParse(output);
    if (!checked.success) {
      options.onInternalError?.(route, new Error(`Output of ${route} broke its schema: ${checked.error.message}`));
      return { ok: false, error: { code: 'internal', message: `Chorus produced an invalid answer for ${route}.` } };
    }
    return { ok: true, data: checked.data };
  } catch (error) {
    if (error instanceof ChorusError) return { ok: false, error: error.toContractError() };
    options.onInternalError?.(route, error);
    return { ok: false, error: { code: 'internal', message: `Something went wrong in ${route}; details are in the log.` } };
  }
}

export type { RouteOutput, RouteName };
