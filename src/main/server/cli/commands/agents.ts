import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { Result } from '../../../../shared/contract';
import type { AgentRunEvent, AgentRunResult, AgentSummary } from '../../../../shared/contract/schemas/agents';
import { findBrand } from '../brandLookup';
import { callAndPrint, common, dataDirOf, type CommonOptions } from '../common';
import { createOutput, table } from '../output';
import { openSession, type CliSession } from '../session';

function agentsTable(data: { agents: AgentSummary[]; problems: { path: string; line: number; message: string }[] }): string {
  const rows = data.agents.map((a) => [a.id, a.team, a.source, a.output, a.model === 'default' ? 'default' : a.model.join(' → '), a.tools.join(', ')]);
  const lines = [table(rows, ['ID', 'TEAM', 'SOURCE', 'OUTPUT', 'MODEL', 'TOOLS'])];
  if (data.problems.length) {
    lines.push('', 'Files that could not be loaded:');
    for (const p of data.problems) lines.push(`  ${p.path}:${p.line}: ${p.message}`);
  }
  return lines.join('\n');
}

/**
 * A session that also streams run events when the engine runs in this
 * process; against a running `chorus serve` only the result is printed.
 */
async function streamingSession(dataDir: string, onEvent: (event: AgentRunEvent) => void): Promise<CliSession> {
  const session = await openSession(dataDir);
  const unsubscribe = session.subscribe?.((name, payload) => {
    if (name === 'agents.runEvent') onEvent(payload as AgentRunEvent);
  });
  return {
    ...session,
    close: async () => {
      unsubscribe?.();
      await session.close();
    },
  };
}

function progress(event: AgentRunEvent): void {
  const write = (text: string) => process.stderr.write(text);
  switch (event.kind) {
    case 'step':
      write(`\n[${event.agentId}] ${event.phase === 'tools' ? `step ${event.step}` : event.phase}\n`);
      break;
    case 'delta':
      write(event.text);
      break;
    case 'tool_call':
      write(`\n  → ${event.tool} ${JSON.stringify(event.arguments)}\n`);
      break;
    case 'tool_result':
      write(`  ← ${event.isError ? 'error: ' : ''}${event.content.length > 160 ? `${event.content.slice(0, 157)}…` : event.content}\n`);
      break;
    case 'error':
      write(`\n[${event.agentId}] ${event.status}: ${event.message}\n`);
      break;
    case 'done':
      write('\n');
      break;
  }
}

function isDraftList(output: unknown): output is { drafts: { platform: string; text: string; hashtags: string[]; callToAction?: string; altText?: string; notes: string }[] } {
  return typeof output === 'object' && output !== null && Array.isArray((output as { drafts?: unknown }).drafts);
}

function humanResult(result: AgentRunResult): string {
  const lines: string[] = [];
  if (result.status !== 'succeeded') {
    lines.push(`Run ${result.runId} ${result.status}: ${result.error ?? ''}`);
  } else {
    if (result.templateMade) lines.push('TEMPLATE-MADE: no model was reachable, so this was filled in from templates. Edit it before use.', '');
    if (isDraftList(result.output)) {
      for (const draft of result.output.drafts) {
        lines.push(`— ${draft.platform} —`, draft.text);
        if (draft.callToAction && !draft.text.includes(draft.callToAction)) lines.push(draft.callToAction);
        if (draft.hashtags.length) lines.push(draft.hashtags.map((t) => `#${t.replace(/^#/, '')}`).join(' '));
        if (draft.altText) lines.push(`Alt text: ${draft.altText}`);
        if (draft.notes) lines.push(`Notes: ${draft.notes}`);
        lines.push('');
      }
    } else {
      lines.push(stringify(result.output).trimEnd(), '');
    }
  }
  const u = result.usage;
  const cost = u.costUsd === null ? 'cost unknown' : `$${u.costUsd.toFixed(4)}`;
  lines.push(`run ${result.runId} · ${u.calls} model call(s) · ${u.promptTokens + u.completionTokens} tokens · ${cost} · ${result.toolCalls} tool call(s) · ${result.repairs} repair(s)`);
  return lines.join('\n');
}

export function registerAgents(program: Command): void {
  const agents = program.command('agents').description('list the agents');
  common(agents.command('list'))
    .description('list every agent (built-in and from the data folder), and files that failed to load')
    .action(async (options: CommonOptions) => {
      await callAndPrint(options, 'agents.list', {}, agentsTable);
    });

  const agent = program.command('agent').description('run an agent');
  common(agent.command('run'))
    .description('run an agent on a task for a brand and print its result')
    .argument('<id>', 'agent id, e.g. content-creation')
    .argument('<task>', 'what the agent should do, in quotes')
    .requiredOption('--brand <name>', 'brand name or id')
    .action(async (id: string, task: string, options: CommonOptions & { brand: string }) => {
      const out = createOutput(!!options.json);
      const session = await streamingSession(dataDirOf(options), options.json ? () => undefined : progress);
      try {
        const brand = await findBrand(session, options.brand);
        const result = (await session.call('agents.runAndWait', { agentId: id, brandId: brand.id, task })) as Result<AgentRunResult>;
        if (!result.ok) return out.fail(result.error);
        out.data(result.data, () => humanResult(result.data));
        if (result.data.status !== 'succeeded') process.exitCode = 1;
      } finally {
        await session.close();
      }
    });
}
