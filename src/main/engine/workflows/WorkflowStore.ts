// SQL for workflow runs, step attempts, the event log and the journal. Each
// method is one short transaction; nothing rewrites a whole run.
import type { RunEvent, StepAttempt, WorkflowRun, WorkflowRunStatus } from '../../../shared/contract/schemas/workflows';
import type { RunUsage } from '../../../shared/contract/schemas/agents';
import type { Database, Queryable } from '../db/Database';

export interface RunRow {
  id: string;
  workflow_id: string;
  workflow_version: number;
  brand_id: string;
  trigger: string;
  input: Record<string, unknown>;
  status: WorkflowRunStatus;
  output: unknown;
  error: string | null;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export interface AttemptRow {
  path: string;
  kind: string;
  label: string;
  attempt: number;
  status: StepAttempt['status'];
  input: unknown;
  output: unknown;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
}

export interface JournalRow {
  key: string;
  kind: 'model' | 'tool' | 'clock' | 'id' | 'effect';
  value: unknown;
  owner: string;
}

export interface NewEvent {
  type: RunEvent['type'];
  path?: string | null;
  message?: string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const ZERO_USAGE: RunUsage = { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };

export const LEASE_MS = 30_000;

/** An approval of run `r` that was decided but whose step has not yet acted on the decision. */
const DECISION_NOT_ACTED_ON = `
  EXISTS (SELECT 1 FROM approvals a WHERE a.run_id = r.id AND a.status <> 'pending'
          AND NOT EXISTS (SELECT 1 FROM workflow_step_attempts s
                          WHERE s.run_id = r.id AND s.path = a.path AND s.status IN ('succeeded','skipped','failed')))`;

/** One journal row, inside the caller's transaction (with the effect it records, where there is one). */
export async function insertJournal(tx: Queryable, row: { runId: string; key: string; kind: JournalRow['kind']; value: unknown; owner: string }): Promise<void> {
  await tx.query(`INSERT INTO workflow_journal (run_id, key, kind, value, owner) VALUES ($1, $2, $3, $4, $5)`, [
    row.runId,
    row.key,
    row.kind,
    JSON.stringify(row.value ?? null),
    row.owner,
  ]);
}

/** Attempts nothing will carry on (the run was cancelled or cannot be replayed) end cancelled. */
export async function closeOpenAttempts(tx: Queryable, runId: string): Promise<void> {
  await tx.query(`UPDATE workflow_step_attempts SET status = 'cancelled', finished_at = now() WHERE run_id = $1 AND status IN ('running','waiting')`, [runId]);
}

/** Appends one event; `seq` is the next in the run (writes are serialised, so no two take the same). */
export async function appendEvent(tx: Queryable, runId: string, event: NewEvent): Promise<RunEvent> {
  const { rows } = await tx.query<{ seq: number; at: Date }>(
    `INSERT INTO workflow_events (run_id, seq, type, path, message)
     VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM workflow_events WHERE run_id = $1), $2, $3, $4)
     RETURNING seq, at`,
    [runId, event.type, event.path ?? null, event.message ?? null],
  );
  return { runId, seq: rows[0]!.seq, type: event.type, path: event.path ?? null, message: event.message ?? null, at: iso(rows[0]!.at) };
}

export function toAttempt(row: AttemptRow, usage: RunUsage = ZERO_USAGE): StepAttempt {
  return {
    path: row.path,
    kind: row.kind as StepAttempt['kind'],
    label: row.label,
    attempt: row.attempt,
    status: row.status,
    error: row.error,
    startedAt: iso(row.started_at),
    finishedAt: row.finished_at ? iso(row.finished_at) : null,
    durationMs: row.duration_ms,
    usage,
  };
}

export class WorkflowStore {
  constructor(private readonly db: Database) {}

  async run(id: string): Promise<RunRow | null> {
    const [row] = await this.db.query<RunRow>('SELECT * FROM workflow_runs WHERE id = $1', [id]);
    return row ?? null;
  }

  async attempts(runId: string): Promise<AttemptRow[]> {
    return this.db.query<AttemptRow>('SELECT * FROM workflow_step_attempts WHERE run_id = $1 ORDER BY id', [runId]);
  }

  async journal(runId: string): Promise<JournalRow[]> {
    return this.db.query<JournalRow>('SELECT key, kind, value, owner FROM workflow_journal WHERE run_id = $1', [runId]);
  }

  async events(runId: string): Promise<RunEvent[]> {
    const rows = await this.db.query<{ seq: number; type: RunEvent['type']; path: string | null; message: string | null; at: Date }>(
      'SELECT seq, type, path, message, at FROM workflow_events WHERE run_id = $1 ORDER BY seq',
      [runId],
    );
    return rows.map((r) => ({ runId, seq: r.seq, type: r.type, path: r.path, message: r.message, at: iso(r.at) }));
  }

