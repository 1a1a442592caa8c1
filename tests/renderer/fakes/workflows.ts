import type { RouteOutput } from '../../../src/shared/contract/routes';
import type {
  Approval,
  ApprovalDraft,
  RunDetail,
  RunEvent,
  StepAttempt,
  WorkflowRun,
  WorkflowSettings,
} from '../../../src/shared/contract/schemas/workflows';

let counter = 0;
const nextId = (prefix: string) => {
  counter += 1;
  return `${prefix}-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
};

export const BRAND_ID = '00000000-0000-4000-8000-0000000000b1';
export const NO_USAGE = { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };

export const WORKFLOWS: RouteOutput<'workflows.list'> = [
  { id: 'daily-content', version: 1, title: 'Daily content', description: 'Plans and drafts today’s posts.', inputSchema: {} },
  { id: 'content-series', version: 1, title: 'Content series', description: 'A series of posts on one topic.', inputSchema: {} },
  { id: 'campaign', version: 1, title: 'Campaign', description: 'A campaign over several days.', inputSchema: {} },
];

export function makeDraft(overrides: Partial<ApprovalDraft> = {}): ApprovalDraft {
  return {
    platform: 'x',
    title: '',
    text: 'Fresh beans today.',
    thread: [],
    hashtags: [],
    altText: '',
    visualIdea: '',
    proposedAt: null,
    ...overrides,
  };
}

export function makeApproval(overrides: Partial<Approval> = {}): Approval {
  return {
    id: nextId('cccccccc'),
    runId: null,
    workflowId: 'daily-content',
    brandId: BRAND_ID,
    brandName: 'Northwind',
    postId: null,
    status: 'pending',
    draft: makeDraft(),
    problems: [],
    voiceScore: 90,
    voiceIssues: [],
    reasoning: '',
    createdAt: '2025-03-04T10:00:00.000Z',
    expiresAt: null,
    decisions: [],
    ...overrides,
  };
}

export function makeRun(overrides: Partial<WorkflowRun> = {}): WorkflowRun {
  return {
    id: nextId('dddddddd'),
    workflowId: 'daily-content',
    workflowVersion: 1,
    brandId: BRAND_ID,
    brandName: 'Northwind',
    status: 'succeeded',
    trigger: 'ui',
    input: {},
    output: null,
    error: null,
    pendingApprovals: 0,
    usage: NO_USAGE,
    createdAt: '2025-03-04T10:00:00.000Z',
    updatedAt: '2025-03-04T10:00:00.000Z',
    finishedAt: null,
    ...overrides,
  };
}

export function makeStep(overrides: Partial<StepAttempt> = {}): StepAttempt {
  return {
    path: 'plan',
    kind: 'agent',
    label: 'Plans the day',
    attempt: 1,
    status: 'succeeded',
    error: null,
    startedAt: '2025-03-04T10:00:00.000Z',
    finishedAt: '2025-03-04T10:00:01.500Z',
    durationMs: 1500,
    usage: NO_USAGE,
    ...overrides,
  };
}

export function makeRunEvent(runId: string, overrides: Partial<RunEvent> = {}): RunEvent {
  return { runId, seq: 0, type: 'run_started', path: null, message: null, at: '2025-03-04T10:00:00.000Z', ...overrides };
}

export function makeRunDetail(run: WorkflowRun, overrides: Partial<RunDetail> = {}): RunDetail {
  return { ...run, steps: [], events: [], approvals: [], ...overrides };
}

export function makeSettings(overrides: Partial<WorkflowSettings> = {}): WorkflowSettings {
  return {
    brandId: BRAND_ID,
    approval: { mode: 'all', minVoiceScore: 70, timeoutHours: null, onTimeout: 'reject' },
    schedules: [],
    ...overrides,
  };
}
