import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PostDraft } from '../../../src/shared/contract/schemas/models';
import { ModelRouter } from '../../../src/main/engine/llm/modelRouter';
import { OfflineProvider } from '../../../src/main/engine/llm/OfflineProvider';
import { generateObject, parseStructured, StructuredOutputError } from '../../../src/main/engine/llm/structuredOutput';
import { ScriptedProvider } from '../../fakes/ScriptedProvider';

const Plan = z.object({
  title: z.string().min(3),
  count: z.number().int(),
  urgent: z.boolean(),
  note: z.string().optional(),
  tags: z.array(z.string()),
});

const valid = { title: 'Launch', count: 3, urgent: false, tags: ['coffee'] };

describe('parseStructured coercions', () => {
  it.each([
    ['a markdown fence', '```json\n{"title":"Launch","count":3,"urgent":false,"tags":["coffee"]}\n```'],
    ['prose around the object', 'Sure! Here is the plan: {"title":"Launch","count":3,"urgent":false,"tags":["coffee"]} Hope it helps.'],
    ['JSON inside a string', JSON.stringify(JSON.stringify(valid))],
    ['a number written as a string', '{"title":"Launch","count":"3","urgent":false,"tags":["coffee"]}'],
    ['"true"/"false" strings', '{"title":"Launch","count":3,"urgent":"false","tags":["coffee"]}'],
    ['null for an optional field', '{"title":"Launch","count":3,"urgent":false,"note":null,"tags":["coffee"]}'],
    ['one value where a list of one is expected', '{"title":"Launch","count":3,"urgent":false,"tags":"coffee"}'],
  ])('undoes %s', (_label, reply) => {
    const parsed = parseStructured(reply, Plan);
    expect(parsed).toMatchObject({ ok: true, value: valid });
    expect(parsed.coercions.length).toBeGreaterThan(0);
  });

  it('leaves a valid reply untouched and reports real issues for an invalid one', () => {
    expect(parseStructured(JSON.stringify(valid), Plan)).toEqual({ ok: true, value: valid, coercions: [] });
    const bad = parseStructured('{"title":"L","count":"three","urgent":true,"tags":[]}', Plan);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['title', 'count']));
    expect(parseStructured('not json at all', Plan)).toMatchObject({ ok: false, issues: [{ path: [] }] });
  });
});

describe('generateObject', () => {
  it('sends the real validation errors back and succeeds on a repair', async () => {
    const provider = new ScriptedProvider({
      script: [{ content: '{"title":"L","count":"many","urgent":false,"tags":[]}' }, { content: JSON.stringify(valid) }],
    });
    const result = await generateObject({ provider, model: 'm', schema: Plan, schemaName: 'plan', messages: [{ role: 'user', content: 'plan it' }] });
    expect(result).toMatchObject({ value: valid, repairs: 1, provider: 'scripted', model: 'm', templateMade: false });
    const repairRequest = provider.calls[1]!.request;
    const repair = repairRequest.messages.at(-1)!;
    expect(repair.role).toBe('user');
    expect(repair.content).toMatch(/- title: .*3/);
    expect(repair.content).toMatch(/- count: /);
    expect(repairRequest.messages.at(-2)).toEqual({ role: 'assistant', content: '{"title":"L","count":"many","urgent":false,"tags":[]}' });
    // The schema goes to the provider as JSON Schema, without tools.
    expect(provider.calls[0]!.request.responseSchema).toMatchObject({ name: 'plan', schema: { type: 'object', required: expect.arrayContaining(['title']) } });
    expect(provider.calls[0]!.request.tools).toBeUndefined();
  });

  it('stops repairing a model that repeats the same invalid reply and moves down the chain', async () => {
    const stubborn = new ScriptedProvider({ id: 'ollama', script: [{ content: '{"title":"x"}' }], whenExhausted: 'repeat_last' });
    const good = new ScriptedProvider({ id: 'openai', script: [{ content: JSON.stringify(valid) }] });
    const router = new ModelRouter({ providers: [stubborn, good], defaultChain: () => ['ollama:small', 'openai:big'], defaultModel: () => undefined, log: null });
    const result = await generateObject({ router, schema: Plan, schemaName: 'plan', messages: [{ role: 'user', content: 'plan' }], maxRepairs: 3 });
    expect(stubborn.calls).toHaveLength(2);
    expect(result).toMatchObject({ provider: 'openai', model: 'big', repairs: 1 });
    expect(result.fallbacks).toEqual([{ ref: 'ollama:small', kind: 'invalid_output', reason: expect.stringMatching(/same invalid reply twice/) }]);
  });

  it('gives up after maxRepairs per model with the last issues', async () => {
    let n = 0;
    const provider = new ScriptedProvider({ script: [() => ({ content: `{"title":"x${n++}"}` })], whenExhausted: 'cycle' });
    const error = await generateObject({ provider, model: 'm', schema: Plan, schemaName: 'plan', messages: [{ role: 'user', content: 'p' }], maxRepairs: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect(provider.calls).toHaveLength(3);
    expect((error as StructuredOutputError).lastIssues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['count', 'urgent', 'tags']));
  });

  it('falls back to the offline drafter for a draft, which is marked template-made', async () => {
    const down = new ScriptedProvider({ id: 'ollama', script: [{ error: { kind: 'unreachable', message: 'connection refused' } }] });
    const router = new ModelRouter({ providers: [down, new OfflineProvider()], defaultChain: () => ['ollama:m', 'offline'], defaultModel: () => undefined, log: null });
    const result = await generateObject({
      router,
      schema: PostDraft,
      schemaName: 'draft',
      messages: [{ role: 'user', content: 'Draft a post' }],
      purpose: { agentId: 'drafter', task: 'Our autumn blend is back', platform: 'linkedin' },
    });
    expect(result).toMatchObject({ provider: 'offline', templateMade: true, repairs: 0, value: { platform: 'linkedin' } });
    expect(result.fallbacks[0]).toMatchObject({ ref: 'ollama:m', kind: 'unreachable' });
  });
});
