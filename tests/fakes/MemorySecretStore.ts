import type { SecretStore } from '../../src/main/engine';

/** For tests about something other than the keychain; tests/main/engine/keychain.test.ts uses the real one. */
export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key) ?? null;
  }
  async set(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    return this.values.delete(key);
  }
  async keys() {
    return [...this.values.keys()].sort();
  }
}
