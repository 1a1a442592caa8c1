import { ChorusError } from '../../../src/shared/contract';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError, type ChatMessage, type ToolSpec } from '../../../src/main/engine/llm/ModelProvider';
import { OllamaProvider } from '../../../src/main/engine/llm/OllamaProvider';
import { OpenAIProvider } from '../../../src/main/engine/llm/OpenAIProvider';
import { FakeOllamaServer } from '../../fakes/FakeOllamaServer';
import { FakeOpenAIServer } from '../../fakes/FakeOpenAIServer';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const TOOLS: ToolSpec[] = [
  {
    name: 'brand_profile',
    description: 'The brand profile.',
    parameters: { type: 'object', properties: { brandId: { type: 'string' } }, required: ['brandId'], additionalProperties: false },
  },
  {
    name: 'platform_rules',
    description: 'Limits for a platform.',
    parameters: { type: 'object', properties: { platform: { type: 'string', enum: ['x', 'linkedin'] } }, required: ['platform'] },
  },
];

async function ollamaServer(models?: ConstructorParameters<typeof FakeOllamaServer>[0]): Promise<FakeOllamaServer> {
  const server = new FakeOllamaServer(models);
  await server.start();
  cleanups.push(() => server.close());
  return server;
}

async function openaiServer(options?: ConstructorParameters<typeof FakeOpenAIServer>[0]): Promise<FakeOpenAIServer> {
  const server = new FakeOpenAIServer(options);
  await server.start();
  cleanups.push(() => server.close());
  return server;
}

describe('OllamaProvider against the native API', () => {
  it('runs a two-tool conversation: object arguments get ids, results go back by tool name, num_ctx is always set', async () => {
    const server = await ollamaServer();
    server.replies.push(
      { toolCalls: [{ name: 'brand_profile', arguments: { brandId: 'b1' } }] },
      { toolCalls: [{ name: 'platform_rules', arguments: { platform: 'x' } }] },
      { content: 'Final: a post about fresh beans.', promptEvalCount: 120, evalCount: 9 },
    );
    const provider = new OllamaProvider({ host: () => server.url });
    const messages: ChatMessage[] = [{ role: 'user', content: 'Draft a post.' }];

    for (const tool of ['brand_profile', 'platform_rules']) {
      const turn = await provider.chat({ model: 'llama3.2', messages, tools: TOOLS });
      expect(turn.finishReason).toBe('tool_calls');
      expect(turn.toolCalls).toHaveLength(1);
      const call = turn.toolCalls[0]!;
      expect(call.name).toBe(tool);
      expect(call.id).toMatch(/^call_/);
      messages.push({ role: 'assistant', content: turn.content, toolCalls: turn.toolCalls });
      messages.push({ role: 'tool', content: `{"ok":true,"tool":"${tool}"}`, toolCallId: call.id, toolName: call.name });
    }
    const deltas: string[] = [];
    const final = await provider.chat({ model: 'llama3.2', messages, tools: TOOLS, contextWindow: 16384, onDelta: (d) => deltas.push(d) });
    expect(final).toMatchObject({ content: 'Final: a post about fresh beans.', finishReason: 'stop', usage: { promptTokens: 120, completionTokens: 9 } });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(final.content);

    const chats = server.requestsTo('/api/chat');
    expect(chats.map((r) => (r.body.options as { num_ctx: number }).num_ctx)).toEqual([8192, 8192, 16384]);
    expect(chats.map((r) => r.body.stream)).toEqual([false, false, true]);
    const lastMessages = chats[2]!.body.messages as Record<string, unknown>[];
    expect(lastMessages[1]).toMatchObject({ role: 'assistant', tool_calls: [{ function: { name: 'brand_profile', arguments: { brandId: 'b1' } } }] });
    expect(lastMessages[2]).toMatchObject({ role: 'tool', tool_name: 'brand_profile' });
    // Capabilities are looked up once per model, not per call.
    expect(server.requestsTo('/api/show')).toHaveLength(1);
  });

  it('never sends format and tools together, and sends format alone for structured output', async () => {
    const server = await ollamaServer();
    server.replies.push({ content: '{"a":1}' });
    const provider = new OllamaProvider({ host: () => server.url });
    const schema = { name: 'thing', schema: { type: 'object', properties: { a: { type: 'number' } } } };
    await expect(provider.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], tools: TOOLS, responseSchema: schema })).rejects.toThrow(/same call/);
    expect(server.requestsTo('/api/chat')).toHaveLength(0);
    await provider.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], responseSchema: schema });
    const sent = server.requestsTo('/api/chat')[0]!.body;
    expect(sent.format).toEqual(schema.schema);
    expect(sent.tools).toBeUndefined();
    for (const request of server.requestsTo('/api/chat')) expect(request.body.format !== undefined && request.body.tools !== undefined).toBe(false);
  });

  it('refuses tools for a model without the tools capability before calling /api/chat', async () => {
    const server = await ollamaServer({ models: { gemma2: { capabilities: ['completion'] } } });
    const provider = new OllamaProvider({ host: () => server.url });
    expect(await provider.supportsTools('gemma2')).toBe(false);
    const error = await provider.chat({ model: 'gemma2', messages: [{ role: 'user', content: 'x' }], tools: TOOLS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'unsupported', provider: 'ollama' });
    expect(server.requestsTo('/api/chat')).toHaveLength(0);
  });

  it('lists installed models, embeds, and classifies a missing model and a stopped server', async () => {
    const server = await ollamaServer();
    const provider = new OllamaProvider({ host: () => server.url });
    expect(await provider.availability()).toEqual({ ok: true });
    expect(await provider.listModels()).toEqual([{ name: 'llama3.2:latest' }]);
    const embedded = await provider.embed({ model: 'llama3.2', input: ['abc', 'hello'] });
    expect(embedded.embeddings).toEqual([[3, 0.5, -0.25], [5, 0.5, -0.25]]);
    expect((await provider.modelInfo('llama3.2')).contextLength).toBe(131072);
    await expect(provider.chat({ model: 'mistral', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ kind: 'model_missing' });

    const port = await closedPort();
    const down = new OllamaProvider({ host: () => `http://127.0.0.1:${port}` });
    const availability = await down.availability();
    expect(availability.ok).toBe(false);
    await expect(down.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ kind: 'unreachable' });
  });
});

