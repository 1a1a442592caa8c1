import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_SCHEMAS } from '../../../src/main/engine/agents/outputSchemas';
import { runAgent } from '../../../src/main/engine/agents/runAgent';
import { ScriptedProvider } from '../../fakes/ScriptedProvider';
import { agent, DRAFT_JSON, openHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h.close();
});

describe('robustness with a sloppy model', () => {
  it('100 runs with 30% malformed replies (bad JSON, schema violations, tool calls as text) all finish valid', async () => {
    const RUNS = 100;
    let repairs = 0;
    let malformed = 0;
    let replies = 0;
    let toolCalls = 0;
    let templateFallbacks = 0;
    let textToolCalls = 0;
    let callsMade = 0;
    for (let i = 0; i < RUNS; i++) {
      const provider = new ScriptedProvider({
        seed: i + 1,
        malformedRate: 0.3,
        script: [
          { toolCalls: [{ name: 'chorus.brand_profile', arguments: {} }] },
          { toolCalls: [{ name: 'chorus.platform_rules', arguments: { platform: 'x' } }] },
          { content: 'I have what I need.' },
          { content: DRAFT_JSON },
        ],
      });
      // The offline drafter ends the chain, as in the app: a model that cannot get it right falls back to a template.
      const result = await runAgent(agent(), { task: 'A post for X about the winter blend' }, h.context(provider, { offlineFallback: true }));
      expect(result.status, result.error ?? '').toBe('succeeded');
      expect(OUTPUT_SCHEMAS.draft.safeParse(result.output).success).toBe(true);
      repairs += result.repairs;
      toolCalls += result.toolCalls;
      if (result.templateMade) templateFallbacks += 1;
      malformed += provider.malformedCount;
      const toolPhase = provider.calls.filter((c) => c.request.tools?.length);
      textToolCalls += toolPhase.filter((c) => c.malformed === 'text_tool_call').length;
      callsMade += toolPhase.filter((c) => c.malformed === 'text_tool_call' || c.response?.toolCalls.length).length;
      replies += provider.calls.length;
    }
    const repairsPerCall = repairs / RUNS;
    console.log(
      JSON.stringify({ runs: RUNS, modelReplies: replies, malformedReplies: malformed, malformedShare: +(malformed / replies).toFixed(3), repairsPerStructuredCall: repairsPerCall, toolCallsExecuted: toolCalls, toolCallsWrittenAsText: textToolCalls, templateFallbacks }),
    );
    // The slips really happened, in roughly the asked proportion…
    expect(malformed / replies).toBeGreaterThan(0.15);
    // …and every tool call the model made, properly or written as text, was
    // executed (the scripted model repeats a slipped call properly afterwards,
    // so there are more than 2 per run).
    expect(textToolCalls).toBeGreaterThan(10);
    expect(toolCalls).toBe(callsMade);
    expect(toolCalls).toBeGreaterThanOrEqual(2 * RUNS);
    // …and repairs stayed cheap.
    expect(repairsPerCall).toBeLessThanOrEqual(2);
    // The scripted model's slips are deterministic, so the same invalid reply
    // twice in a row happens; generateObject then stops early and the chain
    // falls back to the offline drafter (labelled template-made).
    expect(templateFallbacks).toBeLessThanOrEqual(15);
  });
});
