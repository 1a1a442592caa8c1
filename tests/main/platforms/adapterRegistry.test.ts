import { describe, expect, it } from 'vitest';
import { builtInAdapters } from '../../../src/main/engine/accounts/platformAdapters';
import { createAdapterRegistry } from '../../../src/main/engine/platforms/adapterRegistry';
import { PLATFORMS } from '../../../src/shared/platforms';

describe('adapter registry', () => {
  it('has a built-in adapter for every platform, for publishing and for connecting', () => {
    const registry = createAdapterRegistry({ dataDir: '/nonexistent' });
    for (const platform of PLATFORMS) {
      const adapter = registry.adapterFor({ platform, handle: 'someone', connection: 'oauth2-pkce' });
      expect(adapter.platform, platform).toBe(platform);
      expect(builtInAdapters(platform, {})?.platform, platform).toBe(platform);
    }
  });

  it('sends sandbox accounts to the sandbox adapter whatever their platform', () => {
    const registry = createAdapterRegistry({ dataDir: '/nonexistent' });
    expect(registry.adapterFor({ platform: 'x', handle: 'demo', connection: 'sandbox' }).connection).toBe('sandbox');
    expect(registry.adapterFor({ platform: 'bluesky', handle: 'sandbox:demo' }).connection).toBe('sandbox');
  });

  it('connects Bluesky at the PDS the person named', () => {
    expect(builtInAdapters('bluesky', { service: 'https://pds.example' })?.connection).toBe('app-password');
    expect(builtInAdapters('mastodon', {})?.connection).toBe('mastodon-app');
  });
});
