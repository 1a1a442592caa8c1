// The agent_runs and agent_run_steps tables. A run row is written before the
// first model call and finished when the run ends, so nothing lives only in
// memory; runs left "running" by a crash are closed at the next start.
import type { AgentRunSummary, RunStatus, RunUsage } from '../../../shared/contract/schemas/agents';
import type { Database } from '../db/Database';
import { iso, isoOrNull } from '../repositories/rows';

export type StepKind = 'tool_call' | 'final' | 'repair' | 'route';

export interface RunStep {
  kind: StepKind;
  name?: string | null;
  input?: unknown;
  result?: unknown;
  isError?: boolean;
  durationMs: number;
}

interface RunRow {
  id: string;
  agent_id: string;
  parent_run_id: string | null;
  brand_id: string | null;
  task: string;
  status: RunStatus;
  output: unknown;
  template_made: boolean;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

interface UsageRow {
  calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost: number | null;
  unknown_cost: boolean | null;
}

// Every run below (and including) the given ones; model_calls.run_id is text.
const USAGE_SQL = `
  WITH RECURSIVE tree AS (
    SELECT id, id AS root FROM agent_runs WHERE id = ANY($1::uuid[])
    UNION ALL
    SELECT r.id, t.root FROM agent_runs r JOIN tree t ON r.parent_run_id = t.id
  )
  SELECT t.root::text AS root, count(m.id)::int AS calls,
         coalesce(sum(m.prompt_tokens), 0)::int AS prompt_tokens,
         coalesce(sum(m.completion_tokens), 0)::int AS completion_tokens,
         coalesce(sum(m.cost_usd), 0)::float8 AS cost,
         bool_or(m.id IS NOT NULL AND m.cost_usd IS NULL) AS unknown_cost
  FROM tree t LEFT JOIN model_calls m ON m.run_id = t.id::text
  GROUP BY t.root`;

function toUsage(row: UsageRow | undefined): RunUsage {
  if (!row) return { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
  return {
    calls: row.calls,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    costUsd: row.unknown_cost ? null : Number(row.cost ?? 0),
  };
}

export class AgentRunRepository {
  constructor(private readonly db: Database) {}

  async start(run: {
    id: string;
    agentId: string;
    parentRunId?: string | null;
    brandId?: string | null;
    task: string;
    /** The workflow step this run does, when a workflow started it. */
    workflow?: { runId: string; step: string };
  }): Promise<void> {
    await this.db.write((tx) =>
      tx.query(
        `INSERT INTO agent_runs (id, agent_id, parent_run_id, brand_id, task, workflow_run_id, workflow_step) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [run.id, run.agentId, run.parentRunId ?? null, run.brandId ?? null, run.task, run.workflow?.runId ?? null, run.workflow?.step ?? null],
      ),
    );
  }

  async step(runId: string, step: RunStep): Promise<void> {
    await this.db.write((tx) =>
      tx.query(
        `INSERT INTO agent_run_steps (run_id, kind, name, input, result, is_error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          runId,
          step.kind,
          step.name ?? null,
          step.input === undefined ? null : JSON.stringify(step.input),
          step.result === undefined ? null : JSON.stringify(step.result),
          step.isError ?? false,
          Math.max(0, Math.round(step.durationMs)),
        ],
      ),
    );
  }

  async finish(runId: string, end: { status: Exclude<RunStatus, 'running'>; output?: unknown; templateMade?: boolean; error?: string | null }): Promise<void> {
    await this.db.write((tx) =>
      tx.query(
        `UPDATE agent_runs SET status = $2, output = $3, template_made = $4, error = $5, finished_at = now()
         WHERE id = $1 AND status = 'running'`,
        [runId, end.status, end.output === undefined ? null : JSON.stringify(end.output), end.templateMade ?? false, end.error ?? null],
      ),
    );
  }

  /** Closes runs a crash or a quit left running; returns how many. */
  async failInterrupted(): Promise<number> {
    return this.db.write(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `UPDATE agent_runs SET status = 'failed', finished_at = now(),
           error = 'Chorus stopped while this run was in progress; run it again.'
         WHERE status = 'running' RETURNING id`,
      );
      return rows.length;
    });
  }

  /** Model usage of each run and all of its descendants (team members). */
  async usage(runIds: readonly string[]): Promise<Map<string, RunUsage>> {
    const out = new Map<string, RunUsage>();
    if (runIds.length === 0) return out;
    const rows = await this.db.query<UsageRow & { root: string }>(USAGE_SQL, [runIds]);
    for (const id of runIds) out.set(id, toUsage(rows.find((r) => r.root === id)));
    return out;
  }

  async get(runId: string): Promise<AgentRunSummary | null> {
    const [row] = await this.db.query<RunRow>('SELECT * FROM agent_runs WHERE id = $1', [runId]);
    if (!row) return null;
    const usage = await this.usage([row.id]);
    return this.toSummary(row, usage.get(row.id));
  }

  async children(runId: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>('SELECT id FROM agent_runs WHERE parent_run_id = $1 ORDER BY started_at', [runId]);
    return rows.map((r) => r.id);
  }

  async list(filter: { brandId?: string; limit: number }): Promise<AgentRunSummary[]> {
    const rows = filter.brandId
      ? await this.db.query<RunRow>('SELECT * FROM agent_runs WHERE brand_id = $1 ORDER BY started_at DESC, id LIMIT $2', [filter.brandId, filter.limit])
      : await this.db.query<RunRow>('SELECT * FROM agent_runs ORDER BY started_at DESC, id LIMIT $1', [filter.limit]);
    const usage = await this.usage(rows.map((r) => r.id));
    return rows.map((row) => this.toSummary(row, usage.get(row.id)));
  }

  async steps(runId: string): Promise<(RunStep & { createdAt: string })[]> {
    const rows = await this.db.query<{ kind: StepKind; name: string | null; input: unknown; result: unknown; is_error: boolean; duration_ms: number; created_at: Date }>(
      'SELECT * FROM agent_run_steps WHERE run_id = $1 ORDER BY id',
      [runId],
    );
    return rows.map((r) => ({ kind: r.kind, name: r.name, input: r.input, result: r.result, isError: r.is_error, durationMs: r.duration_ms, createdAt: iso(r.created_at) }));
  }

  private toSummary(row: RunRow, usage: RunUsage | undefined): AgentRunSummary {
    return {
      id: row.id,
      agentId: row.agent_id,
      parentRunId: row.parent_run_id,
      brandId: row.brand_id,
      task: row.task,
      status: row.status,
      output: row.output,
      templateMade: row.template_made,
      error: row.error,
      startedAt: iso(row.started_at),
      finishedAt: isoOrNull(row.finished_at),
      usage: usage ?? toUsage(undefined),
    };
  }
}
