// Words and numbers for runs: statuses, durations, tokens and cost.
import type { RunUsage } from '../../../shared/contract/schemas/agents';
import type { WorkflowRunStatus } from '../../../shared/contract/schemas/workflows';

const number = new Intl.NumberFormat('en-US');
export const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Statuses a run can be stopped in, and those it can carry on from (the engine checks again). */
export const CANCELLABLE: readonly WorkflowRunStatus[] = ['running', 'waiting', 'paused'];
export const RETRYABLE: readonly WorkflowRunStatus[] = ['failed', 'paused', 'interrupted'];

/** The badge colour for a run or step status; the status word itself is shown as text. */
export function statusBadge(status: string): string {
  switch (status) {
    case 'succeeded':
      return 'badge badge--ok';
    case 'failed':
    case 'interrupted':
      return 'badge badge--danger';
    case 'running':
    case 'waiting':
    case 'paused':
      return 'badge badge--warning';
    default:
      return 'badge';
  }
}

/** "850 ms", "12.3 s", "2 min 5 s". */
export function durationText(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}

export function tokensText(usage: RunUsage): string {
  const tokens = usage.promptTokens + usage.completionTokens;
  return `${number.format(tokens)} ${tokens === 1 ? 'token' : 'tokens'}`;
}

/** "$0.0123", or "cost unknown" when some model call had no known price. */
export function costText(usage: RunUsage): string {
  const cost = usage.costUsd;
  if (cost === null) return 'cost unknown';
  if (cost === 0) return '$0';
  // Runs cost cents: four decimals keep small steps apart.
  return `$${cost.toFixed(cost < 1 ? 4 : 2)}`;
}

export function pendingText(count: number): string {
  return count === 1 ? '1 draft waits for approval' : `${count} drafts wait for approval`;
}
