import { z } from 'zod';
import { Platform } from './accounts';
import { RunUsage } from './agents';
import { Id, IsoDateTime, text } from './common';
import { Problem } from '../../platforms/validate';

export const WORKFLOW_IDS = ['daily-content', 'content-series', 'campaign'] as const;
export const WorkflowId = z.enum(WORKFLOW_IDS);
export type WorkflowId = z.infer<typeof WorkflowId>;

/**
 * running: a host holds its lease and works on it. waiting: every open branch
 * waits for a person (an approval). paused: a step failed with onError 'pause';
 * `runs.retry` carries on. interrupted: it cannot carry on (its definition
 * changed incompatibly, or it was running when its host died and cannot resume).
 */
export const WORKFLOW_RUN_STATUSES = ['running', 'waiting', 'paused', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export const WorkflowRunStatus = z.enum(WORKFLOW_RUN_STATUSES);
export type WorkflowRunStatus = z.infer<typeof WorkflowRunStatus>;

export const STEP_STATUSES = ['running', 'succeeded', 'failed', 'skipped', 'waiting', 'cancelled'] as const;
export const StepStatus = z.enum(STEP_STATUSES);

export const STEP_KINDS = ['agent', 'team', 'function', 'parallel', 'condition', 'loop', 'router', 'approval'] as const;
export const StepKind = z.enum(STEP_KINDS);

export const RunTrigger = z.enum(['ui', 'cli', 'schedule', 'mcp']);

export const WorkflowSummary = z.object({
  id: WorkflowId,
  version: z.number().int().positive(),
  title: z.string(),
  description: z.string(),
  /** JSON Schema of the input, for forms and `chorus run --help`. */
  inputSchema: z.record(z.string(), z.unknown()),
});

export const WorkflowStartInput = z
  .object({
    workflowId: WorkflowId,
    brandId: Id,
    /** Checked against the workflow's own input schema. */
    input: z.record(z.string(), z.unknown()).default({}),
    trigger: RunTrigger.default('ui'),
  })
  .strict();

export const WorkflowRun = z.object({
  id: Id,
  workflowId: WorkflowId,
  workflowVersion: z.number().int(),
  brandId: Id,
  brandName: z.string(),
  status: WorkflowRunStatus,
  trigger: RunTrigger,
  input: z.record(z.string(), z.unknown()),
  /** What the run produced (e.g. the posts it scheduled), once finished. */
  output: z.unknown(),
  error: z.string().nullable(),
  /** Approvals of this run still waiting for a person. */
  pendingApprovals: z.number().int().nonnegative(),
  usage: RunUsage,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  finishedAt: IsoDateTime.nullable(),
});
export type WorkflowRun = z.infer<typeof WorkflowRun>;

/** One attempt of one step; a retried step has several. */
export const StepAttempt = z.object({
  path: z.string(),
  kind: StepKind,
  /** What the step does, in words. */
  label: z.string(),
  attempt: z.number().int().positive(),
  status: StepStatus,
  error: z.string().nullable(),
  startedAt: IsoDateTime,
  finishedAt: IsoDateTime.nullable(),
  durationMs: z.number().nullable(),
  /** The model calls made under this step (agents and teams), with their tokens and cost. */
  usage: RunUsage,
});
export type StepAttempt = z.infer<typeof StepAttempt>;

export const RunEventType = z.enum([
  'run_started',
  'step_started',
  'step_succeeded',
  'step_failed',
  'step_skipped',
  'step_retrying',
  'waiting',
  'approval_decided',
  'run_resumed',
  'run_paused',
  'run_succeeded',
  'run_failed',
  'run_cancelled',
  'run_interrupted',
]);

/** One line of a run's append-only event log. */
export const RunEvent = z.object({
  runId: Id,
  seq: z.number().int().nonnegative(),
  type: RunEventType,
  path: z.string().nullable(),
  message: z.string().nullable(),
  at: IsoDateTime,
});
export type RunEvent = z.infer<typeof RunEvent>;

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired'] as const;
export const ApprovalStatus = z.enum(APPROVAL_STATUSES);

/** The draft a person judges: what will be posted if approved. */
export const ApprovalDraft = z.object({
  platform: Platform,
  title: z.string(),
  text: z.string(),
  thread: z.array(z.string()),
  hashtags: z.array(z.string()),
  altText: z.string(),
  /** The visual idea for this post (an image prompt), when there is one. */
  visualIdea: z.string(),
  /** When the scheduling step proposes it goes out. */
  proposedAt: IsoDateTime.nullable(),
});
export type ApprovalDraft = z.infer<typeof ApprovalDraft>;

export const ApprovalDecision = z.object({
  action: z.enum(['approved', 'edited_and_approved', 'rejected', 'expired']),
  /** Who decided: the person's account name, or `timeout` for the timeout policy. */
  actor: z.string(),
  via: z.string(),
  comment: z.string(),
  at: IsoDateTime,
  /** For edits: the fields that changed, before and after. */
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
});

export const Approval = z.object({
  id: Id,
  runId: Id.nullable(),
  workflowId: z.string().nullable(),
  brandId: Id,
  brandName: z.string(),
  postId: Id.nullable(),
  status: ApprovalStatus,
  draft: ApprovalDraft,
  /** The platform's rules this draft breaks or strains (errors block approval until edited). */
  problems: z.array(Problem),
  /** The brand-voice review: score out of 100, and what it found. */
  voiceScore: z.number().nullable(),
  voiceIssues: z.array(z.object({ excerpt: z.string(), problem: z.string(), suggestion: z.string() })),
  /** Why the agents wrote it this way (strategy, research, specialist notes). */
  reasoning: z.string(),
  createdAt: IsoDateTime,
  expiresAt: IsoDateTime.nullable(),
  decisions: z.array(ApprovalDecision),
});
export type Approval = z.infer<typeof Approval>;

export const RunDetail = WorkflowRun.extend({
  steps: z.array(StepAttempt),
  events: z.array(RunEvent),
  approvals: z.array(Approval),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const RunsListInput = z
  .object({
    brandId: Id.optional(),
    status: WorkflowRunStatus.optional(),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();

export const ApprovalsListInput = z
  .object({
    brandId: Id.optional(),
    status: ApprovalStatus.default('pending'),
    limit: z.number().int().min(1).max(500).default(200),
  })
  .strict();

const Comment = text(2000, 'The comment');
/** Where a decision came from, for the audit trail. */
const Via = z.enum(['ui', 'cli', 'mcp']).default('ui');

export const ApprovalEdit = z
  .object({
    title: text(300, 'The title').optional(),
    text: text(70_000, 'The text').optional(),
    thread: z.array(text(70_000, 'A thread post')).max(50).optional(),
  })
  .strict();

export const ApproveInput = z
  .object({ id: Id, edit: ApprovalEdit.optional(), comment: Comment.default(''), via: Via })
  .strict();

export const RejectInput = z
  .object({
    id: Id,
    comment: Comment.pipe(z.string().min(1, { message: 'Say why, so the agents (and the history) know.' })),
    via: Via,
  })
  .strict();

export const ApproveManyInput = z.object({ ids: z.array(Id).min(1).max(200), via: Via }).strict();
export const ApproveManyResult = z.object({
  approved: z.array(Approval),
  refused: z.array(z.object({ id: Id, message: z.string() })),
});

export const ApprovalMode = z.enum(['all', 'flagged']);

/** Per brand: what needs a person, and when workflows start on their own. */
export const WorkflowSettings = z.object({
  brandId: Id,
  approval: z.object({
    /**
     * all: every draft waits for a person (the default). flagged: only drafts
     * with a rule problem or a voice score under `minVoiceScore` wait; the rest
     * are approved by the policy, and the audit trail says so.
     */
    mode: ApprovalMode,
    minVoiceScore: z.number().int().min(0).max(100),
    /** How long a draft waits before the timeout policy applies; null waits for ever. */
    timeoutHours: z.number().int().min(1).max(24 * 30).nullable(),
    /** What the timeout does: reject (the draft stays a draft, unscheduled) or fail the run. */
    onTimeout: z.enum(['reject', 'fail']),
  }),
  schedules: z.array(
    z.object({
      workflowId: WorkflowId,
      /** Five-field cron, read in the brand's time zone (e.g. "0 7 * * 1-5"). */
      cron: z.string().regex(/^(\S+\s+){4}\S+$/, { message: 'A cron expression has five fields, e.g. "0 7 * * 1-5".' }),
      enabled: z.boolean(),
    }),
  ),
});
export type WorkflowSettings = z.infer<typeof WorkflowSettings>;

export const WorkflowSettingsUpdate = z
  .object({
    brandId: Id,
    approval: WorkflowSettings.shape.approval.partial().strict().optional(),
    schedules: WorkflowSettings.shape.schedules.optional(),
  })
  .strict();

export const RunChanged = z.object({ id: Id, status: WorkflowRunStatus, brandId: Id, workflowId: WorkflowId });
export const ApprovalChanged = z.object({ id: Id, runId: Id.nullable(), status: ApprovalStatus, brandId: Id });
