import { z } from 'zod';
import { Id, IsoDateTime, text } from './common';

export const AgentId = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, { message: 'An agent id is lower-case letters, digits and dashes.' });
export const TeamId = z.enum(['strategy', 'creative', 'community', 'data', 'brand']);
export const RunStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled']);

export const AgentLoadProblem = z.object({
  path: z.string(),
  /** 1-based; 0 when the problem is with the folder or the file as a whole. */
  line: z.number().int().nonnegative(),
  message: z.string(),
});

export const AgentSummary = z.object({
  id: AgentId,
  name: z.string(),
  team: TeamId,
  role: z.string(),
  /** 'default', or the model chain tried in order (`provider` or `provider:model`). */
  model: z.union([z.literal('default'), z.array(z.string())]),
  tools: z.array(z.string()),
  output: z.string(),
  source: z.enum(['builtin', 'user']),
  path: z.string(),
});

export const AgentsList = z.object({ agents: z.array(AgentSummary), problems: z.array(AgentLoadProblem) });

export const RunUsage = z.object({
  calls: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  /** null when some call's price is unknown. */
  costUsd: z.number().nullable(),
});

const Task = text(8000, 'The task').pipe(z.string().min(1, { message: 'Say what the agent should do.' }));

export const AgentRunInput = z.object({ agentId: AgentId, brandId: Id, task: Task }).strict();
export const TeamRunInput = z.object({ teamId: TeamId, brandId: Id, task: Task }).strict();
export const RunStarted = z.object({ runId: Id });

export const AgentRunResult = z.object({
  runId: Id,
  agentId: z.string(),
  status: RunStatus,
  output: z.unknown(),
  /** True when no model wrote the output (the offline template drafter). */
  templateMade: z.boolean(),
  error: z.string().nullable(),
  /** Tool-loop steps taken, tool calls made, and repairs of invalid structured output. */
  steps: z.number().int().nonnegative(),
  toolCalls: z.number().int().nonnegative(),
  repairs: z.number().int().nonnegative(),
  /** Every model call of this run and of its child runs. */
  usage: RunUsage,
  /** The member a team routed to, for team runs. */
  childRunIds: z.array(Id),
});

export const AgentRunSummary = z.object({
  id: Id,
  agentId: z.string(),
  parentRunId: Id.nullable(),
  brandId: Id.nullable(),
  task: z.string(),
  status: RunStatus,
  output: z.unknown(),
  templateMade: z.boolean(),
  error: z.string().nullable(),
  startedAt: IsoDateTime,
  finishedAt: IsoDateTime.nullable(),
  usage: RunUsage,
});

export const AgentRunsInput = z
  .object({ brandId: Id.optional(), limit: z.number().int().min(1).max(200).default(50) })
  .strict();

export const TeamSummary = z.object({
  id: TeamId,
  name: z.string(),
  /** The human title of the role leading it ("Creative Director"). */
  leader: z.string(),
  /** The agent that routes the team's tasks. */
  leadAgent: AgentId,
  members: z.array(z.object({ id: AgentId, name: z.string(), role: z.string() })),
});

const EventBase = z.object({ runId: Id, agentId: z.string(), parentRunId: Id.nullable() });

/** Progress of a run, streamed to the UI. */
export const AgentRunEvent = z.discriminatedUnion('kind', [
  EventBase.extend({ kind: z.literal('delta'), text: z.string() }),
  EventBase.extend({ kind: z.literal('step'), step: z.number().int().nonnegative(), phase: z.enum(['tools', 'final', 'repair', 'route']) }),
  EventBase.extend({ kind: z.literal('tool_call'), callId: z.string(), tool: z.string(), arguments: z.record(z.string(), z.unknown()) }),
  EventBase.extend({ kind: z.literal('tool_result'), callId: z.string(), tool: z.string(), content: z.string(), isError: z.boolean() }),
  EventBase.extend({ kind: z.literal('done'), status: RunStatus, output: z.unknown(), templateMade: z.boolean() }),
  EventBase.extend({ kind: z.literal('error'), status: RunStatus, message: z.string() }),
]);

export type AgentSummary = z.infer<typeof AgentSummary>;
export type AgentRunResult = z.infer<typeof AgentRunResult>;
export type AgentRunSummary = z.infer<typeof AgentRunSummary>;
export type AgentRunEvent = z.infer<typeof AgentRunEvent>;
export type RunUsage = z.infer<typeof RunUsage>;
export type RunStatus = z.infer<typeof RunStatus>;
export type TeamSummary = z.infer<typeof TeamSummary>;
