// The accounts module's view of the built-in adapters: connecting may need to
// know where the server is (a Bluesky PDS the person named).
import { BUILT_IN_ADAPTERS } from '../platforms/builtInAdapters';
import type { AdapterLookup } from './adapterLookup';

export const builtInAdapters: AdapterLookup = (platform, context) =>
  BUILT_IN_ADAPTERS[platform](platform === 'bluesky' && context.service ? { baseUrl: context.service } : {});
