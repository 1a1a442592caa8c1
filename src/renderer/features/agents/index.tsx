import { useEffect } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { subscribe } from '../../lib/api';
import '../../styles/status.css';
import '../../styles/agents.css';
import { useBrandStore } from '../brand/brandStore';
import { AgentCatalog } from './AgentCatalog';
import { useAgentsStore } from './agentsStore';
import { RecentRuns } from './RecentRuns';
import { RunPanel } from './RunPanel';

export function AgentsPage() {
  const catalog = useAgentsStore((s) => s.catalog);
  const teams = useAgentsStore((s) => s.teams);
  const load = useAgentsStore((s) => s.load);
  const receive = useAgentsStore((s) => s.receive);
  const loadBrands = useBrandStore((s) => s.load);

  useEffect(() => {
    void load();
    void loadBrands();
    const stopRuns = subscribe('agents.runEvent', receive);
    const stopBrands = subscribe('brands.changed', () => void loadBrands());
    return () => {
      stopRuns();
      stopBrands();
    };
  }, [load, loadBrands, receive]);

  const agents = catalog.status === 'ready' ? catalog.data.agents : [];
  const teamList = teams.status === 'ready' ? teams.data : [];

  return (
    <div className="page">
      <PageHeader title="Agents" description="The team that does the work: who does what, with which model and tools. Give one a task and watch it work." />

      {catalog.status === 'failed' ? (
        <div className="callout callout--error" role="alert">
          <p>The agents could not be loaded: {catalog.message}</p>
          <button type="button" className="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      ) : catalog.status !== 'ready' ? (
        <p className="muted">Loading agents…</p>
      ) : (
        <div className="agents-layout">
          <div className="agents-layout__main">
            <RunPanel agents={agents} teams={teamList} />
            <RecentRuns agents={agents} />
          </div>
          <div className="agents-layout__side">
            {teams.status === 'failed' ? <p className="callout callout--error">The teams could not be loaded: {teams.message}</p> : null}
            <AgentCatalog catalog={catalog.data} teams={teamList} />
          </div>
        </div>
      )}
    </div>
  );
}
