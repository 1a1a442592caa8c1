import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export function AgentsPage() {
  return (
    <div className="page">
      <PageHeader title="Agents" description="The team that does the work." />
      <EmptyState title="Not available yet" testId="agents-empty">
        <p>The agents on your team will appear here with their instructions, models and tools, and you will be able to add your own.</p>
        <p className="muted">Agent editing arrives in a later version.</p>
      </EmptyState>
    </div>
  );
}
