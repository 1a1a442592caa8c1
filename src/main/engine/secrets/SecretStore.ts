/** Where tokens and API keys live. Values never leave the engine. */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  /** Returns true when something was deleted. */
  delete(key: string): Promise<boolean>;
  /** The keys that are set, without values. */
  keys(): Promise<string[]>;
}
