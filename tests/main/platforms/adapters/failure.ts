import { expect } from 'vitest';
import { PublishError } from '../../../../src/main/engine/platforms/PlatformAdapter';

/** Awaits a call that must fail, and returns its PublishError for the test to inspect. */
export async function failure(promise: Promise<unknown>): Promise<PublishError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
}
