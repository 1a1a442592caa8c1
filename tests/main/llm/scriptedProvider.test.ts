import { describe, expect, it } from 'vitest';
import { ScriptedProvider } from '../../fakes/ScriptedProvider';

const request = (content = 'go') => ({
  model: 'm',
  messages: [{ role: 'user' as const, content }],
  responseSchema: { name: 'x', schema: { type: 'object', required: ['a'] } },
});

describe('ScriptedProvider', () => {
  it('replays content, tool calls and errors in order', async () => {
    const provider = new ScriptedProvider({
      script: [{ toolCalls: [{ name: 't', arguments: { q: 1 } }] }, { error: { kind: 'rate_limited' } }, { content: 'done' }],
    });
    expect((await provider.chat(request())).toolCalls).toEqual([{ id: 'call_0_0', name: 't', arguments: { q: 1 } }]);
    await expect(provider.chat(request())).rejects.toMatchObject({ kind: 'rate_limited', provider: 'scripted' });
    expect((await provider.chat(request())).content).toBe('done');
    await expect(provider.chat(request())).rejects.toThrow(/script has 3 steps/);
  });

  it('makes a seeded, repeatable fraction of replies malformed without consuming the step', async () => {
    const run = async (seed: number) => {
      const provider = new ScriptedProvider({
        script: [{ content: '{"a":1,"b":"x"}' }, { toolCalls: [{ name: 'search', arguments: { q: 'x' } }] }],
        whenExhausted: 'cycle',
        malformedRate: 0.3,
        seed,
      });
      const kinds: (string | undefined)[] = [];
      for (let i = 0; i < 200; i += 1) {
        const reply = await provider.chat(request());
        const malformed = provider.calls.at(-1)!.malformed;
        kinds.push(malformed);
        if (malformed === 'bad_json') expect(() => JSON.parse(reply.content)).toThrow();
        if (malformed === 'schema_violation') expect(JSON.parse(reply.content)).not.toHaveProperty('a');
        if (malformed === 'text_tool_call') {
          expect(reply.toolCalls).toEqual([]);
          expect(JSON.parse(reply.content)).toEqual({ name: 'search', arguments: { q: 'x' } });
        }
      }
      return kinds;
    };
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
    const count = first.filter(Boolean).length;
    expect(count).toBeGreaterThan(40);
    expect(count).toBeLessThan(80);
    expect(new Set(first.filter(Boolean))).toEqual(new Set(['bad_json', 'schema_violation', 'text_tool_call']));
  });

  it('waits the fixed latency and honours abort', async () => {
    const provider = new ScriptedProvider({ script: [{ content: 'a' }, { content: 'b' }], latencyMs: 50 });
    const started = performance.now();
    await provider.chat(request());
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    const controller = new AbortController();
    const pending = provider.chat({ ...request(), signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
  });
});
