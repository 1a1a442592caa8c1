import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type CreatedEngine } from '../../../src/main/engine';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { FakeOllamaServer } from '../../fakes/FakeOllamaServer';
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

async function started(): Promise<CreatedEngine> {
  const dir = await freshDataDir();
  cleanups.push(dir.cleanup);
  const engine = createEngine({ dataDir: dir.path, host: 'cli', secrets: new MemorySecretStore(), log: () => undefined });
  cleanups.push(() => engine.stop());
  await engine.start();
  return engine;
}

describe('models routes', () => {
  it('reports each provider without a key value, lists Ollama models, and tests the offline drafter', async () => {
    const ollama = new FakeOllamaServer();
    await ollama.start();
    cleanups.push(() => ollama.close());
    const engine = await started();
    await engine.call('settings.update', { ollamaUrl: ollama.url });

    const status = await engine.call('providers.status', {});
    expect(status).toMatchObject({
      ok: true,
      data: {
        chain: ['ollama:llama3.2', 'openai:gpt-4o-mini', 'offline'],
        providers: [
          { provider: 'ollama', reachable: true, keySet: null, models: [{ name: 'llama3.2:latest' }], endpoint: ollama.url },
          { provider: 'openai', reachable: false, keySet: false, reason: expect.stringMatching(/No OpenAI API key/) },
          { provider: 'offline', reachable: true, models: [{ name: 'templates' }] },
        ],
      },
    });
    expect(await engine.call('providers.listOllamaModels', {})).toMatchObject({ ok: true, data: [{ name: 'llama3.2:latest' }] });

    const test = await engine.call('providers.test', { provider: 'offline' });
    expect(test).toMatchObject({ ok: true, data: { ok: true, templateMade: true, errorKind: null } });
    const failed = await engine.call('providers.test', { provider: 'openai' });
    expect(failed).toMatchObject({ ok: true, data: { ok: false, errorKind: 'auth' } });
  });

  it('answers `unavailable` for the Ollama model list when Ollama is down', async () => {
    const engine = await started();
    await engine.call('settings.update', { ollamaUrl: `http://127.0.0.1:${await closedPort()}` });
    expect(await engine.call('providers.listOllamaModels', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});
