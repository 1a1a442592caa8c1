import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../fakes/cliProcess';
import { freshDataDir } from '../../fakes/tempDir';

let dir: { path: string; cleanup: () => void };

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  dir = await freshDataDir();
  // No model reachable: Ollama points at a closed port and no OpenAI key is set,
  // so the default chain (ollama → openai → offline) falls through to templates.
  writeFileSync(join(dir.path, 'settings.json'), JSON.stringify({ ollamaUrl: `http://127.0.0.1:${await closedPort()}` }));
  const created = await runCli(['brands', 'create', '--name', 'Fjord Coffee', '--timezone', 'Europe/Oslo', '--data-dir', dir.path, '--json']);
  expect(created.code, created.stderr).toBe(0);
});
afterAll(() => dir.cleanup());

describe('chorus agents CLI', () => {
  it('agent run with no model reachable answers with a template-made draft, labelled as such', async () => {
    const result = await runCli(['agent', 'run', 'content-creation', '--brand', 'fjord coffee', 'Announce our winter blend on Instagram', '--data-dir', dir.path, '--json']);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const data = JSON.parse(result.stdout);
    expect(data).toMatchObject({ agentId: 'content-creation', status: 'succeeded', templateMade: true, error: null });
    expect(data.output.drafts).toHaveLength(1);
    expect(data.output.drafts[0]).toMatchObject({ platform: 'instagram', text: expect.any(String), notes: expect.stringMatching(/[Tt]emplate/) });
    // Failed Ollama attempts and the offline answer are all counted.
    expect(data.usage.calls).toBeGreaterThanOrEqual(2);

    const human = await runCli(['agent', 'run', 'content-creation', '--brand', 'Fjord Coffee', 'A LinkedIn post about sourcing', '--data-dir', dir.path]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^TEMPLATE-MADE/);
    expect(human.stdout).toMatch(/— linkedin —/);
    expect(human.stderr).toMatch(/\[content-creation\] step 1/);
  });

  it('agents list shows every agent and reports broken user files with path and line', async () => {
    mkdirSync(join(dir.path, 'agents'), { recursive: true });
    writeFileSync(join(dir.path, 'agents', 'oops.md'), '---\nid: oops\nname: Oops\nteam: sales\nrole: r\noutput: draft\n---\nSome instructions that are long enough.\n');
    const listed = await runCli(['agents', 'list', '--json', '--data-dir', dir.path]);
    expect(listed.code).toBe(0);
    const data = JSON.parse(listed.stdout);
    expect(data.agents).toHaveLength(19);
    expect(data.problems).toEqual([{ path: join(dir.path, 'agents', 'oops.md'), line: 4, message: expect.stringMatching(/^team:/) }]);

    const human = await runCli(['agents', 'list', '--data-dir', dir.path]);
    expect(human.stdout).toMatch(/crisis-management\s+community\s+builtin\s+crisis_assessment/);
    expect(human.stdout).toContain(`${join(dir.path, 'agents', 'oops.md')}:4: team:`);
  });

  it('says which brands exist when the brand is unknown, and exits 1', async () => {
    const result = await runCli(['agent', 'run', 'content-creation', '--brand', 'Nope', 'task', '--data-dir', dir.path, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'not_found', message: expect.stringContaining('Fjord Coffee') });
  });
});
