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

/** A clock the adapter and the fake server share; sleeping advances it and is recorded. */
export class FakeTime {
  readonly sleeps: number[] = [];
  constructor(public now: number) {}

  /** `now` and `sleep` for an adapter's options. */
  adapterOptions() {
    return {
      now: () => this.now,
      sleep: async (ms: number) => {
        this.sleeps.push(ms);
        this.now += ms;
      },
    };
  }
}
