import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentTool } from '../../../src/main/engine/agents/AgentTool';
import { runAgent } from '../../../src/main/engine/agents/runAgent';
import type { AgentRunEvent } from '../../../src/shared/contract/schemas/agents';
import { ScriptedProvider } from '../../fakes/ScriptedProvider';
import { agent, DRAFT_JSON, openHarness, type Harness } from './harness';

let h: Harness;
// One database for the file: every run is separate by its id.
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h.close();
});

/** A tool that never answers unless its signal aborts; records whether it saw the abort. */
function slowTool(name = 'test.slow', effect: AgentTool['effect'] = 'read'): AgentTool & { calls: number; aborted: boolean } {
  const tool = {
    name,
    description: 'Waits forever.',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    effect,
    calls: 0,
    aborted: false,
    call(_args: Record<string, unknown>, { signal }: { signal: AbortSignal }) {
      tool.calls += 1;
      return new Promise<never>((_, reject) => signal.addEventListener('abort', () => ((tool.aborted = true), reject(new Error('aborted')))));
    },
  };
  return tool;
}

function toolMessages(provider: ScriptedProvider, callIndex: number) {
  return provider.calls[callIndex]!.request.messages.filter((m) => m.role === 'tool');
}

describe('runAgent', () => {
  it('runs a two-tool task, then one structured call without tools, journaling every step and model call', async () => {
    const provider = new ScriptedProvider({
      script: [
        { toolCalls: [{ name: 'chorus.brand_profile', arguments: {} }] },
        { toolCalls: [{ name: 'chorus.platform_rules', arguments: { platform: 'linkedin' } }] },
        { content: 'I have what I need.' },
        { content: DRAFT_JSON },
      ],
    });
    const events: AgentRunEvent[] = [];
    const result = await runAgent(agent(), { task: 'Announce the winter blend on LinkedIn' }, h.context(provider, { onEvent: (e) => events.push(e) }));

    expect(result).toMatchObject({ status: 'succeeded', toolCalls: 2, steps: 3, repairs: 0, templateMade: false });
    expect(result.output).toEqual(JSON.parse(DRAFT_JSON));
    // What the tools returned reached the model.
    const seen = toolMessages(provider, 2);
    expect(seen.map((m) => m.role === 'tool' && m.toolName)).toEqual(['chorus.brand_profile', 'chorus.platform_rules']);
    expect(seen[0]!.content).toContain('Small-batch coffee roaster');
    expect(seen[1]!.content).toContain('"limit":3000');
    // Tools in the loop, never together with a response schema.
    for (const call of provider.calls) expect(!!call.request.tools?.length && !!call.request.responseSchema).toBe(false);
    expect(provider.calls[3]!.request.responseSchema?.name).toBe('draft');
    expect(provider.calls[3]!.request.tools).toBeUndefined();

    const run = await h.runs.get(result.runId);
    expect(run).toMatchObject({ status: 'succeeded', agentId: 'tester', brandId: h.brand.id, templateMade: false });
    expect(run!.usage.calls).toBe(4);
    expect(run!.usage.promptTokens).toBeGreaterThan(0);
    const steps = await h.runs.steps(result.runId);
    expect(steps.map((s) => `${s.kind}:${s.name}`)).toEqual(['tool_call:chorus.brand_profile', 'tool_call:chorus.platform_rules', 'final:draft']);
    expect(events.filter((e) => e.kind === 'tool_call').map((e) => e.kind === 'tool_call' && e.tool)).toEqual(['chorus.brand_profile', 'chorus.platform_rules']);
    expect(events.some((e) => e.kind === 'delta')).toBe(true);
    expect(events.at(-1)).toMatchObject({ kind: 'done', status: 'succeeded' });
  });

  it('checks arguments against the tool schema before calling, and answers unknown tools with the list', async () => {
    const provider = new ScriptedProvider({
      script: [
        { toolCalls: [{ name: 'chorus.platform_rules', arguments: { platform: 'myspace' } }] },
        { toolCalls: [{ name: 'chorus.post_now', arguments: {} }] },
        { content: 'done' },
        { content: DRAFT_JSON },
      ],
    });
    const result = await runAgent(agent(), { task: 'Write something' }, h.context(provider));
    expect(result.status).toBe('succeeded');
    const [invalid] = toolMessages(provider, 1);
    expect(invalid!.content).toMatch(/^Invalid arguments for chorus\.platform_rules: platform:/);
    const unknown = toolMessages(provider, 2)[1]!;
    expect(unknown.content).toMatch(/no tool named "chorus\.post_now".*chorus\.brand_profile/);
    const steps = await h.runs.steps(result.runId);
    expect(steps.filter((s) => s.kind === 'tool_call').every((s) => s.isError)).toBe(true);
  });

  it('executes a tool call a small model wrote as text when it names a real tool with valid arguments', async () => {
    const provider = new ScriptedProvider({
      script: [
        { content: 'Let me check the rules first.\n{"name": "chorus.platform_rules", "arguments": {"platform": "x"}}' },
        { content: 'chorus.brand_profile might help' }, // names a tool but is no call: the loop ends
        { content: DRAFT_JSON },
      ],
    });
    const result = await runAgent(agent(), { task: 'A post for X' }, h.context(provider));
    expect(result).toMatchObject({ status: 'succeeded', toolCalls: 1 });
    const [rules] = toolMessages(provider, 1);
    expect(rules).toMatchObject({ toolName: 'chorus.platform_rules' });
    expect(rules!.content).toContain('"platform":"x"');
  });

  it('stops a tool that runs past its timeout and lets the model carry on', async () => {
    const slow = slowTool();
    const provider = new ScriptedProvider({
      script: [{ toolCalls: [{ name: 'test.slow', arguments: {} }] }, { content: 'ok' }, { content: DRAFT_JSON }],
    });
    const started = Date.now();
    const result = await runAgent(agent({ tools: ['chorus.*', 'test.*'] }), { task: 't' }, h.context(provider, { tools: [...h.tools, slow], toolTimeoutMs: 80 }));
    expect(result.status).toBe('succeeded');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(slow.aborted).toBe(true);
    expect(toolMessages(provider, 1)[0]!.content).toMatch(/did not answer within 0\.08 s/);
  });

  it('cancels a run mid-tool through its AbortSignal and records it as cancelled', async () => {
    const slow = slowTool();
    const controller = new AbortController();
    const provider = new ScriptedProvider({ script: [{ toolCalls: [{ name: 'test.slow', arguments: {} }] }, { content: DRAFT_JSON }] });
    const events: AgentRunEvent[] = [];
    const result = await runAgent(
      agent({ tools: ['test.*'] }),
      { task: 't' },
      h.context(provider, {
        tools: [slow],
        signal: controller.signal,
        onEvent: (e) => {
          events.push(e);
          if (e.kind === 'tool_call') setTimeout(() => controller.abort(), 20);
        },
      }),
    );
    expect(result).toMatchObject({ status: 'cancelled', output: null });
    expect(slow.aborted).toBe(true);
    expect(provider.calls).toHaveLength(1); // no final call after the cancel
    expect((await h.runs.get(result.runId))!.status).toBe('cancelled');
    expect(events.at(-1)).toMatchObject({ kind: 'error', status: 'cancelled' });
  });

  it('refuses write tools without an approver, and asks the approver when there is one', async () => {
    let wrote = 0;
    const publish: AgentTool = {
      name: 'social.publish',
      description: 'Publishes a post.',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      effect: 'write',
      call: async () => ((wrote += 1), { content: 'published' }),
    };
    const script = () => [{ toolCalls: [{ name: 'social.publish', arguments: { text: 'hi' } }] }, { content: 'ok' }, { content: DRAFT_JSON }];
    const a = agent({ tools: ['social.*'] });

    const refused = new ScriptedProvider({ script: script() });
    await runAgent(a, { task: 't' }, h.context(refused, { tools: [publish] }));
    expect(wrote).toBe(0);
    expect(toolMessages(refused, 1)[0]!.content).toMatch(/needs a person's approval/);

    const asked: string[] = [];
    const approved = new ScriptedProvider({ script: script() });
    await runAgent(a, { task: 't' }, h.context(approved, { tools: [publish], approve: async (r) => (asked.push(r.tool), true) }));
    expect(asked).toEqual(['social.publish']);
    expect(wrote).toBe(1);
  });

  it('repairs invalid structured output with the real validation errors', async () => {
    const provider = new ScriptedProvider({
      script: [{ content: JSON.stringify({ drafts: [{ platform: 'linkedin', text: '' }] }) }, { content: DRAFT_JSON }],
    });
    const result = await runAgent(agent({ tools: [] }), { task: 't' }, h.context(provider));
    expect(result).toMatchObject({ status: 'succeeded', repairs: 1 });
    const repairPrompt = provider.calls[1]!.request.messages.at(-1)!.content;
    expect(repairPrompt).toMatch(/drafts\.0\.text/);
    expect(repairPrompt).toMatch(/drafts\.0\.hashtags/);
  });

  it('answers with a template-made draft, labelled, when no model is reachable', async () => {
    const down = new ScriptedProvider({ script: [{ error: { kind: 'unreachable', message: 'connect ECONNREFUSED' } }], whenExhausted: 'repeat_last' });
    const result = await runAgent(agent(), { task: 'Announce the winter blend on LinkedIn' }, h.context(down, { offlineFallback: true }));
    expect(result).toMatchObject({ status: 'succeeded', templateMade: true });
    expect(result.output).toMatchObject({ drafts: [{ platform: 'linkedin', notes: expect.stringMatching(/[Tt]emplate/) }] });
    expect(await h.runs.get(result.runId)).toMatchObject({ templateMade: true, status: 'succeeded' });
  });

  it('fails with the reason when the model cannot produce the schema and nothing falls back', async () => {
    const provider = new ScriptedProvider({ script: [{ content: 'not json at all' }], whenExhausted: 'cycle' });
    const result = await runAgent(agent({ tools: [] }), { task: 't' }, h.context(provider));
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/No model produced valid output/);
    expect((await h.runs.get(result.runId))!.status).toBe('failed');
  });
});
