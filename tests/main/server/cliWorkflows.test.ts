import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval, RunDetail, WorkflowRun } from '../../../src/shared/contract/schemas/workflows';
import { runCli, startServe, type ServeProcess } from '../../fakes/cliProcess';
import { freshDataDir } from '../../fakes/tempDir';

// One data folder for the whole file, cases in order: the first ones run the
// engine in the CLI process, the later ones go through a `chorus serve` (which
// also makes each call fast). No model server runs here: the offline provider writes the drafts.
let dir: { path: string; cleanup: () => void };
let serve: ServeProcess | null = null;
const chorus = (...args: string[]) => runCli([...args, '--data-dir', dir.path]);
const json = <T>(stdout: string): T => JSON.parse(stdout) as T;

beforeAll(async () => {
  dir = await freshDataDir();
  const brand = await chorus('brands', 'create', '--name', 'Fjord Outdoors', '--timezone', 'Europe/Oslo', '--json');
  expect(brand.code, brand.stderr).toBe(0);
  const account = await chorus('accounts', 'connect-sandbox', '--brand', 'fjord outdoors', '--platform', 'x', '--json');
  expect(account.code, account.stderr).toBe(0);
});

afterAll(async () => {
  if (serve && serve.child.exitCode === null) await serve.stop('SIGKILL');
  dir?.cleanup();
});

describe('chorus run, runs and approvals', () => {
  let run: RunDetail;
  let pending: Approval[];

  it('runs daily-content in this process until it waits for approval, and prints the run detail', async () => {
    const result = await chorus('run', 'daily-content', '--brand', 'Fjord Outdoors', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/step started/);
    run = json<RunDetail>(result.stdout);
    expect(run).toMatchObject({ workflowId: 'daily-content', brandName: 'Fjord Outdoors', status: 'waiting', trigger: 'cli' });
    expect(run.pendingApprovals).toBeGreaterThan(0);
    expect(run.approvals.filter((a) => a.status === 'pending')).toHaveLength(run.pendingApprovals);
  });

  it('lists the pending approvals', async () => {
    const result = await chorus('approvals', 'list', '--json');
    expect(result.code, result.stderr).toBe(0);
    pending = json<Approval[]>(result.stdout);
    expect(pending.map((a) => a.id).sort()).toEqual(run.approvals.map((a) => a.id).sort());
    expect(pending[0]).toMatchObject({ runId: run.id, brandName: 'Fjord Outdoors', status: 'pending' });
  });

  it('approves, and waits for the resumed run before the engine in this process stops', async () => {
    const id = pending[0]!.id;
    const result = await chorus('approvals', 'approve', id, '--comment', 'Looks good', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(json<Approval>(result.stdout)).toMatchObject({ id, status: 'approved', decisions: [{ via: 'cli', comment: 'Looks good' }] });
  });

  it('refuses bad arguments with usage and exit 2', async () => {
    const noComment = await chorus('approvals', 'reject', pending[0]!.id);
    expect(noComment.code).toBe(2);
    expect(noComment.stderr).toMatch(/--comment/);

    const unknown = await chorus('run', 'weekly-magic', '--brand', 'Fjord Outdoors');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/daily-content.*content-series.*campaign/);

    const wrongFlag = await chorus('run', 'daily-content', '--brand', 'Fjord Outdoors', '--topic', 'hikes');
    expect(wrongFlag.code).toBe(2);
    expect(wrongFlag.stderr).toMatch(/--topic is for the content-series workflow/);
  });

  it('through a running serve: a second approval of the same draft is a conflict', async () => {
    serve = await startServe(['--port', '0', '--data-dir', dir.path]);
    const again = await chorus('approvals', 'approve', pending[0]!.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/conflict/i);
  });

  it('lists runs and shows one; the approved run finished in the process that approved it', async () => {
    const listed = await chorus('runs', 'list', '--brand', 'Fjord Outdoors', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(json<WorkflowRun[]>(listed.stdout).map((r) => r.id)).toContain(run.id);

    const shown = await chorus('runs', 'show', run.id, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    const detail = json<RunDetail>(shown.stdout);
    expect(detail.steps.length).toBeGreaterThan(0);
    if (run.pendingApprovals === 1) expect(detail.status).toBe('succeeded');
    // Had the approving process exited mid-run, serve would have picked it up again.
    expect(detail.events.filter((e) => e.type === 'run_resumed')).toHaveLength(1);

    const human = await chorus('runs', 'show', run.id);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/PATH\s+KIND\s+STATUS\s+ATTEMPT\s+DURATION\s+TOKENS\s+COST\s+ERROR/);
  });

  it('through a running serve: runs content-series with its flags, prints progress and how to approve; rejects and cancels', async () => {
    const result = await chorus('run', 'content-series', '--brand', 'Fjord Outdoors', '--topic', 'Spring hikes', '--parts', '2');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/step started/);
    expect(result.stdout).toMatch(/Status: waiting/);
    const approve = /chorus approvals approve (\S+)/.exec(result.stdout);
    expect(approve).not.toBeNull();

    const queue = await chorus('approvals', 'list', '--brand', 'Fjord Outdoors');
    expect(queue.stdout).toMatch(/^ID\s+BRAND\s+PLATFORM\s+SCORE\s+PROBLEMS\s+TEXT/);
    expect(queue.stdout).toContain(approve![1]);

    const rejected = await chorus('approvals', 'reject', approve![1]!, '--comment', 'Too generic', '--json');
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(json<Approval>(rejected.stdout)).toMatchObject({ status: 'rejected', runId: expect.any(String) });

    const runId = json<Approval>(rejected.stdout).runId!;
    const cancelled = await chorus('runs', 'cancel', runId, '--json');
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(json<WorkflowRun>(cancelled.stdout)).toMatchObject({ id: runId, status: 'cancelled' });
  });
});
