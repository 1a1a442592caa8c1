import { ChorusError, type HandlersFor, type Settings } from '../../../shared/contract';
import type { ProviderName, ProviderStatus } from '../../../shared/contract/schemas/models';
import type { EngineContext, EngineModule } from '../EngineContext';
import { ModelCallLog } from './ModelCallLog';
import { ProviderError, type ModelProvider } from './ModelProvider';
import { ModelRouter, type ModelRef } from './modelRouter';
import { OfflineProvider } from './OfflineProvider';
import { OllamaProvider } from './OllamaProvider';
import { OPENAI_API_KEY_SECRET, OpenAIProvider, requiresApiKey } from './OpenAIProvider';

type ModelRoutes = 'providers.status' | 'providers.listOllamaModels' | 'providers.test';

/**
 * What the models module gives the rest of the engine (the agents module
 * takes it in `createModules`): the router for every model call, and the
 * usage log for reading rows back.
 */
export interface ModelsModule extends EngineModule {
  readonly name: 'models';
  readonly router: ModelRouter;
  readonly callLog: ModelCallLog;
  readonly providers: { readonly ollama: OllamaProvider; readonly openai: OpenAIProvider; readonly offline: OfflineProvider };
}

/** The default chain from settings: e.g. ['ollama:llama3.2', 'openai:gpt-4o-mini', 'offline']. */
export function defaultChain(settings: Settings): ModelRef[] {
  return settings.modelFallbackOrder.map((provider) => {
    if (provider === 'ollama') return `ollama:${settings.ollamaModel}`;
    if (provider === 'openai') return `openai:${settings.openaiModel}`;
    return 'offline';
  });
}

/** Model providers (Ollama, OpenAI-compatible, offline), the fallback chain and usage rows. */
export function modelsModule(ctx: EngineContext): ModelsModule {
  const settings = () => ctx.settings.read();
  const ollama = new OllamaProvider({
    host: () => settings().ollamaUrl,
    defaultContextWindow: () => settings().ollamaContextWindow,
  });
  const openai = new OpenAIProvider({
    baseUrl: () => settings().openaiBaseUrl,
    apiKey: () => ctx.secrets.get(OPENAI_API_KEY_SECRET),
  });
  const offline = new OfflineProvider();
  const callLog = new ModelCallLog(ctx.db);
  const router = new ModelRouter({
    providers: [ollama, openai, offline],
    defaultChain: () => defaultChain(settings()),
    defaultModel: (provider) =>
      provider === 'ollama' ? settings().ollamaModel : provider === 'openai' ? settings().openaiModel : undefined,
    log: callLog,
    openaiBaseUrl: () => settings().openaiBaseUrl,
    onLogError: (error) => ctx.log('Could not record a model call', error),
  });
  const byName: Record<ProviderName, ModelProvider> = { ollama, openai, offline };

  async function keySet(): Promise<boolean> {
    try {
      return !!(await ctx.secrets.get(OPENAI_API_KEY_SECRET));
    } catch {
      return false;
    }
  }

  async function status(name: ProviderName): Promise<ProviderStatus> {
    const current = settings();
    const provider = byName[name];
    const endpoint = name === 'ollama' ? current.ollamaUrl : name === 'openai' ? current.openaiBaseUrl : null;
    const model = name === 'ollama' ? current.ollamaModel : name === 'openai' ? current.openaiModel : 'templates';
    const hasKey = name === 'openai' ? await keySet() : null;
    if (name === 'openai' && !hasKey && requiresApiKey(current.openaiBaseUrl)) {
      return { provider: name, reachable: false, reason: 'No OpenAI API key is set.', keySet: false, model, models: [], endpoint };
    }
    const available = await provider.availability();
    if (!available.ok) return { provider: name, reachable: false, reason: available.reason, keySet: hasKey, model, models: [], endpoint };
    const models = await provider.listModels().catch(() => []);
    return { provider: name, reachable: true, reason: null, keySet: hasKey, model, models, endpoint };
  }

  const handlers: HandlersFor<ModelRoutes> = {
    'providers.status': async () => ({
      providers: await Promise.all((['ollama', 'openai', 'offline'] as const).map(status)),
      chain: defaultChain(settings()),
    }),
    'providers.listOllamaModels': async () => {
      try {
        return await ollama.listModels();
      } catch (error) {
        if (error instanceof ProviderError) throw new ChorusError('unavailable', error.message);
        throw error;
      }
    },
    'providers.test': async ({ provider }) => {
      const candidate = router.resolve(provider);
      const started = performance.now();
      try {
        const response = await router.callCandidate(
          candidate,
          {
            messages: [{ role: 'user', content: 'Reply with the single word: ready' }],
            contextWindow: settings().ollamaContextWindow,
            purpose: { agentId: 'settings.test', task: 'A test post to check the offline drafter' },
          },
          { agentId: 'settings.test' },
        );
        return {
          provider,
          ok: true,
          model: response.model,
          reply: response.content.trim().slice(0, 500),
          latencyMs: Math.round(performance.now() - started),
          errorKind: null,
          message: null,
          templateMade: !!response.templateMade,
        };
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        return {
          provider,
          ok: false,
          model: candidate.model,
          reply: null,
          latencyMs: Math.round(performance.now() - started),
          errorKind: error.kind,
          message: error.message,
          templateMade: false,
        };
      }
    },
  };

  return { name: 'models', handlers, router, callLog, providers: { ollama, openai, offline } };
}
