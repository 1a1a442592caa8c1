// Small helpers for the workflows module tests, on top of the engine harness.
import { createEngine, type CreatedEngine } from '../../../src/main/engine';
import type { ContractError, RouteName } from '../../../src/shared/contract';
import type { Approval, WorkflowSettings } from '../../../src/shared/contract/schemas/workflows';
import type { WorkflowsModule } from '../../../src/main/engine/workflows/workflowsModule';
import { MemorySecretStore } from '../../fakes/MemorySecretStore';
import type { WorkflowHarness } from './harness';

/** A route's whole answer, so a test can look at an error's code and issues. */
export async function callResult(h: WorkflowHarness, route: RouteName, input: unknown): Promise<{ ok: true; data: unknown } | { ok: false; error: ContractError }> {
  return (await h.engine.call(route, input)) as { ok: true; data: unknown } | { ok: false; error: ContractError };
}

/** The error a route answers with; fails the test if it succeeded. */
export async function callError(h: WorkflowHarness, route: RouteName, input: unknown): Promise<ContractError> {
  const result = await callResult(h, route, input);
  if (result.ok) throw new Error(`${route} succeeded but the test expected it to be refused.`);
  return result.error;
}

export function db(h: WorkflowHarness) {
  return h.engine.services().db;
}

/** Sets the brand's approval policy (the rest of the settings stay as they are). */
export function setApproval(h: WorkflowHarness, approval: Partial<WorkflowSettings['approval']>, brandId = h.brandId): Promise<WorkflowSettings> {
  return h.call<WorkflowSettings>('workflows.updateSettings', { brandId, approval });
}

/** Back to the defaults: a person approves everything, no time-out. */
export function defaultApproval(h: WorkflowHarness): Promise<WorkflowSettings> {
  return setApproval(h, { mode: 'all', minVoiceScore: 70, timeoutHours: null, onTimeout: 'reject' });
}

/** Every approval of one run with the given status. */
export async function approvalsOf(h: WorkflowHarness, runId: string, status: Approval['status']): Promise<Approval[]> {
  const all = await h.call<Approval[]>('approvals.list', { status, limit: 500 });
  return all.filter((a) => a.runId === runId);
}

/**
 * Stops the harness's engine, starts one as another host on the same data
 * folder (one-off CLI engines do not pick up left-over runs; `chorus serve`
 * and the desktop app do), runs `work` with it, stops it, and restarts the
 * harness's own engine.
 */
export async function withHostEngine<T>(h: WorkflowHarness, host: 'server' | 'electron', work: (engine: CreatedEngine, workflows: WorkflowsModule) => Promise<T>): Promise<T> {
  await h.engine.stop();
  const engine = createEngine({ dataDir: h.dataDir, host, secrets: new MemorySecretStore(), log: () => undefined });
  try {
    await engine.start();
    return await work(engine, engine.module<WorkflowsModule>('workflows'));
  } finally {
    await engine.stop();
    await h.restart();
  }
}
