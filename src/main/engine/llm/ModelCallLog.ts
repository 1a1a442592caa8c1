// The model_calls table: one row per call, written for successes and failures alike.
import { z } from 'zod';
import type { Database } from '../db/Database';

export interface ModelCallRecord {
  runId?: string | null;
  stepPath?: string | null;
  agentId: string;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costUsd: number | null;
  errorKind?: string | null;
  errorMessage?: string | null;
  fallbackReason?: string | null;
  templateMade: boolean;
}

/** A workflow journal row written in the same transaction as the usage row, so a call is never half-recorded. */
export interface ModelCallJournalEntry {
  workflowRunId: string;
  workflowStep: string;
  key: string;
  value: unknown;
  owner: string;
}

export const ModelCallRow = z.object({
  id: z.string(),
  runId: z.string().nullable(),
  stepPath: z.string().nullable(),
  agentId: z.string(),
  provider: z.string(),
  model: z.string(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  latencyMs: z.number(),
  costUsd: z.number().nullable(),
  errorKind: z.string().nullable(),
  errorMessage: z.string().nullable(),
  fallbackReason: z.string().nullable(),
  templateMade: z.boolean(),
  createdAt: z.string(),
});
export type ModelCallRow = z.infer<typeof ModelCallRow>;

interface RawRow {
  id: string;
  run_id: string | null;
  step_path: string | null;
  agent_id: string;
  provider: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  latency_ms: number;
  cost_usd: string | number | null;
  error_kind: string | null;
  error_message: string | null;
  fallback_reason: string | null;
  template_made: boolean;
  created_at: Date | string;
}

const toInt = (n: number) => Math.max(0, Math.round(Number.isFinite(n) ? n : 0));

export class ModelCallLog {
  constructor(private readonly db: Database) {}

  async recordCall(call: ModelCallRecord, journal?: ModelCallJournalEntry): Promise<string> {
    const rows = await this.db.write(async (tx) => {
      const inserted = await tx.query<{ id: string }>(
        `INSERT INTO model_calls (run_id, step_path, agent_id, provider, model, prompt_tokens, completion_tokens,
           latency_ms, cost_usd, error_kind, error_message, fallback_reason, template_made, workflow_run_id, workflow_step)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
        [
          call.runId ?? null,
          call.stepPath ?? null,
          call.agentId,
          call.provider,
          call.model,
          toInt(call.promptTokens),
          toInt(call.completionTokens),
          toInt(call.latencyMs),
          call.costUsd,
          call.errorKind ?? null,
          // Error texts can be long (HTML error pages); keep the row small.
          call.errorMessage?.slice(0, 2000) ?? null,
          call.fallbackReason ?? null,
          call.templateMade,
          journal?.workflowRunId ?? null,
          journal?.workflowStep ?? null,
        ],
      );
      if (journal) {
        await tx.query(`INSERT INTO workflow_journal (run_id, key, kind, value, owner) VALUES ($1, $2, 'model', $3, $4)`, [
          journal.workflowRunId,
          journal.key,
          JSON.stringify(journal.value),
          journal.owner,
        ]);
      }
      return inserted;
    });
    return rows.rows[0]!.id;
  }

  async list(filter: { runId?: string; agentId?: string; limit?: number } = {}): Promise<ModelCallRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.runId) {
      params.push(filter.runId);
      where.push(`run_id = $${params.length}`);
    }
    if (filter.agentId) {
      params.push(filter.agentId);
      where.push(`agent_id = $${params.length}`);
    }
    params.push(filter.limit ?? 500);
    const rows = await this.db.query<RawRow>(
      `SELECT * FROM model_calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY seq LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) =>
      ModelCallRow.parse({
        id: r.id,
        runId: r.run_id,
        stepPath: r.step_path,
        agentId: r.agent_id,
        provider: r.provider,
        model: r.model,
        promptTokens: r.prompt_tokens,
        completionTokens: r.completion_tokens,
        latencyMs: r.latency_ms,
        costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
        errorKind: r.error_kind,
        errorMessage: r.error_message,
        fallbackReason: r.fallback_reason,
        templateMade: r.template_made,
        createdAt: new Date(r.created_at).toISOString(),
      }),
    );
  }
}
