import { create } from 'zustand';
import type { Result } from '../../../shared/contract/errors';
import type { RouteOutput } from '../../../shared/contract/routes';
import type { ProviderName } from '../../../shared/contract/schemas/models';
import type { SecretStatus } from '../../../shared/contract/schemas/secrets';
import { call } from '../../lib/api';
import { useSettingsStore } from './settingsStore';

/** The keychain entry the OpenAI-compatible provider reads. */
export const OPENAI_KEY = 'openai.apiKey';

type Loadable<T> = { status: 'idle' | 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; message: string };

export type ProvidersStatusData = RouteOutput<'providers.status'>;
export type OllamaModels = RouteOutput<'providers.listOllamaModels'>;
export type ProviderTest =
  | { status: 'running' }
  | { status: 'done'; result: RouteOutput<'providers.test'> }
  | { status: 'failed'; message: string };

interface ProvidersState {
  status: Loadable<ProvidersStatusData>;
  ollamaModels: Loadable<OllamaModels>;
  tests: Partial<Record<ProviderName, ProviderTest>>;
  /** Reachability of every provider and the installed Ollama models, asked together. */
  load(): Promise<void>;
  test(provider: ProviderName): Promise<void>;
  setApiKey(value: string): Promise<Result<SecretStatus>>;
  deleteApiKey(): Promise<Result<SecretStatus>>;
}

// A status that arrives after a newer request was made is dropped.
let ticket = 0;

export const useProvidersStore = create<ProvidersState>()((set, get) => ({
  status: { status: 'idle' },
  ollamaModels: { status: 'idle' },
  tests: {},

  async load() {
    const mine = ++ticket;
    if (get().status.status !== 'ready') set({ status: { status: 'loading' } });
    if (get().ollamaModels.status !== 'ready') set({ ollamaModels: { status: 'loading' } });
    const [status, models] = await Promise.all([call('providers.status', {}), call('providers.listOllamaModels', {})]);
    if (mine !== ticket) return;
    set({
      status: status.ok ? { status: 'ready', data: status.data } : { status: 'failed', message: status.error.message },
      // Unlike the status, an unreachable Ollama is news: the old list no longer applies.
      ollamaModels: models.ok ? { status: 'ready', data: models.data } : { status: 'failed', message: models.error.message },
    });
  },

  async test(provider) {
    set((s) => ({ tests: { ...s.tests, [provider]: { status: 'running' } } }));
    const result = await call('providers.test', { provider });
    const outcome: ProviderTest = result.ok ? { status: 'done', result: result.data } : { status: 'failed', message: result.error.message };
    set((s) => ({ tests: { ...s.tests, [provider]: outcome } }));
  },

  async setApiKey(value) {
    const result = await call('secrets.set', { key: OPENAI_KEY, value });
    if (result.ok) await afterKeyChange(get);
    return result;
  },

  async deleteApiKey() {
    const result = await call('secrets.delete', { key: OPENAI_KEY });
    if (result.ok) await afterKeyChange(get);
    return result;
  },
}));

/** Whether a key is set changes what the provider can do and what the Secrets list shows. */
async function afterKeyChange(get: () => ProvidersState): Promise<void> {
  await Promise.all([get().load(), useSettingsStore.getState().loadDetails()]);
}
