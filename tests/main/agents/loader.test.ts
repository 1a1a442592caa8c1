import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAgents, parseAgentFile } from '../../../src/main/engine/agents/agentLoader';
import { tempDir } from '../../fakes/tempDir';

const SHIPPED = [
  'orchestrator', 'search-research', 'profile-creator', 'content-strategy', 'content-creation', 'visual', 'video', 'audio',
  'linkedin', 'x', 'instagram', 'facebook', 'tiktok', 'youtube', 'engagement', 'analytics', 'scheduling', 'brand-voice', 'crisis-management',
];

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function dataDirWith(files: Record<string, string>): string {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  mkdirSync(join(dir.path, 'agents'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir.path, 'agents', name), text);
  return dir.path;
}

const VALID = (id: string, extra = '') => `---
id: ${id}
name: My ${id}
team: creative
role: Writes things for the test.
tools: [chorus.brand_profile, firecrawl.*]
output: draft${extra}
---
These are the instructions of ${id}, long enough to count as prose.
`;

describe('agent loader', () => {
  it('loads every shipped agent with no problems, each with real instructions', () => {
    const { agents, problems } = loadAgents({ dataDir: dataDirWith({}) });
    expect(problems).toEqual([]);
    expect(agents.map((a) => a.id).sort()).toEqual([...SHIPPED].sort());
    for (const agent of agents) {
      expect(agent.source).toBe('builtin');
      expect(agent.instructions.length, agent.id).toBeGreaterThan(900);
    }
    expect(new Set(agents.map((a) => a.team))).toEqual(new Set(['strategy', 'creative', 'community', 'data', 'brand']));
  });

  it('reports a malformed user file with its path and line, and still loads the others', () => {
    const dir = dataDirWith({
      'broken-yaml.md': '---\nid: broken\nname: Broken\nteam: [creative\nrole: x\n---\nInstructions that are long enough here.\n',
      'bad-team.md': '---\nid: bad-team\nname: Bad\nrole: Has a team that does not exist.\nteam: marketing\noutput: draft\n---\nInstructions that are long enough here.\n',
      'no-output.md': '---\nid: no-output\nname: No output\nteam: data\nrole: Forgot the output schema.\n---\nInstructions that are long enough here.\n',
      'good.md': VALID('good-one'),
    });
    const { agents, problems } = loadAgents({ dataDir: dir });
    expect(agents.map((a) => a.id)).toContain('good-one');
    expect(agents).toHaveLength(SHIPPED.length + 1);

    const yamlProblem = problems.find((p) => p.path.endsWith('broken-yaml.md'))!;
    expect(yamlProblem.path).toBe(join(dir, 'agents', 'broken-yaml.md'));
    expect(yamlProblem.line).toBeGreaterThanOrEqual(4);
    expect(yamlProblem.message).toMatch(/^YAML/);

    const teamProblem = problems.find((p) => p.path.endsWith('bad-team.md'))!;
    expect(teamProblem).toMatchObject({ line: 5 });
    expect(teamProblem.message).toMatch(/^team:/);

    const missing = problems.find((p) => p.path.endsWith('no-output.md'))!;
    expect(missing).toMatchObject({ line: 1, message: 'Missing "output".' });
  });

  it('points a bad list entry at its own line', () => {
    const text = '---\nid: tools-typo\nname: T\nteam: data\nrole: r\noutput: draft\ntools:\n  - chorus.brand_profile\n  - not a tool name\n---\nInstructions that are long enough here.\n';
    const result = parseAgentFile(text, '/x/tools-typo.md', 'user');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ path: '/x/tools-typo.md', line: 9 });
  });

  it('lets a user file override a built-in by id and add new agents', () => {
    const dir = dataDirWith({
      'mine.md': VALID('content-creation', '\nmodel: [ollama:qwen2.5:7b-instruct, offline]'),
      'extra.md': VALID('newsletter-writer'),
    });
    const { agents, problems } = loadAgents({ dataDir: dir });
    expect(problems).toEqual([]);
    const overridden = agents.find((a) => a.id === 'content-creation')!;
    expect(overridden).toMatchObject({ source: 'user', name: 'My content-creation', model: ['ollama:qwen2.5:7b-instruct', 'offline'] });
    expect(agents.filter((a) => a.id === 'content-creation')).toHaveLength(1);
    expect(agents.find((a) => a.id === 'newsletter-writer')?.source).toBe('user');
  });

  it('reports a missing built-in folder (a packaging bug) but not a missing user folder', () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const { agents, problems } = loadAgents({ dataDir: dir.path, builtinDir: join(dir.path, 'nowhere') });
    expect(agents).toEqual([]);
    expect(problems).toEqual([{ path: join(dir.path, 'nowhere'), line: 0, message: expect.stringMatching(/built-in agents folder is missing/) }]);
  });

  it('rejects unknown keys and front matter without a closing line', () => {
    const unknownKey = parseAgentFile(VALID('a-b').replace('output: draft', 'output: draft\nwebhook: http://x'), '/a.md', 'user');
    expect(unknownKey.ok).toBe(false);
    const unclosed = parseAgentFile('---\nid: a\n', '/b.md', 'user');
    expect(unclosed).toMatchObject({ ok: false, problems: [{ path: '/b.md', message: expect.stringMatching(/not closed/) }] });
  });
});