  /** Usage per step path, from the model calls made under each step. */
  async usageBySteps(runId: string): Promise<Map<string, RunUsage>> {
    const rows = await this.db.query<{ step: string; calls: number; prompt: number; completion: number; cost: string | null; unknown: number }>(
      `SELECT workflow_step AS step, count(*)::int AS calls, coalesce(sum(prompt_tokens), 0)::int AS prompt,
              coalesce(sum(completion_tokens), 0)::int AS completion, sum(cost_usd) AS cost,
              count(*) FILTER (WHERE cost_usd IS NULL)::int AS unknown
       FROM model_calls WHERE workflow_run_id = $1 GROUP BY workflow_step`,
      [runId],
    );
    return new Map(
      rows.map((r) => [r.step, { calls: r.calls, promptTokens: r.prompt, completionTokens: r.completion, costUsd: r.unknown ? null : Number(r.cost ?? 0) }]),
    );
  }

  /** Runs with their brand name, pending approvals and usage, newest first. */
  async list(filter: { ids?: string[]; brandId?: string; status?: WorkflowRunStatus; limit: number }): Promise<WorkflowRun[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.ids) where.push(`r.id = ANY($${params.push(filter.ids)}::uuid[])`);
    if (filter.brandId) where.push(`r.brand_id = $${params.push(filter.brandId)}`);
    if (filter.status) where.push(`r.status = $${params.push(filter.status)}`);
    const rows = await this.db.query<RunRow & { brand_name: string; pending: number; calls: number; prompt: number; completion: number; cost: string | null; unknown_cost: number }>(
      `SELECT r.*, b.name AS brand_name,
              (SELECT count(*)::int FROM approvals a WHERE a.run_id = r.id AND a.status = 'pending') AS pending,
              u.calls, u.prompt, u.completion, u.cost, u.unknown_cost
       FROM workflow_runs r
       JOIN brands b ON b.id = r.brand_id
       LEFT JOIN LATERAL (
         SELECT count(*)::int AS calls, coalesce(sum(prompt_tokens), 0)::int AS prompt, coalesce(sum(completion_tokens), 0)::int AS completion,
                sum(cost_usd) AS cost, count(*) FILTER (WHERE cost_usd IS NULL)::int AS unknown_cost
         FROM model_calls m WHERE m.workflow_run_id = r.id
       ) u ON true
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY r.created_at DESC, r.id LIMIT $${params.push(filter.limit)}`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      workflowId: r.workflow_id as WorkflowRun['workflowId'],
      workflowVersion: r.workflow_version,
      brandId: r.brand_id,
      brandName: r.brand_name,
      status: r.status,
      trigger: r.trigger as WorkflowRun['trigger'],
      input: r.input,
      output: r.output ?? null,
      error: r.error,
      pendingApprovals: r.pending,
      usage: { calls: r.calls ?? 0, promptTokens: r.prompt ?? 0, completionTokens: r.completion ?? 0, costUsd: r.unknown_cost ? null : Number(r.cost ?? 0) },
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
      finishedAt: r.finished_at ? iso(r.finished_at) : null,
    }));
  }

  /**
   * Takes the run for `owner` if it may be worked on: a compare-and-set, so
   * two hosts (or two approvals) can never both resume it.
   */
  async claim(runId: string, owner: string, from: readonly WorkflowRunStatus[], options: { ignoreLease?: boolean } = {}): Promise<RunRow | null> {
    return this.db.write(async (tx) => {
      const { rows } = await tx.query<RunRow>(
        `UPDATE workflow_runs SET status = 'running', lease_owner = $2, lease_expires_at = now() + $4 * interval '1 millisecond', updated_at = now()
         WHERE id = $1 AND status = ANY($3::text[])
           AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at < now() OR $5)
         RETURNING *`,
        [runId, owner, from, LEASE_MS, options.ignoreLease ?? false],
      );
      return rows[0] ?? null;
    });
  }

  async renewLeases(owner: string, runIds: string[]): Promise<void> {
    if (runIds.length === 0) return;
    await this.db.write((tx) =>
      tx.query(`UPDATE workflow_runs SET lease_expires_at = now() + $3 * interval '1 millisecond' WHERE lease_owner = $1 AND id = ANY($2::uuid[])`, [
        owner,
        runIds,
        LEASE_MS,
      ]),
    );
  }

  /** Runs left `running` by a host that is gone (its lease lapsed, or none is held), and waiting runs with a decision not yet acted on. */
  async resumable(owner: string, exclusive: boolean): Promise<RunRow[]> {
    return this.db.query<RunRow>(
      `SELECT * FROM workflow_runs r
       WHERE (r.status = 'running' AND (r.lease_owner IS NULL OR r.lease_expires_at < now() OR ($2 AND r.lease_owner <> $1)))
          OR (r.status = 'waiting' AND ${DECISION_NOT_ACTED_ON})
       ORDER BY r.created_at`,
      [owner, exclusive],
    );
  }

  /** Whether a person decided on one of the run's approvals and the run has not acted on it yet. */
  async hasDecisionNotActedOn(runId: string): Promise<boolean> {
    const [row] = await this.db.query<{ yes: boolean }>(`SELECT ${DECISION_NOT_ACTED_ON} AS yes FROM workflow_runs r WHERE r.id = $1`, [runId]);
    return row?.yes ?? false;
  }
}
