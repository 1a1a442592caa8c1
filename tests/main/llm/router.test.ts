import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../../src/main/engine/db/Database';
import { ModelCallLog } from '../../../src/main/engine/llm/ModelCallLog';
import { ModelChainError, ModelRouter } from '../../../src/main/engine/llm/modelRouter';
import { OfflineProvider } from '../../../src/main/engine/llm/OfflineProvider';
import { OllamaProvider } from '../../../src/main/engine/llm/OllamaProvider';
import { OpenAIProvider } from '../../../src/main/engine/llm/OpenAIProvider';
import { costUsd } from '../../../src/main/engine/llm/prices';
import { FakeOllamaServer } from '../../fakes/FakeOllamaServer';
import { FakeOpenAIServer } from '../../fakes/FakeOpenAIServer';
import { ScriptedProvider } from '../../fakes/ScriptedProvider';
import { freshDataDir } from '../../fakes/tempDir';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function callLog(): Promise<ModelCallLog> {
  const dir = await freshDataDir();
  cleanups.push(dir.cleanup);
  const db = await Database.open(dir.path);
  cleanups.push(() => db.close());
  await db.migrate();
  return new ModelCallLog(db);
}

function routerWith(log: ModelCallLog, ollamaUrl: string, openaiUrl: string, key: string | null, chain: string[]): ModelRouter {
  return new ModelRouter({
    providers: [
      new OllamaProvider({ host: () => ollamaUrl, availabilityTimeoutMs: 500 }),
      new OpenAIProvider({ baseUrl: () => openaiUrl, apiKey: async () => key }),
      new OfflineProvider(),
    ],
    defaultChain: () => chain,
    defaultModel: () => undefined,
    log,
    openaiBaseUrl: () => openaiUrl,
  });
}

