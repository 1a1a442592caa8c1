import { useId } from 'react';
import type { AgentSummary, TeamSummary } from '../../../shared/contract/schemas/agents';
import type { AgentCatalog as Catalog } from './agentsStore';
import { useAgentsStore } from './agentsStore';

/** 'default' → the chain from Settings; otherwise the agent's own order. */
export function modelText(model: AgentSummary['model']): string {
  return model === 'default' ? 'Default (the order in Settings)' : model.join(' → ');
}

/** Every agent by team, where its file is, and the agent files that failed to load. */
export function AgentCatalog({ catalog, teams }: { catalog: Catalog; teams: TeamSummary[] }) {
  const uid = useId();
  const groups = teams.map((team) => ({ team, members: catalog.agents.filter((a) => a.team === team.id) }));
  const ungrouped = catalog.agents.filter((a) => !teams.some((t) => t.id === a.team));

  return (
    <section className="card agent-catalog" aria-labelledby={`${uid}-title`} data-testid="agent-catalog">
      <h2 id={`${uid}-title`}>The team</h2>
      <p className="muted">
        Each agent is a Markdown file. Built-in agents ship with Chorus; put your own (or an edited copy) in the <code>agents</code>{' '}
        folder of the data folder.
      </p>

      {catalog.problems.length ? (
        <div className="callout callout--error" role="alert" data-testid="agent-problems">
          <p>
            {catalog.problems.length === 1 ? 'One agent file could not be loaded:' : `${catalog.problems.length} agent files could not be loaded:`}
          </p>
          <ul className="issue-list">
            {catalog.problems.map((problem, index) => (
              <li key={index} data-testid="agent-problem">
                <code>
                  {problem.path}
                  {problem.line > 0 ? `:${problem.line}` : ''}
                </code>{' '}
                {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {catalog.agents.length === 0 ? <p>No agents are available.</p> : null}

      {groups.map(({ team, members }) =>
        members.length ? (
          <section key={team.id} className="team" aria-label={team.name} data-testid="team">
            <h3 className="team__name">{team.name}</h3>
            <p className="team__lead muted">
              Led by the {team.leader} ({team.leadAgent})
            </p>
            <ul className="agent-list">
              {members.map((agent) => (
                <AgentItem key={agent.id} agent={agent} />
              ))}
            </ul>
          </section>
        ) : null,
      )}
      {ungrouped.length ? (
        <section className="team" aria-label="Other agents">
          <h3 className="team__name">Other agents</h3>
          <ul className="agent-list">
            {ungrouped.map((agent) => (
              <AgentItem key={agent.id} agent={agent} />
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}

function AgentItem({ agent }: { agent: AgentSummary }) {
  const select = useAgentsStore((s) => s.select);
  const selected = useAgentsStore((s) => s.selectedAgentId === agent.id);
  return (
    <li className="agent" data-testid="agent-item" data-agent={agent.id}>
      <div className="agent__head">
        <span className="agent__name">{agent.name}</span>
        <span className={agent.source === 'user' ? 'badge badge--warning' : 'badge'}>{agent.source === 'user' ? 'Your file' : 'Built-in'}</span>
        <button
          type="button"
          className="button button--small agent__use"
          aria-pressed={selected}
          aria-label={`Give ${agent.name} a task`}
          onClick={() => select(agent.id)}
        >
          {selected ? 'Chosen' : 'Choose'}
        </button>
      </div>
      <p className="agent__role">{agent.role}</p>
      <dl className="facts facts--compact">
        <dt>Model</dt>
        <dd>{modelText(agent.model)}</dd>
        <dt>Tools</dt>
        <dd>
          {agent.tools.length ? (
            <span className="agent__tools">
              {agent.tools.map((tool) => (
                <code key={tool}>{tool}</code>
              ))}
            </span>
          ) : (
            'none'
          )}
        </dd>
        <dt>Answers with</dt>
        <dd>{agent.output}</dd>
        {agent.source === 'user' ? (
          <>
            <dt>File</dt>
            <dd>
              <code>{agent.path}</code>
            </dd>
          </>
        ) : null}
      </dl>
    </li>
  );
}
