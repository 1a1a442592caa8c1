import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type CreatedEngine } from '../../../src/main/engine';
import type { AgentRunEvent, AgentRunSummary } from '../../../src/shared/contract/schemas/agents';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { freshDataDir } from '../../fakes/tempDir';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function engineOn(dir: string): Promise<CreatedEngine> {
  const engine = createEngine({ dataDir: dir, host: 'cli', secrets: new MemorySecretStore(), log: () => undefined });
  await engine.start();
  cleanups.push(() => engine.stop());
  return engine;
}

async function offlineDataDir(): Promise<string> {
  const dir = await freshDataDir();
  cleanups.push(dir.cleanup);
  // Port 9 (discard) is closed here: no model is reachable, the offline drafter answers.
  writeFileSync(join(dir.path, 'settings.json'), JSON.stringify({ ollamaUrl: 'http://127.0.0.1:9', modelFallbackOrder: ['ollama', 'offline'] }));
  return dir.path;
}

async function ok<T>(engine: CreatedEngine, route: string, input: unknown): Promise<T> {
  const result = await engine.call(route, input);
  if (!result.ok) throw new Error(`${route}: ${result.error.code} ${result.error.message}`);
  return result.data as T;
}

describe('agents module over the contract', () => {
  it('lists agents and teams, runs an agent in the background with streamed events, and lists the run with its usage', async () => {
    const engine = await engineOn(await offlineDataDir());
    const listed = await ok<{ agents: { id: string }[]; problems: unknown[] }>(engine, 'agents.list', {});
    expect(listed.agents).toHaveLength(19);
    expect(listed.problems).toEqual([]);
    const teams = await ok<{ id: string; leadAgent: string }[]>(engine, 'teams.list', {});
    expect(teams.map((t) => t.id)).toEqual(['strategy', 'creative', 'community', 'data', 'brand']);

    const brand = await ok<{ id: string }>(engine, 'brands.create', { name: 'Fjord Coffee', timezone: 'Europe/Oslo' });
    const events: AgentRunEvent[] = [];
    const finished = new Promise<void>((resolve) =>
      engine.subscribe((name, payload) => {
        if (name !== 'agents.runEvent') return;
        events.push(payload as AgentRunEvent);
        if ((payload as AgentRunEvent).kind === 'done' || (payload as AgentRunEvent).kind === 'error') resolve();
      }),
    );
    const { runId } = await ok<{ runId: string }>(engine, 'agents.run', { agentId: 'content-creation', brandId: brand.id, task: 'A TikTok caption for the winter blend' });
    // The row exists as soon as the id is returned.
    const [early] = await ok<AgentRunSummary[]>(engine, 'agents.runs', { limit: 5 });
    expect(early!.id).toBe(runId);
    await finished;
    expect(events.every((e) => e.runId === runId)).toBe(true);
    expect(events.at(-1)).toMatchObject({ kind: 'done', status: 'succeeded', templateMade: true });

    const [run] = await ok<AgentRunSummary[]>(engine, 'agents.runs', { brandId: brand.id, limit: 10 });
    expect(run).toMatchObject({ id: runId, agentId: 'content-creation', status: 'succeeded', templateMade: true });
    expect(run!.output).toMatchObject({ drafts: [{ platform: 'tiktok' }] });
    expect(run!.usage.calls).toBeGreaterThanOrEqual(2);
    expect(await ok(engine, 'agents.cancel', { runId })).toEqual({ cancelled: false });
  });

  it('rejects unknown agents and empty tasks with contract errors', async () => {
    const engine = await engineOn(await offlineDataDir());
    const brand = await ok<{ id: string }>(engine, 'brands.create', { name: 'B' });
    const unknown = await engine.call('agents.run', { agentId: 'ghost-writer', brandId: brand.id, task: 'x' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const empty = await engine.call('agents.runAndWait', { agentId: 'content-creation', brandId: brand.id, task: '   ' });
    expect(empty).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('closes runs a crash left running when the engine starts again', async () => {
    const dir = await offlineDataDir();
    const first = await engineOn(dir);
    await first.services().db.write((tx) => tx.query(`INSERT INTO agent_runs (agent_id, task) VALUES ('content-creation', 'interrupted')`));
    await first.stop();
    const second = await engineOn(dir);
    const [run] = await ok<AgentRunSummary[]>(second, 'agents.runs', { limit: 1 });
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/stopped while this run was in progress/) });
    expect(run!.finishedAt).not.toBeNull();
  });
});
