// An agent doing real work through the engine: the real Ollama and OpenAI
// clients against local servers that speak their wire formats, the built-in
// tools, usage rows, and a real MCP server's tools.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type CreatedEngine } from '../../../src/main/engine';
import type { AgentRunEvent, AgentRunResult } from '../../../src/shared/contract/schemas/agents';
import { FakeOllamaServer } from '../../fakes/FakeOllamaServer';
import { FakeOpenAIServer } from '../../fakes/FakeOpenAIServer';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { filesystemServer } from '../../fakes/mcp/servers';
import { freshDataDir, tempDir } from '../../fakes/tempDir';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DRAFT = {
  platform: 'instagram',
  text: 'Winter blend is here: dark chocolate, orange peel, a long finish. Brew it slow this weekend.',
  hashtags: ['FjordCoffee', 'WinterBlend'],
  callToAction: 'Find it in the shop from Friday.',
  notes: 'Uses the brand voice from the profile; within Instagram limits.',
};

async function engineWith(settings: Record<string, unknown>, secrets = new MemorySecretStore()) {
  const dir = await freshDataDir();
  cleanups.push(dir.cleanup);
  writeFileSync(join(dir.path, 'settings.json'), JSON.stringify(settings));
  const engine = createEngine({ dataDir: dir.path, host: 'cli', secrets, log: () => undefined });
  cleanups.push(() => engine.stop());
  await engine.start();
  const events: AgentRunEvent[] = [];
  engine.subscribe((name, payload) => {
    if (name === 'agents.runEvent') events.push(payload as AgentRunEvent);
  });
  const brand = await engine.call('brands.create', { name: 'Fjord Coffee', voice: 'Warm and plain-spoken.', timezone: 'Europe/Oslo' });
  if (!brand.ok) throw new Error(brand.error.message);
  return { engine, dataDir: dir.path, brandId: (brand.data as { id: string }).id, events };
}

async function runAndWait(engine: CreatedEngine, input: { agentId: string; brandId: string; task: string }): Promise<AgentRunResult> {
  const result = await engine.call('agents.runAndWait', input);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as AgentRunResult;
}

async function usageRows(engine: CreatedEngine, runId: string) {
  return engine
    .services()
    .db.query<{ provider: string; model: string; prompt_tokens: number; completion_tokens: number; error_kind: string | null }>(
      'SELECT provider, model, prompt_tokens, completion_tokens, error_kind FROM model_calls WHERE run_id = $1 ORDER BY created_at',
      [runId],
    );
}

