import { agentsModule } from './agents/agentsModule';
import { brandsModule } from './brands/brandsModule';
import type { EngineContext, EngineModule } from './EngineContext';
import { modelsModule } from './llm/modelsModule';
import { mcpModule } from './mcp/mcpModule';
import { publishingModule } from './publishing/publishingModule';
import { systemModule } from './system/systemModule';

/**
 * Every engine module, wired in one place: dependencies are passed explicitly.
 * Started in this order after the database opens, stopped in reverse.
 */
export function createModules(ctx: EngineContext): EngineModule[] {
  const system = systemModule(ctx);
  const brands = brandsModule(ctx);
  const publishing = publishingModule(ctx);
  const models = modelsModule(ctx);
  const mcp = mcpModule(ctx);
  const agents = agentsModule(ctx, { models, mcp });
  return [system, brands, publishing, models, mcp, agents];
}
