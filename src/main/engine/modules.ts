import { accountsModule } from './accounts/accountsModule';
import { builtInAdapters } from './accounts/platformAdapters';
import { agentsModule } from './agents/agentsModule';
import { brandsModule } from './brands/brandsModule';
import type { EngineContext, EngineModule } from './EngineContext';
import { modelsModule } from './llm/modelsModule';
import { mcpModule } from './mcp/mcpModule';
import { publishingModule } from './publishing/publishingModule';
import { systemModule } from './system/systemModule';
import { workflowsModule } from './workflows/workflowsModule';

/**
 * Every engine module, wired in one place: dependencies are passed explicitly.
 * Started in this order after the database opens, stopped in reverse.
 */
export function createModules(ctx: EngineContext): EngineModule[] {
  const system = systemModule(ctx);
  const brands = brandsModule(ctx);
  // Before publishing: it takes fresh tokens from accounts.credentials (a CredentialProvider).
  const accounts = accountsModule(ctx, { adapterFor: builtInAdapters, openExternal: ctx.openExternal });
  const publishing = publishingModule(ctx, { credentials: accounts.credentials });
  const models = modelsModule(ctx);
  const mcp = mcpModule(ctx);
  const agents = agentsModule(ctx, { models, mcp });
  // Last: it resumes runs at start, which needs every other module running.
  const workflows = workflowsModule(ctx, { models, agents, publishing });
  return [system, brands, accounts, publishing, models, mcp, agents, workflows];
}
