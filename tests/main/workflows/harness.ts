// An engine on a real data folder, with the real Ollama client talking to a
// loopback server that answers like a model (tests/fakes/workflowModel.ts),
// a brand, and Sandbox accounts on the platforms a test names.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type CreatedEngine } from '../../../src/main/engine';
import type { RouteName } from '../../../src/shared/contract';
import type { Platform } from '../../../src/shared/platforms';
import type { Approval, RunDetail, WorkflowRun } from '../../../src/shared/contract/schemas/workflows';
import { FakeOllamaServer } from '../../fakes/FakeOllamaServer';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import { freshDataDir } from '../../fakes/tempDir';
import { workflowReply } from '../../fakes/workflowModel';

export interface WorkflowHarness {
  engine: CreatedEngine;
  model: FakeOllamaServer;
  dataDir: string;
  brandId: string;
  call<T>(route: RouteName, input: unknown): Promise<T>;
  /** Starts a run and waits until it is no longer running. */
  run(workflowId: string, input?: Record<string, unknown>): Promise<RunDetail>;
  detail(runId: string): Promise<RunDetail>;
  pending(): Promise<Approval[]>;
  settled(runId: string): Promise<RunDetail>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A day well ahead, so the scripted times are always in the future. */
export const PLAN_DAY = (() => {
  const d = new Date(Date.now() + 3 * 86_400_000);
  return d.toISOString().slice(0, 10);
})();

export async function openWorkflowHarness(options: { platforms?: Platform[]; latencyMs?: number } = {}): Promise<WorkflowHarness> {
  const dir = await freshDataDir();
  const model = new FakeOllamaServer({ respond: workflowReply, ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}) });
  const url = await model.start();
  writeFileSync(join(dir.path, 'settings.json'), JSON.stringify({ ollamaUrl: url, ollamaModel: 'llama3.2', modelFallbackOrder: ['ollama'] }));
  const secrets = new MemorySecretStore();
  let engine = createEngine({ dataDir: dir.path, host: 'server', secrets, log: () => undefined });
  await engine.start();

  const call = async <T,>(route: RouteName, input: unknown): Promise<T> => {
    const result = await engine.call(route, input as never);
    if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
    return result.data as T;
  };
  const brand = await call<{ id: string }>('brands.create', {
    name: 'Fjord Coffee',
    description: 'Small-batch coffee roaster in Bergen.',
    voice: 'Warm, plain-spoken, a little dry humour.',
    contentPillars: ['brewing guides', 'sourcing'],
    timezone: 'Europe/Oslo',
  });
  for (const platform of options.platforms ?? ['x', 'linkedin']) await call('accounts.connectSandbox', { brandId: brand.id, platform });

  const harness: WorkflowHarness = {
    get engine() {
      return engine;
    },
    model,
    dataDir: dir.path,
    brandId: brand.id,
    call,
    detail: (runId) => call<RunDetail>('runs.get', { id: runId }),
    pending: () => call<Approval[]>('approvals.list', { status: 'pending' }),
    async settled(runId) {
      const workflows = engine.module<import('../../../src/main/engine/workflows/workflowsModule').WorkflowsModule>('workflows');
      await workflows.settled(runId);
      return harness.detail(runId);
    },
    async run(workflowId, input = {}) {
      const { runId } = await call<{ runId: string }>('workflows.start', { workflowId, brandId: brand.id, input, trigger: 'cli' });
      return harness.settled(runId);
    },
    async restart() {
      await engine.stop();
      engine = createEngine({ dataDir: dir.path, host: 'server', secrets, log: () => undefined });
      await engine.start();
    },
    async close() {
      await engine.stop();
      await model.close();
      dir.cleanup();
    },
  };
  return harness;
}

export type { WorkflowRun };
