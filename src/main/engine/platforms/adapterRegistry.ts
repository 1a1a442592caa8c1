// Which adapter publishes for an account: the sandbox, or the platform's
// built-in adapter (builtInAdapters.ts). Tests register fakes over either.
import type { Platform } from '../../../shared/platforms';
import { createSandboxAdapter } from './adapters/sandbox';
import { BUILT_IN_ADAPTERS } from './builtInAdapters';
import { PublishError, type PlatformAdapter } from './PlatformAdapter';

/** The account fields the registry reads; `connection` arrives with the accounts migration (0005). */
export interface AdapterAccount {
  platform: Platform;
  handle: string;
  connection?: string | null;
}

/**
 * A sandbox account publishes into the data folder and needs no credentials.
 * Reads `connection` when the account has one; otherwise a handle starting
 * with `sandbox:` marks it (accounts created before connections existed).
 */
export function isSandboxAccount(account: AdapterAccount): boolean {
  if (typeof account.connection === 'string') return account.connection === 'sandbox';
  return account.handle.startsWith('sandbox:');
}

export type AdapterFactory = (platform: Platform) => PlatformAdapter;

export interface AdapterRegistry {
  /** Adds (or replaces) the adapter for a platform's real accounts. */
  register(platform: Platform, factory: AdapterFactory): void;
  /** Replaces how sandbox accounts publish (tests script failures this way). */
  registerSandbox(factory: AdapterFactory): void;
  /** The adapter for an account; throws PublishError('unavailable') when none is registered. */
  adapterFor(account: AdapterAccount): PlatformAdapter;
}

export function createAdapterRegistry(options: { dataDir: string }): AdapterRegistry {
  const factories = new Map<Platform, AdapterFactory>(
    (Object.keys(BUILT_IN_ADAPTERS) as Platform[]).map((platform) => [platform, () => BUILT_IN_ADAPTERS[platform]()]),
  );
  let sandboxFactory: AdapterFactory = (platform) => createSandboxAdapter({ dataDir: options.dataDir, platform });
  // Adapters hold no per-call state; one instance per platform (and per kind) is reused.
  const cache = new Map<string, PlatformAdapter>();

  return {
    register(platform, factory) {
      factories.set(platform, factory);
      cache.delete(`real:${platform}`);
    },
    registerSandbox(factory) {
      sandboxFactory = factory;
      for (const key of [...cache.keys()]) if (key.startsWith('sandbox:')) cache.delete(key);
    },
    adapterFor(account) {
      const sandbox = isSandboxAccount(account);
      const key = `${sandbox ? 'sandbox' : 'real'}:${account.platform}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const factory = sandbox ? sandboxFactory : factories.get(account.platform);
      if (!factory) {
        throw new PublishError('unavailable', `Publishing to ${account.platform} is not available in this version of Chorus.`);
      }
      const adapter = factory(account.platform);
      cache.set(key, adapter);
      return adapter;
    },
  };
}
