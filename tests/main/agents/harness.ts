// Shared set-up for the agent runtime tests: a migrated in-memory database, a
// brand, the built-in tools, and a router over a scripted model.
import { Database } from '../../../src/main/engine/db/Database';
import type { AgentDefinition } from '../../../src/main/engine/agents/agentLoader';
import { AgentRunRepository } from '../../../src/main/engine/agents/AgentRunRepository';
import type { AgentTool } from '../../../src/main/engine/agents/AgentTool';
import { builtinTools } from '../../../src/main/engine/agents/builtinTools';
import type { RunAgentContext } from '../../../src/main/engine/agents/runAgent';
import { ModelCallLog } from '../../../src/main/engine/llm/ModelCallLog';
import type { ModelProvider } from '../../../src/main/engine/llm/ModelProvider';
import { ModelRouter } from '../../../src/main/engine/llm/modelRouter';
import { OfflineProvider } from '../../../src/main/engine/llm/OfflineProvider';
import { BrandRepository } from '../../../src/main/engine/repositories/BrandRepository';
import { KnowledgeRepository } from '../../../src/main/engine/repositories/KnowledgeRepository';
import type { Brand } from '../../../src/shared/contract';

export interface Harness {
  db: Database;
  runs: AgentRunRepository;
  brand: Brand;
  tools: AgentTool[];
  callLog: ModelCallLog;
  /** A router whose chain is the given provider (model `scripted`), then optionally the offline drafter. */
  router(provider: ModelProvider, options?: { offlineFallback?: boolean; log?: boolean }): ModelRouter;
  context(provider: ModelProvider, extra?: Partial<RunAgentContext> & { offlineFallback?: boolean }): RunAgentContext;
  close(): Promise<void>;
}

export async function openHarness(): Promise<Harness> {
  const db = await Database.openInMemory();
  await db.migrate();
  const brands = new BrandRepository(db);
  const brand = await brands.create(
    {
      name: 'Fjord Coffee',
      description: 'Small-batch coffee roaster in Bergen.',
      voice: 'Warm, plain-spoken, a little dry humour.',
      audience: 'Home brewers and cafe owners in Norway.',
      contentPillars: ['brewing guides', 'sourcing'],
      bannedWords: ['best'],
      defaultHashtags: ['FjordCoffee'],
      timezone: 'Europe/Oslo',
    },
    'UTC',
  );
  const runs = new AgentRunRepository(db);
  const callLog = new ModelCallLog(db);
  const tools = builtinTools({ db, brands, knowledge: new KnowledgeRepository(db) });
  const router = (provider: ModelProvider, options: { offlineFallback?: boolean; log?: boolean } = {}) =>
    new ModelRouter({
      providers: [provider, new OfflineProvider()],
      defaultChain: () => [`${provider.id}:scripted`, ...(options.offlineFallback ? ['offline'] : [])],
      defaultModel: (id) => (id === 'offline' ? 'templates' : 'scripted'),
      log: options.log === false ? null : callLog,
    });
  return {
    db,
    runs,
    brand,
    tools,
    callLog,
    router,
    context: (provider, extra = {}) => {
      const { offlineFallback, ...rest } = extra;
      return { models: router(provider, { offlineFallback: !!offlineFallback }), tools, runs, brand, ...rest };
    },
    close: () => db.close(),
  };
}

export function agent(overrides: Partial<AgentDefinition> = {}): AgentDefinition {
  return {
    id: 'tester',
    name: 'Tester',
    team: 'creative',
    role: 'Writes test drafts.',
    model: 'default',
    tools: ['chorus.*'],
    output: 'draft',
    maxSteps: 5,
    instructions: 'You write drafts for the tests. Use the tools when you need facts.',
    source: 'builtin',
    path: '(test)',
    ...overrides,
  };
}

export const DRAFT_JSON = JSON.stringify({
  drafts: [{ platform: 'linkedin', text: 'Winter blend is here: cocoa, plum, a long finish.', hashtags: ['FjordCoffee'], notes: 'Launch post.' }],
});
