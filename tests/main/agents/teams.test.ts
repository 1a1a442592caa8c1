import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgents } from '../../../src/main/engine/agents/agentLoader';
import { runTeam, summarizeTeams } from '../../../src/main/engine/agents/teams';
import { ScriptedProvider } from '../../fakes/ScriptedProvider';
import { tempDir } from '../../fakes/tempDir';
import { DRAFT_JSON, openHarness, type Harness } from './harness';

let h: Harness;
const dir = tempDir();
const { agents } = loadAgents({ dataDir: dir.path });
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h.close();
  dir.cleanup();
});

const VISUAL_BRIEF = JSON.stringify({
  concept: 'Steam rising from a cup against a snowy fjord',
  format: '1080x1350 single image',
  composition: 'Cup lower third, fjord behind, headline top left',
  palette: ['#1d3557', '#f1faee'],
  altText: 'A cup of dark coffee steaming on a wooden rail with a snowy fjord behind.',
  imagePrompt: 'Photo of a steaming ceramic coffee cup on a wooden rail, snowy Norwegian fjord, soft morning light',
});

describe('teams', () => {
  it('lists the five teams of the design with their members', () => {
    const teams = summarizeTeams(agents);
    expect(teams.map((t) => t.id)).toEqual(['strategy', 'creative', 'community', 'data', 'brand']);
    expect(teams.find((t) => t.id === 'creative')!.members.map((m) => m.id).sort()).toEqual(['audio', 'content-creation', 'video', 'visual']);
    expect(teams.find((t) => t.id === 'community')!.members.map((m) => m.id)).toContain('crisis-management');
    expect(teams.find((t) => t.id === 'brand')!.members.map((m) => m.id).sort()).toEqual(['brand-voice', 'profile-creator']);
  });

  it('routes through an enum of member ids, runs the member as a child run and counts its usage under the lead', async () => {
    const provider = new ScriptedProvider({
      script: [
        // The lead (orchestrator) gathers nothing, then chooses — first outside its team, which the enum rejects.
        { content: 'Routing now.' },
        { content: JSON.stringify({ member: 'linkedin', task: 'x', reason: 'wrong team' }) },
        { content: JSON.stringify({ member: 'visual', task: 'Brief an image for the winter blend launch', reason: 'It is an image request.' }) },
        // The visual agent.
        { toolCalls: [{ name: 'chorus.brand_profile', arguments: {} }] },
        { content: 'ready' },
        { content: VISUAL_BRIEF },
      ],
    });
    const outcome = await runTeam('creative', { task: 'We need an image for the winter blend launch' }, agents, h.context(provider));

    expect(outcome.lead).toMatchObject({ agentId: 'orchestrator', status: 'succeeded', repairs: 1 });
    expect(outcome.lead.output).toMatchObject({ member: 'visual' });
    // The lead's final call carried the enum of exactly this team's members.
    const schema = provider.calls[1]!.request.responseSchema!.schema as { properties: { member: { enum: string[] } } };
    expect(schema.properties.member.enum.sort()).toEqual(['audio', 'content-creation', 'video', 'visual']);
    expect(provider.calls[2]!.request.messages.at(-1)!.content).toMatch(/member/);

    expect(outcome.member).toMatchObject({ agentId: 'visual', status: 'succeeded' });
    expect(outcome.final).toBe(outcome.member);
    expect(provider.calls[3]!.request.messages[1]!.content).toBe('Brief an image for the winter blend launch');

    const child = await h.runs.get(outcome.member!.runId);
    expect(child!.parentRunId).toBe(outcome.lead.runId);
    const usage = await h.runs.usage([outcome.lead.runId, outcome.member!.runId]);
    expect(usage.get(outcome.member!.runId)!.calls).toBe(3);
    expect(usage.get(outcome.lead.runId)!.calls).toBe(6); // its own 3 and the member's 3
    expect(usage.get(outcome.lead.runId)!.promptTokens).toBeGreaterThan(usage.get(outcome.member!.runId)!.promptTokens);
  });

  it('stops at the lead when routing fails, with no child run', async () => {
    const provider = new ScriptedProvider({ script: [{ content: 'Routing now.' }, { content: '{"member": "nobody"}' }], whenExhausted: 'repeat_last' });
    const outcome = await runTeam('data', { task: 'How did last month go?' }, agents, h.context(provider));
    expect(outcome.lead.status).toBe('failed');
    expect(outcome.member).toBeNull();
    expect(await h.runs.children(outcome.lead.runId)).toEqual([]);
  });

  it('a draft request routed to content creation yields drafts', async () => {
    const provider = new ScriptedProvider({
      script: [
        { content: 'ok' },
        { content: JSON.stringify({ member: 'content-creation', task: 'Write the launch post for LinkedIn', reason: 'copy' }) },
        { content: 'ready' },
        { content: DRAFT_JSON },
      ],
    });
    const outcome = await runTeam('creative', { task: 'Launch post please' }, agents, h.context(provider));
    expect(outcome.final.output).toEqual(JSON.parse(DRAFT_JSON));
  });
});
