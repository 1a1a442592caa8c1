// Approvals: the rows a person decides on. Creating one (with its post) and
// deciding one are each a single transaction, committed before any event is
// sent; deciding is a compare-and-set on the pending row, so nothing is
// decided, or resumed, twice. Every decision is kept in approval_decisions.
import { ChorusError } from '../../../shared/contract';
import type { Approval, ApprovalDraft } from '../../../shared/contract/schemas/workflows';
import type { Problem } from '../../../shared/platforms';
import type { Database, Queryable } from '../db/Database';
import { postProblems, ruleIssues } from '../publishing/ruleCheck';
import { postSql, type PostRow } from '../repositories/PostRepository';
import type { ApprovalOutcome, ApprovalStep, Scope } from './definition';
import { appendEvent } from './WorkflowStore';
import { readSettings } from './workflowSettings';
import type { RunEvent } from '../../../shared/contract/schemas/workflows';

export interface ApprovalRowLite {
  id: string;
  run_id: string | null;
  brand_id: string;
  post_id: string | null;
  status: Approval['status'];
  comment: string;
  path: string | null;
}

interface ApprovalRow extends ApprovalRowLite {
  draft: ApprovalDraft;
  problems: Problem[];
  voice_score: number | null;
  voice_issues: Approval['voiceIssues'];
  reasoning: string;
  edit: unknown;
  expires_at: Date | null;
  on_timeout: 'reject' | 'fail';
  created_at: Date;
  decided_at: Date | null;
  brand_name: string;
  workflow_id: string | null;
}

interface DecisionRow {
  approval_id: string;
  action: Approval['decisions'][number]['action'];
  actor: string;
  via: string;
  comment: string;
  changes: Record<string, { before: unknown; after: unknown }>;
  at: Date;
}

const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * Opens the approval for a step: makes the post it is about (in review) and
 * the approval row. The brand's policy decides whether a person must look;
 * when not, the approval is recorded as approved by the policy.
 */
export async function openApproval(
  tx: Queryable,
  ids: { id: string; runId: string; path: string; brandId: string },
  step: ApprovalStep,
  scope: Scope,
): Promise<ApprovalRowLite> {
  const request = await step.request(scope, tx, { approvalId: ids.id });
  const settings = await readSettings(tx, ids.brandId);
  const flagged = request.problems.length > 0 || request.voiceScore === null || request.voiceScore < settings.approval.minVoiceScore;
  const needsPerson = settings.approval.mode === 'all' || flagged;
  const hours = settings.approval.timeoutHours;
  const { rows } = await tx.query<ApprovalRowLite>(
    `INSERT INTO approvals (id, run_id, path, brand_id, post_id, status, draft, problems, voice_score, voice_issues, reasoning,
                            expires_at, on_timeout, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $12::int IS NULL THEN NULL ELSE now() + $12::int * interval '1 hour' END, $13,
             CASE WHEN $6 = 'pending' THEN NULL ELSE now() END)
     RETURNING id, run_id, brand_id, post_id, status, comment, path`,
    [
      ids.id,
      ids.runId,
      ids.path,
      ids.brandId,
      request.postId,
      needsPerson ? 'pending' : 'approved',
      JSON.stringify(request.draft),
      JSON.stringify(request.problems),
      request.voiceScore,
      JSON.stringify(request.voiceIssues),
      request.reasoning,
      hours,
      settings.approval.onTimeout,
    ],
  );
  const row = rows[0]!;
  if (!needsPerson) {
    const comment = `Approved by the brand’s policy: no rule problems and a voice score of ${request.voiceScore} (at least ${settings.approval.minVoiceScore}).`;
    await tx.query(`INSERT INTO approval_decisions (approval_id, action, actor, via, comment) VALUES ($1, 'approved', 'policy', 'policy', $2)`, [row.id, comment]);
    if (request.postId) {
      await postSql.set(tx, request.postId, { status: 'approved' });
      await postSql.event(tx, request.postId, { kind: 'approved', message: comment, detail: { actor: 'policy', approvalId: row.id } });
    }
  }
  return row;
}

/**
 * An approval for a draft that did not come from a workflow (an assistant's
 * `drafts.submit` over MCP): the same queue, the same decisions, no run to resume.
 */
