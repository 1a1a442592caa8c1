// Every error code a contract call can return, in one place.
export const ERROR_CODES = [
  'invalid_input', // the input did not match the route's schema
  'unknown_route', // no such `domain.action`
  'not_found',
  'conflict', // e.g. a brand with that name already exists
  'unauthorized', // wrong or missing token / sender not allowed
  'keychain_unavailable', // no OS keychain could be reached
  'data_dir_locked', // another process owns the data folder
  'unavailable', // the engine is not started, or is stopping
  'approval_required', // a tool that writes or publishes was called without a person's approval
  'missing_client_credentials', // a platform's OAuth client id is not set in Settings
  'auth_failed', // signing in to a platform was refused, cancelled or timed out
  'internal', // a bug: the message is logged, the user sees a generic sentence
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One field-level problem, so the UI can show it beside the field. */
export interface ContractIssue {
  path: (string | number)[];
  message: string;
}

export interface ContractError {
  code: ErrorCode;
  message: string;
  issues?: ContractIssue[];
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ContractError };

/** Thrown inside the engine; bindings turn it into `{ ok: false, error }`. */
export class ChorusError extends Error {
  override readonly name = 'ChorusError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ContractIssue[],
  ) {
    super(message);
  }

  toContractError(): ContractError {
    return this.issues?.length
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}

export function isChorusError(value: unknown): value is ChorusError {
  return value instanceof ChorusError;
}
