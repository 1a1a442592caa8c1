import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export function RunsPage() {
  return (
    <div className="page">
      <PageHeader title="Runs" description="What the agents did, step by step." />
      <EmptyState title="Not available yet" testId="runs-empty">
        <p>Every agent run will be listed here with its steps, model calls, tool calls and cost, including runs that resume after a restart.</p>
        <p className="muted">Agent runs arrive in a later version.</p>
      </EmptyState>
    </div>
  );
}
