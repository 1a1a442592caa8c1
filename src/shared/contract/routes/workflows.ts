import { z } from 'zod';
import { Id } from '../schemas/common';
import { RunStarted } from '../schemas/agents';
import {
  Approval,
  ApprovalChanged,
  ApprovalsListInput,
  ApproveInput,
  ApproveManyInput,
  ApproveManyResult,
  RejectInput,
  RunChanged,
  RunDetail,
  RunEvent,
  RunsListInput,
  WorkflowRun,
  WorkflowSettings,
  WorkflowSettingsUpdate,
  WorkflowStartInput,
  WorkflowSummary,
} from '../schemas/workflows';
import { NoInput } from '../schemas/common';
import { route, type EventMap, type RouteMap } from './route';

const ById = z.object({ id: Id }).strict();

export const workflowsRoutes = {
  'workflows.list': route(NoInput, z.array(WorkflowSummary), 'The workflows Chorus can run, with their input schemas.'),
  'workflows.start': route(WorkflowStartInput, RunStarted, 'Starts a workflow run for a brand; progress arrives as runs.event.'),
  'workflows.settings': route(z.object({ brandId: Id }).strict(), WorkflowSettings, 'A brand’s approval policy and workflow schedules.'),
  'workflows.updateSettings': route(WorkflowSettingsUpdate, WorkflowSettings, 'Changes a brand’s approval policy or workflow schedules.'),
  'runs.list': route(RunsListInput, z.array(WorkflowRun), 'Workflow runs, newest first, with their usage.'),
  'runs.get': route(ById, RunDetail, 'One run with every step attempt, its event log and its approvals.'),
  'runs.cancel': route(ById, WorkflowRun, 'Stops a run; its pending approvals are withdrawn.'),
  'runs.retry': route(ById, WorkflowRun, 'Carries on a failed, paused or interrupted run from where it stopped.'),
  'approvals.list': route(ApprovalsListInput, z.array(Approval), 'The approval queue across brands, oldest first.'),
  'approvals.approve': route(ApproveInput, Approval, 'Approves a draft, optionally edited first; its run carries on.'),
  'approvals.reject': route(RejectInput, Approval, 'Rejects a draft with a comment; the comment goes into the post’s history.'),
  'approvals.approveMany': route(ApproveManyInput, ApproveManyResult, 'Approves several drafts; each one that cannot be approved says why.'),
} satisfies RouteMap;

export const workflowsEvents = {
  'runs.changed': RunChanged,
  'runs.event': RunEvent,
  'approvals.changed': ApprovalChanged,
} satisfies EventMap;
