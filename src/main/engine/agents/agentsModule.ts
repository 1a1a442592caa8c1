import type { EngineContext, EngineModule } from '../EngineContext';

/** Agents from agents/*.md, their runtime and the teams. */
export function agentsModule(_ctx: EngineContext, _deps: { models: EngineModule; mcp: EngineModule }): EngineModule {
  return { name: 'agents', handlers: {} };
}
