import { InvalidArgumentError, Option, type Command } from 'commander';
import { WORKFLOW_RUN_STATUSES, type RunDetail, type WorkflowRun } from '../../../../shared/contract/schemas/workflows';
import { findBrand } from '../brandLookup';
import { common, type CommonOptions } from '../common';
import { table } from '../output';
import {
  formatCost,
  formatTime,
  formatTokens,
  pendingApprovalsText,
  printFollowed,
  runWatcher,
  stepsLine,
  withCliSession,
} from './run';
import { unwrap } from '../session';

function runsTable(runs: WorkflowRun[]): string {
  if (runs.length === 0) return 'No runs yet. Start one with: chorus run daily-content --brand "My brand"';
  return table(
    runs.map((r) => [r.id, r.workflowId, r.brandName, r.status, String(r.pendingApprovals), formatTokens(r.usage), formatCost(r.usage), formatTime(r.createdAt)]),
    ['ID', 'WORKFLOW', 'BRAND', 'STATUS', 'PENDING', 'TOKENS', 'COST', 'STARTED'],
  );
}

function duration(ms: number | null): string {
  if (ms === null) return '';
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

function runDetailText(run: RunDetail): string {
  const lines = [
    `Run ${run.id} · ${run.workflowId} v${run.workflowVersion} · ${run.brandName}`,
    `Status: ${run.status} · trigger ${run.trigger} · started ${formatTime(run.createdAt)}${run.finishedAt ? ` · finished ${formatTime(run.finishedAt)}` : ''}`,
    `Steps: ${stepsLine(run.steps)}`,
    `Usage: ${run.usage.calls} model call(s) · ${formatTokens(run.usage)} tokens · ${formatCost(run.usage)}`,
  ];
  if (run.error) lines.push(`Error: ${run.error}`);
  if (run.steps.length) {
    lines.push(
      '',
      table(
        run.steps.map((s) => [
          s.path,
          s.kind,
          s.status,
          String(s.attempt),
          duration(s.durationMs),
          s.usage.calls ? formatTokens(s.usage) : '',
          s.usage.calls ? formatCost(s.usage) : '',
          (s.error ?? '').replace(/\s+/g, ' ').slice(0, 80),
        ]),
        ['PATH', 'KIND', 'STATUS', 'ATTEMPT', 'DURATION', 'TOKENS', 'COST', 'ERROR'],
      ),
    );
  }
  const pending = pendingApprovalsText(run.approvals);
  if (pending.length) lines.push('', ...pending);
  return lines.join('\n');
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 500) throw new InvalidArgumentError('a limit is a whole number from 1 to 500.');
  return n;
}

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('list, inspect, cancel and retry workflow runs');

  common(runs.command('list'))
    .description('list workflow runs, newest first')
    .option('--brand <name>', 'only this brand’s runs (name or id)')
    .addOption(new Option('--status <status>', 'only runs in this status').choices(WORKFLOW_RUN_STATUSES))
    .option('--limit <n>', 'at most this many (default 50)', parseLimit)
    .action(async (options: CommonOptions & { brand?: string; status?: string; limit?: number }) => {
      await withCliSession(options, async (session, out) => {
        const brand = options.brand ? await findBrand(session, options.brand) : null;
        const list = unwrap<WorkflowRun[]>(
          await session.call('runs.list', {
            ...(brand ? { brandId: brand.id } : {}),
            ...(options.status ? { status: options.status } : {}),
            ...(options.limit ? { limit: options.limit } : {}),
          }),
        );
        out.data(list, () => runsTable(list));
      });
    });

  common(runs.command('show').argument('<id>', 'the run id'))
    .description('show a run: its steps, usage and pending approvals')
    .action(async (id: string, options: CommonOptions) => {
      await withCliSession(options, async (session, out) => {
        const run = unwrap<RunDetail>(await session.call('runs.get', { id }));
        out.data(run, () => runDetailText(run));
      });
    });

  common(runs.command('cancel').argument('<id>', 'the run id'))
    .description('stop a run; its pending approvals are withdrawn')
    .action(async (id: string, options: CommonOptions) => {
      await withCliSession(options, async (session, out) => {
        const run = unwrap<WorkflowRun>(await session.call('runs.cancel', { id }));
        out.data(run, () => `Run ${run.id} is ${run.status}.`);
      });
    });

  common(runs.command('retry').argument('<id>', 'the run id'))
    .description('carry on a failed, paused or interrupted run; returns when it finishes or waits for approval')
    .action(async (id: string, options: CommonOptions) => {
      await withCliSession(options, async (session, out) => {
        const watcher = runWatcher(session, !options.json);
        try {
          const before = unwrap<RunDetail>(await session.call('runs.get', { id }));
          const lastSeq = before.events.reduce((max, e) => Math.max(max, e.seq), -1);
          unwrap<WorkflowRun>(await session.call('runs.retry', { id }));
          printFollowed(out, await watcher.follow(id, lastSeq), session.mode === 'local');
        } finally {
          watcher.close();
        }
      });
    });
}