describe('an agent through the real model clients', () => {
  it('completes a two-tool task through Ollama, streaming, with a usage row per call', async () => {
    const ollama = new FakeOllamaServer();
    await ollama.start();
    cleanups.push(() => ollama.close());
    ollama.replies.push(
      { toolCalls: [{ name: 'chorus.brand_profile', arguments: {} }], promptEvalCount: 310, evalCount: 12 },
      { toolCalls: [{ name: 'chorus.platform_rules', arguments: { platform: 'instagram' } }], promptEvalCount: 420, evalCount: 14 },
      { content: 'I have the voice and the limits; drafting now.', promptEvalCount: 610, evalCount: 11 },
      { content: JSON.stringify(DRAFT), promptEvalCount: 640, evalCount: 80 },
    );
    const { engine, brandId, events } = await engineWith({ ollamaUrl: ollama.url, ollamaModel: 'llama3.2', modelFallbackOrder: ['ollama'] });

    const result = await runAndWait(engine, { agentId: 'content-creation', brandId, task: 'Announce the winter blend on Instagram' });
    expect(result).toMatchObject({ status: 'succeeded', templateMade: false, toolCalls: 2, output: { drafts: [DRAFT] } });

    const chats = ollama.requests.filter((r) => r.path === '/api/chat');
    expect(chats).toHaveLength(4);
    // Streaming, an explicit context window, and never `format` with `tools`.
    for (const chat of chats) {
      expect(chat.body.stream).toBe(true);
      expect((chat.body.options as { num_ctx?: number }).num_ctx).toBeGreaterThan(0);
      expect(chat.body.format !== undefined && chat.body.tools !== undefined).toBe(false);
    }
    expect(chats[3]!.body.format).toBeDefined();
    // The tool results reached the model.
    const lastMessages = chats[2]!.body.messages as { role: string; content: string }[];
    expect(lastMessages.filter((m) => m.role === 'tool').map((m) => m.content).join('\n')).toContain('Warm and plain-spoken.');

    expect(events.filter((e) => e.kind === 'delta').length).toBeGreaterThan(0);
    expect(events.filter((e) => e.kind === 'tool_call').length).toBe(2);

    const rows = await usageRows(engine, result.runId);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.provider === 'ollama' && r.model === 'llama3.2' && r.error_kind === null)).toBe(true);
    expect(rows.reduce((sum, r) => sum + r.prompt_tokens, 0)).toBe(310 + 420 + 610 + 640);
    expect(result.usage).toMatchObject({ calls: 4, promptTokens: 1980, completionTokens: 117 });
  });

  it('completes a two-tool task through an OpenAI-compatible server, streaming, with usage rows', async () => {
    const openai = new FakeOpenAIServer({ apiKey: 'sk-test-key' });
    await openai.start();
    cleanups.push(() => openai.close());
    // OpenAI sees tool names it accepts (chorus_brand_profile) and answers with them.
    openai.replies.push(
      { toolCalls: [{ name: 'chorus_brand_profile', arguments: {} }], promptTokens: 300, completionTokens: 10 },
      { toolCalls: [{ name: 'chorus_platform_rules', arguments: '{"platform":"instagram"}' }], promptTokens: 400, completionTokens: 12 },
      { content: 'Drafting now.', promptTokens: 500, completionTokens: 5 },
      { content: JSON.stringify(DRAFT), promptTokens: 520, completionTokens: 70 },
    );
    const secrets = new MemorySecretStore();
    await secrets.set('openai.apiKey', 'sk-test-key');
    const { engine, brandId, events } = await engineWith(
      { openaiBaseUrl: openai.url, openaiModel: 'gpt-4o-mini', modelFallbackOrder: ['openai'] },
      secrets,
    );

    const result = await runAndWait(engine, { agentId: 'content-creation', brandId, task: 'Announce the winter blend on Instagram' });
    expect(result, result.error ?? '').toMatchObject({ status: 'succeeded', templateMade: false, toolCalls: 2, output: { drafts: [DRAFT] } });

    const chats = openai.requestsTo('/v1/chat/completions');
    expect(chats).toHaveLength(4);
    expect(chats.every((c) => c.body.stream === true)).toBe(true);
    expect(chats[3]!.body.response_format).toMatchObject({ type: 'json_schema' });
    expect(chats[3]!.body.tools).toBeUndefined();
    expect(events.flatMap((e) => (e.kind === 'tool_call' ? [e.tool] : []))).toEqual([
      'chorus.brand_profile',
      'chorus.platform_rules',
    ]);

    const rows = await usageRows(engine, result.runId);
    expect(rows.map((r) => [r.provider, r.prompt_tokens])).toEqual([
      ['openai', 300],
      ['openai', 400],
      ['openai', 500],
      ['openai', 520],
    ]);
    // A local OpenAI-compatible server costs nothing; only api.openai.com is priced.
    expect(result.usage).toMatchObject({ calls: 4, promptTokens: 1720, completionTokens: 97, costUsd: 0 });
  });

  it('calls a real MCP filesystem server tool on its allow-list', async () => {
    const files = tempDir('chorus-mcp-files-');
    cleanups.push(files.cleanup);
    writeFileSync(join(files.path, 'brief.txt'), 'Launch date: 12 December. Origin: Huila, Colombia.');
    const ollama = new FakeOllamaServer();
    await ollama.start();
    cleanups.push(() => ollama.close());
    ollama.replies.push(
      { toolCalls: [{ name: 'files.read_text_file', arguments: { path: join(files.path, 'brief.txt') } }] },
      { content: 'Read the brief.' },
      { content: JSON.stringify(DRAFT) },
    );

    const dir = await freshDataDir();
    cleanups.push(dir.cleanup);
    writeFileSync(join(dir.path, 'settings.json'), JSON.stringify({ ollamaUrl: ollama.url, modelFallbackOrder: ['ollama'] }));
    writeFileSync(join(dir.path, 'mcp.json'), JSON.stringify({ mcpServers: { files: filesystemServer(files.path) } }));
    mkdirSync(join(dir.path, 'agents'));
    writeFileSync(
      join(dir.path, 'agents', 'brief-reader.md'),
      ['---', 'id: brief-reader', 'name: Brief Reader', 'team: creative', 'role: Drafts from a brief on disk.', 'model: default',
        'tools: [files.read_text_file]', 'output: draft', 'maxSteps: 4', '---', 'Read the brief file, then draft one post from it.', ''].join('\n'),
    );
    const engine = createEngine({ dataDir: dir.path, host: 'server', secrets: new MemorySecretStore(), log: () => undefined });
    cleanups.push(() => engine.stop());
    await engine.start();
    const brand = await engine.call('brands.create', { name: 'Fjord Coffee' });
    const brandId = (brand as { data: { id: string } }).data.id;

    const result = await runAndWait(engine, { agentId: 'brief-reader', brandId, task: 'Draft the launch post on Instagram' });
    expect(result).toMatchObject({ status: 'succeeded', toolCalls: 1 });
    const second = ollama.requests.filter((r) => r.path === '/api/chat')[1]!;
    const toolMessage = (second.body.messages as { role: string; content: string }[]).find((m) => m.role === 'tool');
    expect(toolMessage?.content).toContain('Huila, Colombia');
    // Only the allow-listed tool was offered.
    const offered = ((ollama.requests.filter((r) => r.path === '/api/chat')[0]!.body.tools ?? []) as { function: { name: string } }[]).map((t) => t.function.name);
    expect(offered).toEqual(['files.read_text_file']);
  });
});