describe('OpenAIProvider against the OpenAI wire format', () => {
  it('runs a two-tool conversation over SSE: fragmented string arguments are joined and parsed, usage comes from the usage chunk', async () => {
    const server = await openaiServer({ apiKey: 'sk-test' });
    server.replies.push(
      { toolCalls: [{ name: 'brand_profile', arguments: { brandId: 'b1' } }], promptTokens: 50, completionTokens: 7 },
      { toolCalls: [{ name: 'platform_rules', arguments: { platform: 'linkedin' } }] },
      { content: 'Here is the final post, tuned for LinkedIn.', promptTokens: 90, completionTokens: 11 },
    );
    const provider = new OpenAIProvider({ baseUrl: () => server.url, apiKey: async () => 'sk-test' });
    const messages: ChatMessage[] = [{ role: 'user', content: 'Draft a post.' }];
    const deltas: string[] = [];
    const first = await provider.chat({ model: 'gpt-4o-mini', messages, tools: TOOLS, onDelta: (d) => deltas.push(d) });
    expect(first).toMatchObject({ finishReason: 'tool_calls', usage: { promptTokens: 50, completionTokens: 7 }, model: 'gpt-4o-mini-2024-07-18' });
    expect(first.toolCalls).toEqual([{ id: expect.stringMatching(/^call_/), name: 'brand_profile', arguments: { brandId: 'b1' } }]);
    messages.push({ role: 'assistant', content: first.content, toolCalls: first.toolCalls });
    messages.push({ role: 'tool', content: '{"name":"Acme"}', toolCallId: first.toolCalls[0]!.id, toolName: 'brand_profile' });

    const second = await provider.chat({ model: 'gpt-4o-mini', messages, tools: TOOLS });
    expect(second.toolCalls[0]).toMatchObject({ name: 'platform_rules', arguments: { platform: 'linkedin' } });
    messages.push({ role: 'assistant', content: '', toolCalls: second.toolCalls });
    messages.push({ role: 'tool', content: '{"limit":3000}', toolCallId: second.toolCalls[0]!.id, toolName: 'platform_rules' });

    const final = await provider.chat({ model: 'gpt-4o-mini', messages, tools: TOOLS, onDelta: (d) => deltas.push(d) });
    expect(final).toMatchObject({ content: 'Here is the final post, tuned for LinkedIn.', finishReason: 'stop', usage: { promptTokens: 90, completionTokens: 11 } });
    expect(deltas.join('')).toBe(final.content);
    expect(deltas.length).toBeGreaterThan(1);

    const chats = server.requestsTo('/v1/chat/completions');
    expect(chats[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const sent = chats[2]!.body.messages as Record<string, unknown>[];
    expect(sent[1]).toMatchObject({ role: 'assistant', tool_calls: [{ id: first.toolCalls[0]!.id, type: 'function', function: { name: 'brand_profile', arguments: '{"brandId":"b1"}' } }] });
    expect(sent[2]).toMatchObject({ role: 'tool', tool_call_id: first.toolCalls[0]!.id });
    expect(chats[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('asks for json_schema output and reports unreadable tool arguments instead of inventing them', async () => {
    const server = await openaiServer();
    server.replies.push({ content: '{"a":1}' }, { toolCalls: [{ name: 'brand_profile', arguments: '{"brandId": "b1"' }] });
    const provider = new OpenAIProvider({ baseUrl: () => server.url, apiKey: async () => null });
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] };
    const reply = await provider.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], responseSchema: { name: 'my thing', schema } });
    expect(reply.content).toBe('{"a":1}');
    expect(server.requestsTo('/v1/chat/completions')[0]!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'my_thing', schema, strict: false },
    });
    // A local server without a key: no Authorization header at all.
    expect(server.requestsTo('/v1/chat/completions')[0]!.headers.authorization).toBeUndefined();

    const broken = await provider.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], tools: TOOLS });
    expect(broken.toolCalls[0]).toMatchObject({ name: 'brand_profile', arguments: {}, invalidArguments: { raw: '{"brandId": "b1"', error: expect.any(String) } });
  });

  it('maps namespaced tool names (chorus.x, server.tool) to names OpenAI accepts, and back', async () => {
    const server = await openaiServer();
    const tools: ToolSpec[] = [
      { ...TOOLS[0]!, name: 'chorus.brand_profile' },
      { ...TOOLS[1]!, name: 'filesystem.read_file' },
      { ...TOOLS[1]!, name: 'filesystem_read_file' },
    ];
    server.replies.push({ toolCalls: [{ name: 'filesystem_read_file_2', arguments: { platform: 'x' } }] });
    server.replies.push({ content: 'done' });
    const provider = new OpenAIProvider({ baseUrl: () => server.url, apiKey: async () => null });
    const first = await provider.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], tools });
    expect(first.toolCalls.map((c) => c.name)).toEqual(['filesystem_read_file']);
    const sentNames = (server.requestsTo('/v1/chat/completions')[0]!.body.tools as { function: { name: string } }[]).map((t) => t.function.name);
    expect(sentNames).toEqual(['chorus_brand_profile', 'filesystem_read_file', 'filesystem_read_file_2']);

    // The conversation goes on with the original names in history; the wire names stay valid.
    const second = await provider.chat({
      model: 'gpt-4o-mini',
      tools,
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'chorus.brand_profile', arguments: { brandId: 'b1' } }] },
        { role: 'tool', content: '{}', toolCallId: 'call_1', toolName: 'chorus.brand_profile' },
      ],
    });
    expect(second.content).toBe('done');
  });

  it('maps 401, 429, 404, 5xx and a refused connection to provider error kinds', async () => {
    const server = await openaiServer({ apiKey: 'sk-right' });
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'x' }] };
    const wrongKey = new OpenAIProvider({ baseUrl: () => server.url, apiKey: async () => 'sk-wrong' });
    await expect(wrongKey.chat(request)).rejects.toMatchObject({ kind: 'auth', status: 401 });
    expect(await wrongKey.availability()).toMatchObject({ ok: false });

    const provider = new OpenAIProvider({ baseUrl: () => server.url, apiKey: async () => 'sk-right' });
    server.failNext = { status: 429, count: 1 };
    await expect(provider.chat(request)).rejects.toMatchObject({ kind: 'rate_limited', status: 429 });
    server.failNext = { status: 503, count: 1 };
    await expect(provider.chat(request)).rejects.toMatchObject({ kind: 'server', status: 503 });
    await expect(provider.chat({ ...request, model: 'gpt-9' })).rejects.toMatchObject({ kind: 'model_missing', status: 404 });

    const port = await closedPort();
    const down = new OpenAIProvider({ baseUrl: () => `http://127.0.0.1:${port}/v1`, apiKey: async () => null });
    await expect(down.chat(request)).rejects.toMatchObject({ kind: 'unreachable' });

    const noKey = new OpenAIProvider({ baseUrl: () => 'https://api.openai.com/v1', apiKey: async () => null });
    await expect(noKey.chat(request)).rejects.toMatchObject({ kind: 'auth' });

    // An unreachable keychain is a reason to fall back, not an error that stops the chain.
    const noKeychain = new OpenAIProvider({
      baseUrl: () => 'https://api.openai.com/v1',
      apiKey: async () => {
        throw new ChorusError('keychain_unavailable', 'No OS keychain could be reached.');
      },
    });
    await expect(noKeychain.chat(request)).rejects.toMatchObject({ kind: 'auth', message: expect.stringContaining('No OS keychain') });
  });

  it('lists models and embeds in input order', async () => {
    const server = await openaiServer();
    const provider = new OpenAIProvider({ baseUrl: () => server.url, apiKey: async () => '' });
    expect(await provider.availability()).toEqual({ ok: true });
    expect(await provider.listModels()).toEqual([{ name: 'gpt-4o-mini' }, { name: 'text-embedding-3-small' }]);
    const result = await provider.embed({ model: 'text-embedding-3-small', input: ['ab', 'abcd'] });
    expect(result.embeddings).toEqual([[2, 0.1, 0.2], [4, 0.1, 0.2]]);
    expect(result.usage).toEqual({ promptTokens: 6, completionTokens: 0 });
  });
});
