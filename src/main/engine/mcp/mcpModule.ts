import type { EngineContext, EngineModule } from '../EngineContext';

/** MCP servers hosted as child processes, and their tools. */
export function mcpModule(_ctx: EngineContext): EngineModule {
  return { name: 'mcp', handlers: {} };
}