describe('ModelRouter', () => {
  it('falls back Ollama down → OpenAI without a key → offline, recording each reason, and marks the offline draft template-made', async () => {
    const log = await callLog();
    const port = await closedPort();
    const router = routerWith(log, `http://127.0.0.1:${port}`, 'https://api.openai.com/v1', null, ['ollama:llama3.2', 'openai:gpt-4o-mini', 'offline']);
    const response = await router.chat({
      agentId: 'drafter',
      runId: 'run-1',
      stepPath: 'draft/0',
      messages: [{ role: 'user', content: 'Announce our new single-origin espresso' }],
      purpose: { agentId: 'drafter', task: 'Announce our new single-origin espresso', platform: 'x' },
    });
    expect(response.provider).toBe('offline');
    expect(response.templateMade).toBe(true);
    expect(response.fallbacks.map((f) => [f.ref, f.kind])).toEqual([
      ['ollama:llama3.2', 'unreachable'],
      ['openai:gpt-4o-mini', 'auth'],
    ]);

    const rows = await log.list({ runId: 'run-1' });
    expect(rows.map((r) => [r.provider, r.errorKind, r.templateMade])).toEqual([
      ['ollama', 'unreachable', false],
      ['openai', 'auth', false],
      ['offline', null, true],
    ]);
    expect(rows[0]!.fallbackReason).toBeNull();
    expect(rows[1]!.fallbackReason).toMatch(/^ollama:llama3.2: /);
    expect(rows[2]!.fallbackReason).toMatch(/^openai:gpt-4o-mini: No OpenAI API key/);
    expect(rows.every((r) => r.agentId === 'drafter' && r.stepPath === 'draft/0')).toBe(true);
    expect(rows[2]!.costUsd).toBe(0);
  });

  it('writes a usage row with tokens, latency and cost for every call of a tool conversation', async () => {
    const log = await callLog();
    const ollama = new FakeOllamaServer();
    await ollama.start();
    cleanups.push(() => ollama.close());
    const openai = new FakeOpenAIServer({ apiKey: 'sk-1' });
    await openai.start();
    cleanups.push(() => openai.close());
    // Ollama lacks the model, so OpenAI answers both turns.
    openai.replies.push(
      { toolCalls: [{ name: 'brand_profile', arguments: { brandId: 'b' } }], promptTokens: 1000, completionTokens: 100 },
      { content: 'Done.', promptTokens: 2000, completionTokens: 50 },
    );
    const router = routerWith(log, ollama.url, openai.url, 'sk-1', ['ollama:qwen2.5:7b', 'openai:gpt-4o-mini']);
    const tools = [{ name: 'brand_profile', description: 'd', parameters: { type: 'object', properties: { brandId: { type: 'string' } } } }];
    const first = await router.chat({ agentId: 'a', runId: 'r2', messages: [{ role: 'user', content: 'go' }], tools });
    expect(first.fallbacks).toEqual([{ ref: 'ollama:qwen2.5:7b', kind: 'model_missing', reason: expect.stringContaining('qwen2.5:7b') }]);
    const second = await router.chat({
      agentId: 'a',
      runId: 'r2',
      tools,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: '', toolCalls: first.toolCalls },
        { role: 'tool', content: '{}', toolCallId: first.toolCalls[0]!.id, toolName: 'brand_profile' },
      ],
    });
    expect(second.content).toBe('Done.');
    const rows = (await log.list({ runId: 'r2' })).filter((r) => r.provider === 'openai');
    // The fake is on loopback, so it is costed as a local OpenAI-compatible server.
    expect(rows.map((r) => [r.promptTokens, r.completionTokens, r.costUsd])).toEqual([
      [1000, 100, 0],
      [2000, 50, 0],
    ]);
    expect(rows.every((r) => r.latencyMs >= 0 && r.model === 'gpt-4o-mini-2024-07-18')).toBe(true);
    expect(costUsd('openai', 'gpt-4o-mini-2024-07-18', { promptTokens: 1_000_000, completionTokens: 1_000_000 }, 'https://api.openai.com/v1')).toBeCloseTo(0.75);
    expect(costUsd('openai', 'some-new-model', { promptTokens: 1, completionTokens: 1 }, 'https://api.openai.com/v1')).toBeNull();
  });

  it('puts an agent preference first, keeps the default chain behind it, and stops on errors that are not about availability', async () => {
    const log = await callLog();
    const broken = new ScriptedProvider({ id: 'ollama', script: [{ error: { kind: 'bad_request', message: 'context too long' } }] });
    const router = new ModelRouter({
      providers: [broken, new OfflineProvider()],
      defaultChain: () => ['offline'],
      defaultModel: (p) => (p === 'ollama' ? 'llama3.2' : undefined),
      log,
    });
    expect(router.candidates({ preference: 'ollama:qwen2.5:7b' }).map((c) => c.ref)).toEqual(['ollama:qwen2.5:7b', 'offline']);
    expect(router.candidates({ preference: 'ollama' }).map((c) => [c.ref, c.model])).toEqual([
      ['ollama:llama3.2', 'llama3.2'],
      ['offline', 'templates'],
    ]);
    expect(() => router.candidates({ preference: 'gpt-4o' })).toThrow(/Unknown model "gpt-4o"/);
    await expect(router.chat({ agentId: 'a', preference: 'ollama:llama3.2', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ kind: 'bad_request' });
    expect((await log.list({ agentId: 'a' })).map((r) => r.errorKind)).toEqual(['bad_request']);
  });

  it('throws ModelChainError listing every reason when no entry can answer', async () => {
    const router = new ModelRouter({
      providers: [new ScriptedProvider({ id: 'ollama', script: [{ error: { kind: 'unreachable', message: 'down' } }] })],
      defaultChain: () => ['ollama:llama3.2'],
      defaultModel: () => undefined,
      log: null,
    });
    const error = await router.chat({ agentId: 'a', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelChainError);
    expect((error as ModelChainError).attempts).toEqual([{ ref: 'ollama:llama3.2', kind: 'unreachable', reason: 'down' }]);
  });
});
