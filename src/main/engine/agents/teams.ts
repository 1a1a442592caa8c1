// The five teams of the design. A team's lead does not delegate in free text:
// it answers a structured choice whose `member` is an enum of the team's
// member ids, and the chosen member then runs the task as a child run, so its
// usage counts under the lead's run.
import { z } from 'zod';
import { ChorusError } from '../../../shared/contract';
import type { TeamSummary } from '../../../shared/contract/schemas/agents';
import type { AgentDefinition, TeamId } from './agentLoader';
import { runAgent, type AgentRunOutcome, type RunAgentContext } from './runAgent';

export interface TeamDefinition {
  id: TeamId;
  name: string;
  /** The human role leading the team, as in the design. */
  leader: string;
  charter: string;
}

/** The agent that routes every team's work (acting as that team's lead). */
export const LEAD_AGENT_ID = 'orchestrator';

export const TEAMS: readonly TeamDefinition[] = [
  {
    id: 'strategy',
    name: 'Strategy',
    leader: 'Chief Strategy Officer',
    charter: 'Owns direction: goals, pillars, campaigns, the editorial calendar and the publishing queue.',
  },
  {
    id: 'creative',
    name: 'Creative',
    leader: 'Creative Director',
    charter: 'Produces the content: copy, images, video and audio, consistent with the brand.',
  },
  {
    id: 'community',
    name: 'Community',
    leader: 'Community Manager',
    charter: 'Runs each network natively, answers the community and handles crises.',
  },
  {
    id: 'data',
    name: 'Data',
    leader: 'Data Scientist',
    charter: 'Research, competitive intelligence and performance analysis that drive decisions.',
  },
  {
    id: 'brand',
    name: 'Brand Guardian',
    leader: 'Brand Guardian',
    charter: 'Keeps the brand consistent: its profile, its voice and every draft checked against them.',
  },
];

export function teamById(id: string): TeamDefinition {
  const team = TEAMS.find((t) => t.id === id);
  if (!team) throw new ChorusError('not_found', `There is no team "${id}".`);
  return team;
}

/** Members are the agents whose front matter names the team (user agents can join one). */
export function teamMembers(team: TeamDefinition, agents: readonly AgentDefinition[]): AgentDefinition[] {
  return agents.filter((a) => a.team === team.id && a.id !== LEAD_AGENT_ID);
}

export function summarizeTeams(agents: readonly AgentDefinition[]): TeamSummary[] {
  return TEAMS.map((team) => ({
    id: team.id,
    name: team.name,
    leader: team.leader,
    leadAgent: LEAD_AGENT_ID,
    members: teamMembers(team, agents).map((a) => ({ id: a.id, name: a.name, role: a.role })),
  }));
}

/** The lead's structured choice: one member, by id, and the brief for it. */
export function routingSchema(memberIds: readonly [string, ...string[]]) {
  return z.object({
    member: z.enum(memberIds).describe('The id of the team member who should do the task.'),
    task: z.string().min(1).describe('The task restated for that member, with everything it needs.'),
    reason: z.string().min(1),
  });
}

export interface TeamRunOutcome {
  /** The lead's routing run: the parent of the member's run. */
  lead: AgentRunOutcome;
  member: AgentRunOutcome | null;
  /** The member's outcome when there is one, otherwise the lead's. */
  final: AgentRunOutcome;
}

export async function runTeam(
  teamId: string,
  input: { task: string },
  agents: readonly AgentDefinition[],
  context: RunAgentContext,
): Promise<TeamRunOutcome> {
  const team = teamById(teamId);
  const lead = agents.find((a) => a.id === LEAD_AGENT_ID);
  if (!lead) throw new ChorusError('not_found', `The team lead agent "${LEAD_AGENT_ID}" is missing; check agents/${LEAD_AGENT_ID}.md.`);
  const members = teamMembers(team, agents);
  const ids = members.map((m) => m.id);
  if (ids.length === 0) throw new ChorusError('not_found', `The ${team.name} team has no members.`);
  const schema = routingSchema(ids as [string, ...string[]]);

  const roster = members.map((m) => `- ${m.id} (${m.name}): ${m.role}`).join('\n');
  const routed = await runAgent(lead, input, {
    ...context,
    output: { name: `route_${team.id}`, schema },
    extraInstructions: `## Acting as ${team.leader}\nYou lead the ${team.name} team. ${team.charter}\nChoose exactly one member of this team for the task, by id:\n${roster}`,
  });
  if (routed.status !== 'succeeded') return { lead: routed, member: null, final: routed };

  const choice = schema.parse(routed.output);
  const member = members.find((m) => m.id === choice.member)!;
  const { runId: _leadRun, journaled: _leadJournaled, ...rest } = context;
  const child = await runAgent(member, { task: choice.task }, { ...rest, parentRunId: routed.runId });
  return { lead: routed, member: child, final: child };
}
