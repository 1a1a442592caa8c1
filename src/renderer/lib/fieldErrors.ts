import type { ContractError } from '../../shared/contract/errors';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

export interface SplitErrors<F extends string> {
  /** One message per field, to show beside it. */
  fields: FieldErrors<F>;
  /** What no field can hold (or null when every issue found its field). */
  general: string | null;
}

/**
 * Sorts a contract error into messages beside fields and one general message.
 * `issues[i].path[0]` names the field; update routes nest the fields under
 * `patch` (`['patch', 'name']`), and array entries add an index
 * (`['defaultHashtags', 2]`), which is turned into "Entry 3: …".
 */
export function splitErrors<F extends string>(error: ContractError, fields: readonly F[]): SplitErrors<F> {
  const known = new Set<string>(fields);
  const result: FieldErrors<F> = {};
  const leftover: string[] = [];
  for (const issue of error.issues ?? []) {
    const path = issue.path[0] === 'patch' ? issue.path.slice(1) : issue.path;
    const [field, index] = path;
    if (typeof field === 'string' && known.has(field)) {
      const key = field as F;
      // The first problem per field is the one to fix first; more would crowd the form.
      if (result[key] === undefined) {
        result[key] = typeof index === 'number' ? `Entry ${index + 1}: ${issue.message}` : issue.message;
      }
    } else {
      leftover.push(issue.message);
    }
  }
  const anyField = Object.keys(result).length > 0;
  let general: string | null = null;
  if (!anyField) general = error.message;
  else if (leftover.length) general = leftover.join(' ');
  return { fields: result, general };
}