export async function openStandaloneApproval(
  tx: Queryable,
  input: { id: string; brandId: string; postId: string; draft: ApprovalDraft; reasoning: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO approvals (id, brand_id, post_id, status, draft, problems, reasoning) VALUES ($1, $2, $3, 'pending', $4, $5, $6)`,
    [input.id, input.brandId, input.postId, JSON.stringify(input.draft), JSON.stringify(postProblems(input.draft)), input.reasoning],
  );
}

/** What a decided approval step outputs; an approval that expired with the `fail` policy fails its step. */
export async function decidedOutcome(db: Database, row: ApprovalRowLite): Promise<ApprovalOutcome> {
  const [last] = await db.query<{ actor: string; comment: string }>(
    'SELECT actor, comment FROM approval_decisions WHERE approval_id = $1 ORDER BY id DESC LIMIT 1',
    [row.id],
  );
  if (row.status === 'expired') throw new Error(last?.comment || 'Nobody decided on this draft in time.');
  return {
    approvalId: row.id,
    postId: row.post_id,
    decision: row.status === 'approved' ? 'approved' : 'rejected',
    comment: last?.comment ?? row.comment,
    actor: last?.actor ?? 'unknown',
  };
}

export type Decision =
  | { kind: 'approve'; edit?: { title?: string | undefined; text?: string | undefined; thread?: string[] | undefined } | undefined; comment: string; via: string }
  | { kind: 'reject'; comment: string; via: string }
  | { kind: 'expire'; comment: string; onTimeout: 'reject' | 'fail' };

export interface Decided {
  approval: Approval;
  runId: string | null;
  postId: string | null;
  event: RunEvent | null;
}

const SELECT_APPROVALS = `
  SELECT a.*, b.name AS brand_name, r.workflow_id
  FROM approvals a JOIN brands b ON b.id = a.brand_id LEFT JOIN workflow_runs r ON r.id = a.run_id`;

export class ApprovalService {
  constructor(private readonly db: Database) {}

  /** Approvals matching every filter given, oldest first, each with its decisions. */
  async list(filter: { brandId?: string; status?: Approval['status']; limit: number; runId?: string; ids?: string[] }): Promise<Approval[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.runId) where.push(`a.run_id = $${params.push(filter.runId)}`);
    if (filter.status) where.push(`a.status = $${params.push(filter.status)}`);
    if (filter.brandId) where.push(`a.brand_id = $${params.push(filter.brandId)}`);
    if (filter.ids) where.push(`a.id = ANY($${params.push(filter.ids)}::uuid[])`);
    const rows = await this.db.query<ApprovalRow>(
      `${SELECT_APPROVALS} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.created_at, a.path LIMIT $${params.push(filter.limit)}`,
      params,
    );
    const decisions = rows.length
      ? await this.db.query<DecisionRow>('SELECT * FROM approval_decisions WHERE approval_id = ANY($1::uuid[]) ORDER BY id', [rows.map((r) => r.id)])
      : [];
    return rows.map((row) => this.toApproval(row, decisions.filter((d) => d.approval_id === row.id)));
  }

  async get(id: string): Promise<Approval> {
    const [approval] = await this.list({ ids: [id], limit: 1 });
    if (!approval) throw new ChorusError('not_found', 'That approval does not exist.');
    return approval;
  }

  /**
   * Decides a pending approval: the approval, its post, the audit row and the
   * run's event in one transaction. Refuses (conflict) if it was already decided.
   */
  async decide(id: string, decision: Decision, actor: string): Promise<Decided> {
    let event: RunEvent | null = null;
    const row = await this.db.write(async (tx) => {
      const { rows } = await tx.query<ApprovalRow>('SELECT * FROM approvals WHERE id = $1 FOR UPDATE', [id]);
      const approval = rows[0];
      if (!approval) throw new ChorusError('not_found', 'That approval does not exist.');
      if (approval.status !== 'pending') {
        const { rows: last } = await tx.query<DecisionRow>('SELECT * FROM approval_decisions WHERE approval_id = $1 ORDER BY id DESC LIMIT 1', [id]);
        const who = last[0] ? ` by ${last[0].actor} at ${iso(last[0].at)}` : '';
        throw new ChorusError('conflict', `This draft was already ${approval.status}${who}; it cannot be decided again.`);
      }
      const post = approval.post_id ? (await tx.query<PostRow>('SELECT * FROM posts WHERE id = $1 FOR UPDATE', [approval.post_id])).rows[0] : undefined;
      let draft = approval.draft;
      const changes: Record<string, { before: unknown; after: unknown }> = {};
      let action: DecisionRow['action'];
      let status: Approval['status'];
      let comment = decision.comment;
      if (decision.kind === 'approve') {
        for (const field of ['title', 'text', 'thread'] as const) {
          const after = decision.edit?.[field];
          if (after !== undefined && JSON.stringify(after) !== JSON.stringify(draft[field])) changes[field] = { before: draft[field], after };
        }
        draft = { ...draft, ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.after])) };
        const issues = ruleIssues(postProblems({ ...draft, media: post?.media ?? [] }), ['edit']);
        if (issues.length) {
          throw new ChorusError('invalid_input', `This draft breaks the platform’s rules: ${issues[0]!.message} Edit it before approving.`, issues);
        }
        action = Object.keys(changes).length ? 'edited_and_approved' : 'approved';
        status = 'approved';
      } else if (decision.kind === 'reject') {
        action = 'rejected';
        status = 'rejected';
      } else {
        action = decision.onTimeout === 'reject' ? 'rejected' : 'expired';
        status = decision.onTimeout === 'reject' ? 'rejected' : 'expired';
        comment = decision.comment;
      }
      if (post && post.status === 'in_review') {
        if (Object.keys(changes).length) {
          await postSql.set(tx, post.id, Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.after])));
          await postSql.event(tx, post.id, { kind: 'edited', message: 'Edited while approving.', detail: { fields: Object.keys(changes), actor } });
        }
        await postSql.set(tx, post.id, { status: status === 'approved' ? 'approved' : 'draft' });
        await postSql.event(tx, post.id, {
          kind: status === 'approved' ? 'approved' : 'rejected',
          message: comment || null,
          detail: { actor, approvalId: id, ...(decision.kind === 'expire' ? { timeout: true } : { via: decision.via }) },
        });
      }
      const { rows: updated } = await tx.query<ApprovalRow>(
        `UPDATE approvals SET status = $2, draft = $3, problems = $4, edit = $5, comment = $6, decided_at = now()
         WHERE id = $1 AND status = 'pending' RETURNING *`,
        [id, status, JSON.stringify(draft), JSON.stringify(postProblems({ ...draft, media: post?.media ?? [] })), Object.keys(changes).length ? JSON.stringify(changes) : null, comment],
      );
      await tx.query(`INSERT INTO approval_decisions (approval_id, action, actor, via, comment, changes) VALUES ($1, $2, $3, $4, $5, $6)`, [
        id,
        action,
        actor,
        decision.kind === 'expire' ? 'timeout' : decision.via,
        comment,
        JSON.stringify(changes),
      ]);
      if (approval.run_id) {
        event = await appendEvent(tx, approval.run_id, {
          type: 'approval_decided',
          path: approval.path,
          message: `${actor} ${action.replaceAll('_', ' ')} the ${draft.platform} draft${comment ? `: ${comment}` : ''}`,
        });
      }
      return updated[0]!;
    });
    return { approval: await this.get(row.id), runId: row.run_id, postId: row.post_id, event };
  }

  /** Pending approvals whose time is up. */
  async due(): Promise<{ id: string; on_timeout: 'reject' | 'fail'; created_at: Date }[]> {
    return this.db.query("SELECT id, on_timeout, created_at FROM approvals WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= now()");
  }

  /** The soonest expiry still to come, to set a timer. */
  async nextExpiry(): Promise<Date | null> {
    const [row] = await this.db.query<{ at: Date | null }>("SELECT min(expires_at) AS at FROM approvals WHERE status = 'pending'");
    return row?.at ? new Date(row.at) : null;
  }

  /** A cancelled run's pending approvals are withdrawn; their posts go back to drafts. */
  async withdraw(tx: Queryable, runId: string, actor: string): Promise<string[]> {
    const { rows } = await tx.query<{ id: string; post_id: string | null }>(
      `UPDATE approvals SET status = 'expired', decided_at = now(), comment = 'The run was cancelled.'
       WHERE run_id = $1 AND status = 'pending' RETURNING id, post_id`,
      [runId],
    );
    for (const row of rows) {
      await tx.query(`INSERT INTO approval_decisions (approval_id, action, actor, via, comment) VALUES ($1, 'expired', $2, 'cancel', 'The run was cancelled.')`, [row.id, actor]);
      if (row.post_id) {
        await tx.query(`UPDATE posts SET status = 'draft', updated_at = now() WHERE id = $1 AND status = 'in_review'`, [row.post_id]);
        await postSql.event(tx, row.post_id, { kind: 'rejected', message: 'The workflow run was cancelled before anyone decided.', detail: { actor } });
      }
    }
    return rows.map((r) => r.id);
  }

  private toApproval(row: ApprovalRow, decisions: DecisionRow[]): Approval {
    return {
      id: row.id,
      runId: row.run_id,
      workflowId: row.workflow_id,
      brandId: row.brand_id,
      brandName: row.brand_name,
      postId: row.post_id,
      status: row.status,
      draft: row.draft,
      problems: row.problems,
      voiceScore: row.voice_score,
      voiceIssues: row.voice_issues,
      reasoning: row.reasoning,
      createdAt: iso(row.created_at),
      expiresAt: row.expires_at ? iso(row.expires_at) : null,
      decisions: decisions.map((d) => ({ action: d.action, actor: d.actor, via: d.via, comment: d.comment, at: iso(d.at), changes: d.changes })),
    };
  }
}
