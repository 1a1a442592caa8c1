// The agent runtime's own overhead per step, with a model that answers in no
// time: prompt building, tool dispatch and argument validation, the structured
// output parse, the run/step journal and one usage row per model call, all on
// a PGlite database on disk as in the app. Target: < 5 ms per step.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AgentDefinition } from '../src/main/engine/agents/agentLoader';
import { AgentRunRepository } from '../src/main/engine/agents/AgentRunRepository';
import { builtinTools } from '../src/main/engine/agents/builtinTools';
import { runAgent } from '../src/main/engine/agents/runAgent';
import { Database } from '../src/main/engine/db/Database';
import { ModelCallLog } from '../src/main/engine/llm/ModelCallLog';
import { ModelRouter } from '../src/main/engine/llm/modelRouter';
import { BrandRepository } from '../src/main/engine/repositories/BrandRepository';
import { KnowledgeRepository } from '../src/main/engine/repositories/KnowledgeRepository';
import { ScriptedProvider } from '../tests/fakes/ScriptedProvider';
import { round, summary } from './stats';

const DRAFT = JSON.stringify({ drafts: [{ platform: 'x', text: 'Winter blend is here.', hashtags: ['coffee'], notes: 'bench' }] });

const AGENT: AgentDefinition = {
  id: 'bench',
  name: 'Bench',
  team: 'creative',
  role: 'Benchmarks the runtime.',
  model: 'default',
  tools: ['chorus.*'],
  output: 'draft',
  maxSteps: 5,
  instructions: 'Write a draft. Use the tools when you need facts.',
  source: 'builtin',
  path: '(bench)',
};

/** One run = 3 steps: a tool call (brand profile), a model note, the final structured answer. */
export async function benchAgentStep(runs = 200, warmup = 20) {
  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-bench-agent-'));
  const db = await Database.open(dataDir);
  try {
    await db.migrate();
    const brands = new BrandRepository(db);
    const brand = await brands.create({ name: 'Bench Coffee', voice: 'Warm.', contentPillars: ['brewing'] }, 'UTC');
    const tools = builtinTools({ db, brands, knowledge: new KnowledgeRepository(db) });
    const provider = new ScriptedProvider({
      script: [{ toolCalls: [{ name: 'chorus.brand_profile', arguments: {} }] }, { content: 'ready' }, { content: DRAFT }],
      whenExhausted: 'cycle',
    });
    const router = new ModelRouter({
      providers: [provider],
      defaultChain: () => ['scripted:scripted'],
      defaultModel: () => 'scripted',
      log: new ModelCallLog(db),
    });
    const context = { models: router, tools, runs: new AgentRunRepository(db), brand, onEvent: () => undefined };

    const perStep: number[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      const calls = provider.calls.length;
      const started = performance.now();
      const result = await runAgent(AGENT, { task: 'A post for X about the winter blend' }, context);
      const elapsed = performance.now() - started;
      if (result.status !== 'succeeded') throw new Error(`bench run failed: ${result.error}`);
      if (i >= warmup) perStep.push(elapsed / (provider.calls.length - calls));
    }
    const stats = summary(perStep);
    return {
      agentStepOverheadMs: {
        ...stats,
        mean: round(perStep.reduce((a, b) => a + b, 0) / perStep.length),
        stepsPerRun: 3,
        includes: 'run row, tool-call and final step rows, one model_calls row per step, events, schema validation',
        targetMs: 5,
        met: stats.p50 < 5,
      },
    };
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await benchAgentStep(), null, 2)}\n`);
}
