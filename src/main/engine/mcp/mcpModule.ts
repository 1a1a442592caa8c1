import { randomUUID } from 'node:crypto';
import type { HandlersFor } from '../../../shared/contract';
import type { ToolSource } from '../agents/AgentTool';
import type { EngineContext, EngineModule } from '../EngineContext';
import { postSql } from '../repositories/PostRepository';
import { openStandaloneApproval } from '../workflows/approvals';
import { searchKnowledgeText } from './knowledgeSearch';
import { McpHost, type McpHostOptions } from './McpHost';

type McpRoutes =
  | 'mcp.servers'
  | 'mcp.logs'
  | 'mcp.import'
  | 'mcp.remove'
  | 'mcp.restart'
  | 'mcp.callTool'
  | 'drafts.submit'
  | 'knowledge.search';

/** The MCP module: routes, plus the host's tools for the agent runtime. */
export interface McpModule extends EngineModule {
  /** Every running MCP server's tools, namespaced `<server>.<tool>`, with their effect. */
  readonly tools: ToolSource;
  readonly host: McpHost;
}

export type McpModuleOptions = Pick<McpHostOptions, 'backoff' | 'connectTimeoutMs' | 'callTimeoutMs' | 'autoStart'>;

/** MCP servers hosted as child processes, and their tools. */
export function mcpModule(ctx: EngineContext, options: Partial<McpModuleOptions> = {}): McpModule {
  const host = new McpHost({
    dataDir: ctx.dataDir,
    secrets: ctx.secrets,
    log: ctx.log,
    onStatus: (event) => ctx.emit('mcp.status', event),
    // A one-shot CLI command should not spawn every server; they start when their tools are needed.
    autoStart: options.autoStart ?? ctx.host !== 'cli',
    ...options,
  });

  const handlers: HandlersFor<McpRoutes> = {
    'mcp.servers': async () => host.servers(),
    'mcp.logs': async ({ server }) => ({ server, lines: host.logs(server) }),
    'mcp.import': ({ json, mode }) => host.importConfig(json, mode),
    'mcp.remove': ({ server }) => host.remove(server),
    'mcp.restart': ({ server }) => host.restart(server),
    'mcp.callTool': ({ server, tool, arguments: args, approved }) => host.callTool(server, tool, args, { approved }),

    // Straight into the approval queue: a person reviews it before anything is scheduled.
    'drafts.submit': async ({ brandId, platform, text, source }) => {
      await ctx.repos.brands.get(brandId);
      const approvalId = randomUUID();
      const id = await ctx.db.write(async (tx) => {
        const row = await postSql.insert(tx, { brandId, platform, text, status: 'in_review' });
        await postSql.event(tx, row.id, { kind: 'created', detail: { source } });
        await postSql.event(tx, row.id, { kind: 'submitted', message: `Proposed by ${source}.`, detail: { source } });
        const draft = { platform, title: '', text, thread: [], hashtags: [], altText: '', visualIdea: '', proposedAt: null };
        await openStandaloneApproval(tx, { id: approvalId, brandId, postId: row.id, draft, reasoning: `Proposed by ${source} over MCP.` });
        return row.id;
      });
      ctx.emit('posts.changed', { id, status: 'in_review' });
      ctx.emit('approvals.changed', { id: approvalId, runId: null, status: 'pending', brandId });
      return ctx.repos.posts.get(id);
    },
    'knowledge.search': (input) => searchKnowledgeText(ctx.db, input),
  };

  return {
    name: 'mcp',
    handlers,
    tools: host,
    host,
    start: () => host.start(),
    stop: () => host.stop(),
  };
}
