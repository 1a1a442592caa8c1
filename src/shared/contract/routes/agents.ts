import { z } from 'zod';
import {
  AgentRunEvent,
  AgentRunInput,
  AgentRunResult,
  AgentRunSummary,
  AgentRunsInput,
  AgentsList,
  RunStarted,
  TeamRunInput,
  TeamSummary,
} from '../schemas/agents';
import { Id, NoInput } from '../schemas/common';
import { route, type EventMap, type RouteMap } from './route';

export const agentsRoutes = {
  'agents.list': route(NoInput, AgentsList, 'Every agent (built-in and from the data folder) and the files that failed to load.'),
  'agents.run': route(AgentRunInput, RunStarted, 'Starts an agent on a task in the background; progress arrives as agents.runEvent.'),
  'agents.runAndWait': route(AgentRunInput, AgentRunResult, 'Runs an agent on a task and answers with its result and usage.'),
  'agents.cancel': route(z.object({ runId: Id }).strict(), z.object({ cancelled: z.boolean() }), 'Stops a running agent or team run.'),
  'agents.runs': route(AgentRunsInput, z.array(AgentRunSummary), 'Recent runs, newest first, with the usage of each run tree.'),
  'teams.list': route(NoInput, z.array(TeamSummary), 'The five teams, their leads and members.'),
  'teams.run': route(TeamRunInput, RunStarted, 'The team lead routes the task to one member, who runs it as a child run.'),
} satisfies RouteMap;

export const agentsEvents = {
  'agents.runEvent': AgentRunEvent,
} satisfies EventMap;
