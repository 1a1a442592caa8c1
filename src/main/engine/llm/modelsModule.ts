import type { EngineContext, EngineModule } from '../EngineContext';

/** Model providers (Ollama, OpenAI-compatible, offline), the fallback chain and usage rows. */
export function modelsModule(_ctx: EngineContext): EngineModule {
  return { name: 'models', handlers: {} };
}
