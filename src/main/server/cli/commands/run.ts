import { Argument, InvalidArgumentError, type Command } from 'commander';
import { ChorusError, type Result } from '../../../../shared/contract';
import type { RunUsage } from '../../../../shared/contract/schemas/agents';
import {
  WORKFLOW_IDS,
  type Approval,
  type RunDetail,
  type RunEvent,
  type StepAttempt,
  type WorkflowRunStatus,
} from '../../../../shared/contract/schemas/workflows';
import { findBrand } from '../brandLookup';
import { common, dataDirOf, type CommonOptions } from '../common';
import { createOutput, type Output } from '../output';
import { openSession, unwrap, type CliSession } from '../session';

/** Runs `work` on one session; a ChorusError is printed like every other command's. */
export async function withCliSession(options: CommonOptions, work: (session: CliSession, out: Output) => Promise<void>): Promise<void> {
  const out = createOutput(!!options.json);
  const session = await openSession(dataDirOf(options));
  try {
    await work(session, out);
  } catch (error) {
    if (error instanceof ChorusError) out.fail(error.toContractError());
    else throw error;
  } finally {
    await session.close();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** 0 when the run finished or waits for a person; 1 when it stopped short. */
export function exitCodeFor(status: WorkflowRunStatus): number {
  return status === 'succeeded' || status === 'waiting' ? 0 : 1;
}

function progressLine(event: RunEvent): string {
  // Failure messages can list every provider tried; the full text is in `chorus runs show`.
  return `  ${event.type.replace(/_/g, ' ')}${event.path ? ` ${event.path}` : ''}${event.message ? `: ${oneLine(event.message, 160)}` : ''}\n`;
}

export interface Follow {
  detail: RunDetail;
  /** Ctrl-C stopped the watching before the run settled. */
  detached: boolean;
}

/**
 * Watches runs until they stop `running`. Subscribes at once, so events a
 * run emits before its id is known (right after workflows.start) are kept.
 */
export function runWatcher(session: CliSession, progress: boolean) {
  let runId: string | null = null;
  const early: RunEvent[] = [];
  let lastSeq = -1;
  let wake: () => void = () => undefined;
  const print = (event: RunEvent) => {
    if (event.seq <= lastSeq) return;
    lastSeq = event.seq;
    if (progress) process.stderr.write(progressLine(event));
  };
  const unsubscribe = session.subscribe?.((name, payload) => {
    if (name === 'runs.event') {
      const event = payload as RunEvent;
      if (runId === null) early.push(event);
      else if (event.runId === runId) print(event);
    } else if (name === 'runs.changed' && (payload as { id: string }).id === runId) wake();
  });

  return {
    /** `sinceSeq`: events up to it were already seen (a retried run's earlier log). */
    async follow(id: string, sinceSeq = -1): Promise<Follow> {
      runId = id;
      lastSeq = sinceSeq;
      for (const event of early.splice(0)) if (event.runId === id) print(event);
      let interrupted = false;
      const onSigint = () => {
        interrupted = true;
        wake();
      };
      process.once('SIGINT', onSigint);
      try {
        for (;;) {
          const woken = new Promise<void>((resolve) => (wake = resolve));
          const detail = unwrap<RunDetail>(await session.call('runs.get', { id }));
          // The log fills any gap in the live events; remotely it is the only source.
          for (const event of detail.events) print(event);
          if (detail.status !== 'running' || interrupted) return { detail, detached: interrupted && detail.status === 'running' };
          // Events wake the local session; the timer is the remote poll (and a local safety net).
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([woken, new Promise<void>((resolve) => (timer = setTimeout(resolve, unsubscribe ? 2000 : 250)))]);
          clearTimeout(timer);
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
    },
    close() {
      unsubscribe?.();
    },
  };
}

/**
 * After a decision in a local session the engine carries the run on in this
 * process; wait until it settles so exiting does not cut that work off.
 */
export async function settleLocally(session: CliSession, runIds: (string | null)[], quiet: boolean, timeoutMs = 10 * 60_000): Promise<void> {
  if (session.mode !== 'local') return;
  const deadline = Date.now() + timeoutMs;
  for (const id of new Set(runIds.filter((r): r is string => r !== null))) {
    let told = quiet;
    while (Date.now() < deadline) {
      const result = (await session.call('runs.get', { id })) as Result<RunDetail>;
      if (!result.ok || result.data.status !== 'running') break;
      if (!told) process.stderr.write(`Run ${id} carries on in this process; waiting until it settles…\n`);
      told = true;
      await sleep(200);
    }
  }
}

export function formatCost(usage: RunUsage): string {
  return usage.costUsd === null ? '?' : `$${usage.costUsd.toFixed(4)}`;
}

export function formatTokens(usage: RunUsage): string {
  return String(usage.promptTokens + usage.completionTokens);
}

export function formatTime(iso: string | null): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('sv-SE', { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function problemsText(approval: Approval): string {
  const errors = approval.problems.filter((p) => p.severity === 'error').length;
  const warnings = approval.problems.length - errors;
  const parts = [];
  if (errors) parts.push(`${errors} error${errors > 1 ? 's' : ''}`);
  if (warnings) parts.push(`${warnings} warning${warnings > 1 ? 's' : ''}`);
  return parts.join(', ');
}

/** The latest attempt of each step, in the order they first started. */
function latestAttempts(steps: StepAttempt[]): StepAttempt[] {
  const byPath = new Map<string, StepAttempt>();
  for (const step of steps) {
    const seen = byPath.get(step.path);
    if (!seen || step.attempt >= seen.attempt) byPath.set(step.path, step);
  }
  return [...byPath.values()];
}

export function stepsLine(steps: StepAttempt[]): string {
  const counts = new Map<string, number>();
  for (const step of latestAttempts(steps)) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
  const done = (counts.get('succeeded') ?? 0) + (counts.get('skipped') ?? 0);
  const rest = ['running', 'waiting', 'failed', 'cancelled'].filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${s}`);
  return [`${done} done`, ...rest].join(', ');
}

export function pendingApprovalsText(approvals: Approval[]): string[] {
  const pending = approvals.filter((a) => a.status === 'pending');
  if (pending.length === 0) return [];
  const lines = [`Waiting for approval (${pending.length}):`];
  for (const a of pending) {
    const score = a.voiceScore === null ? '' : ` · voice ${a.voiceScore}`;
    const problems = problemsText(a);
    lines.push(`  ${a.id}  ${a.draft.platform}${score}${problems ? ` · ${problems}` : ''}`);
    lines.push(`    “${oneLine(a.draft.title || a.draft.text, 72)}”`);
    lines.push(`    approve: chorus approvals approve ${a.id}`);
  }
  lines.push('Reject one with: chorus approvals reject <id> --comment "why"');
  if (pending.length > 1) lines.push(`Approve all: chorus approvals approve ${pending.map((a) => a.id).join(' ')}`);
  return lines;
}

/** The summary `run` and `runs retry` print. */
export function runSummary(detail: RunDetail): string {
  const lines = [
    `Run ${detail.id} · ${detail.workflowId} · ${detail.brandName}`,
    `Status: ${detail.status}`,
    `Steps: ${stepsLine(detail.steps)}`,
    `Usage: ${detail.usage.calls} model call(s) · ${formatTokens(detail.usage)} tokens · ${formatCost(detail.usage)}`,
  ];
  if (detail.error) lines.push(`Error: ${detail.error}`);
  if (detail.status === 'failed' || detail.status === 'paused' || detail.status === 'interrupted') {
    lines.push(`Carry on from where it stopped with: chorus runs retry ${detail.id}`);
  }
  const pending = pendingApprovalsText(detail.approvals);
  if (pending.length) lines.push('', ...pending);
  return lines.join('\n');
}

/** Prints a followed run (the runs.get detail with --json) and sets the exit code. */
export function printFollowed(out: Output, followed: Follow, local: boolean): void {
  const { detail, detached } = followed;
  out.data(detail, () => runSummary(detail));
  if (detached) {
    process.stderr.write(
      local
        ? `Stopped. Run ${detail.id} carries on the next time Chorus opens this data folder.\n`
        : `Stopped watching. Run ${detail.id} carries on in chorus serve.\n`,
    );
    process.exitCode = 130;
    return;
  }
  process.exitCode = exitCodeFor(detail.status);
}

function positiveInt(label: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < 1 || n > max) throw new InvalidArgumentError(`${label} is a whole number from 1 to ${max}.`);
    return n;
  };
}

function parseInput(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('--input is a JSON object, e.g. \'{"topic":"spring hikes"}\'.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('--input is a JSON object.');
  return parsed as Record<string, unknown>;
}

interface RunOptions extends CommonOptions {
  brand: string;
  input?: Record<string, unknown>;
  parts?: number;
  topic?: string;
  goal?: string;
  days?: number;
}

/** Which convenience flag belongs to which workflow, and the input key it sets. */
const FLAGS: Record<'parts' | 'topic' | 'goal' | 'days', { workflow: string; flag: string }> = {
  parts: { workflow: 'content-series', flag: '--parts' },
  topic: { workflow: 'content-series', flag: '--topic' },
  goal: { workflow: 'campaign', flag: '--goal' },
  days: { workflow: 'campaign', flag: '--days' },
};

/** Names the flag behind an invalid input field, e.g. "(--topic)". */
function withFlagHint(result: Result<unknown>): Result<unknown> {
  if (result.ok || result.error.code !== 'invalid_input') return result;
  const [issue, more] = result.error.issues ?? [];
  const key = issue?.path[0] === 'input' ? issue.path[1] : undefined;
  if (!issue || more || typeof key !== 'string') return result;
  const flag = key in FLAGS ? FLAGS[key as keyof typeof FLAGS].flag : `--input's "${key}"`;
  return { ok: false, error: { ...result.error, message: `${result.error.message} (${flag})` } };
}

export function registerRun(program: Command): void {
  common(program.command('run'))
    .description('run a workflow for a brand; returns when it finishes or waits for approval')
    .addArgument(new Argument('<workflow>', 'the workflow').choices(WORKFLOW_IDS))
    .requiredOption('--brand <name>', 'brand name or id')
    .option('--input <json>', 'the workflow’s input as a JSON object', parseInput)
    .option('--parts <n>', 'content-series: how many parts', positiveInt('--parts', 100))
    .option('--topic <text>', 'content-series: what the series is about')
    .option('--goal <text>', 'campaign: what the campaign should achieve')
    .option('--days <n>', 'campaign: how many days it runs', positiveInt('--days', 365))
    .addHelpText(
      'after',
      [
        '',
        'Workflows:',
        '  daily-content   researches, plans and drafts today’s posts for each connected platform',
        '  content-series  a series of posts on one topic, part by part (--topic required, --parts)',
        '  campaign        plans and drafts a campaign towards a goal (--goal required, --days)',
        'Each draft waits for a person: see `chorus approvals list`. More input: --input \'{"date":"2025-03-30"}\'.',
        '',
        'Exit code: 0 when the run succeeded or waits for approval, 1 when it failed, paused or was cancelled.',
      ].join('\n'),
    )
    .action(async (workflowId: string, options: RunOptions, command: Command) => {
      const input: Record<string, unknown> = { ...(options.input ?? {}) };
      for (const [key, { workflow, flag }] of Object.entries(FLAGS)) {
        const value = options[key as keyof typeof FLAGS];
        if (value === undefined) continue;
        if (workflow !== workflowId) command.error(`error: ${flag} is for the ${workflow} workflow.`, { exitCode: 2, code: 'chorus.usage' });
        input[key] = value;
      }
      await withCliSession(options, async (session, out) => {
        const watcher = runWatcher(session, !options.json);
        try {
          const brand = await findBrand(session, options.brand);
          const started = unwrap<{ runId: string }>(withFlagHint(await session.call('workflows.start', { workflowId, brandId: brand.id, input, trigger: 'cli' })));
          if (!options.json) process.stderr.write(`Started run ${started.runId} (${workflowId} for ${brand.name}).\n`);
          printFollowed(out, await watcher.follow(started.runId), session.mode === 'local');
        } finally {
          watcher.close();
        }
      });
    });
}
