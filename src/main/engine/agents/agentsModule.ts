import { randomUUID } from 'node:crypto';
import { ChorusError, type HandlersFor } from '../../../shared/contract';
import type { AgentRunResult, AgentSummary } from '../../../shared/contract/schemas/agents';
import type { EngineContext, EngineModule } from '../EngineContext';
import type { ModelsModule } from '../llm/modelsModule';
import type { McpModule } from '../mcp/mcpModule';
import { loadAgents, type AgentDefinition } from './agentLoader';
import { AgentRunRepository } from './AgentRunRepository';
import type { AgentTool } from './AgentTool';
import { builtinTools } from './builtinTools';
import { runAgent, type AgentRunOutcome, type RunAgentContext } from './runAgent';
import { runTeam, summarizeTeams } from './teams';

type AgentRoutes = 'agents.list' | 'agents.run' | 'agents.runAndWait' | 'agents.cancel' | 'agents.runs' | 'teams.list' | 'teams.run';

export interface AgentsModule extends EngineModule {
  readonly runs: AgentRunRepository;
  /** The agents as loaded now (built-in and the data folder's). */
  definitions(): AgentDefinition[];
  /** Every tool an agent may be allowed: built-ins and the MCP servers' tools. */
  tools(): Promise<AgentTool[]>;
}

function summary(agent: AgentDefinition): AgentSummary {
  const { id, name, team, role, model, tools, output, source, path } = agent;
  return { id, name, team, role, model, tools, output, source, path };
}

/**
 * Agents from agents/*.md (and the data folder's agents/), their runtime and
 * the teams. Write tools are refused: no approver is wired yet, so an agent
 * can propose a change in its output but never make one on its own.
 */
export function agentsModule(ctx: EngineContext, deps: { models: ModelsModule; mcp: McpModule }): AgentsModule {
  const runs = new AgentRunRepository(ctx.db);
  const active = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  const builtins = builtinTools({
    db: ctx.db,
    brands: ctx.repos.brands,
    knowledge: ctx.repos.knowledge,
    embedQuery: async (text, model, signal) => {
      const ref = /^(ollama|openai):/.test(model) ? model : `ollama:${model}`;
      const result = await deps.models.router.embed({ input: [text], chain: [ref], agentId: 'chorus.search_knowledge', signal });
      return result.embeddings[0] ?? null;
    },
  });

  // Read on every call: a user editing agents/*.md sees the change without a restart.
  const load = () => loadAgents({ dataDir: ctx.dataDir });

  function agentById(id: string): AgentDefinition {
    const { agents, problems } = load();
    const agent = agents.find((a) => a.id === id);
    if (agent) return agent;
    const broken = problems.find((p) => p.path.endsWith(`${id}.md`));
    throw new ChorusError(
      'not_found',
      broken ? `The agent "${id}" could not be loaded: ${broken.path}:${broken.line}: ${broken.message}` : `There is no agent "${id}". See \`chorus agents list\`.`,
    );
  }

  async function tools(): Promise<AgentTool[]> {
    try {
      return [...builtins, ...(await deps.mcp.tools.listTools())];
    } catch (error) {
      ctx.log('MCP tools are unavailable for this run', error);
      return builtins;
    }
  }

  async function contextFor(brandId: string, runId: string, controller: AbortController): Promise<RunAgentContext> {
    const brand = await ctx.repos.brands.get(brandId);
    return {
      models: deps.models.router,
      tools: await tools(),
      runs,
      brand,
      runId,
      journaled: true,
      signal: controller.signal,
      onEvent: (event) => ctx.emit('agents.runEvent', event),
    };
  }

  /** Writes the run row, then runs `work` in the background, tracked for cancel and stop. */
  async function launch(agentId: string, brandId: string, task: string, work: (context: RunAgentContext) => Promise<AgentRunOutcome>) {
    const runId = randomUUID();
    const controller = new AbortController();
    const context = await contextFor(brandId, runId, controller);
    await runs.start({ id: runId, agentId, brandId, task });
    const done = work(context)
      .catch(async (error: unknown) => {
        // runAgent journals its own failures; this is for errors before or around it.
        const message = error instanceof Error ? error.message : String(error);
        await runs.finish(runId, { status: 'failed', error: message }).catch(() => undefined);
        ctx.emit('agents.runEvent', { kind: 'error', runId, agentId, parentRunId: null, status: 'failed', message });
        return null;
      })
      .finally(() => active.delete(runId));
    active.set(runId, { controller, done });
    return { runId, done };
  }

  async function result(outcome: AgentRunOutcome): Promise<AgentRunResult> {
    const usage = (await runs.usage([outcome.runId])).get(outcome.runId)!;
    return { ...outcome, usage, childRunIds: await runs.children(outcome.runId) };
  }

  const handlers: HandlersFor<AgentRoutes> = {
    'agents.list': async () => {
      const { agents, problems } = load();
      return { agents: agents.map(summary), problems };
    },
    'agents.run': async ({ agentId, brandId, task }) => {
      const agent = agentById(agentId);
      const { runId } = await launch(agent.id, brandId, task, (context) => runAgent(agent, { task }, context));
      return { runId };
    },
    'agents.runAndWait': async ({ agentId, brandId, task }) => {
      const agent = agentById(agentId);
      const { done } = await launch(agent.id, brandId, task, (context) => runAgent(agent, { task }, context));
      const outcome = await done;
      if (!outcome) throw new ChorusError('internal', 'The run failed before it could start.');
      return result(outcome);
    },
    'agents.cancel': async ({ runId }) => {
      const run = active.get(runId);
      if (!run) return { cancelled: false };
      run.controller.abort();
      await run.done;
      return { cancelled: true };
    },
    'agents.runs': (filter) => runs.list(filter),
    'teams.list': async () => summarizeTeams(load().agents),
    'teams.run': async ({ teamId, brandId, task }) => {
      const { agents } = load();
      const { runId } = await launch('orchestrator', brandId, task, async (context) => (await runTeam(teamId, { task }, agents, context)).final);
      return { runId };
    },
  };

  return {
    name: 'agents',
    handlers,
    runs,
    definitions: () => load().agents,
    tools,
    async start() {
      const closed = await runs.failInterrupted();
      if (closed) ctx.log(`Closed ${closed} agent run(s) left running when Chorus last stopped.`);
    },
    async stop() {
      for (const run of active.values()) run.controller.abort();
      await Promise.allSettled([...active.values()].map((r) => r.done));
    },
  };
}
