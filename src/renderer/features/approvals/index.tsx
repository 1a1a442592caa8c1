import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export function ApprovalsPage() {
  return (
    <div className="page">
      <PageHeader title="Approvals" description="Drafts that need a person’s yes or no." />
      <EmptyState title="Not available yet" testId="approvals-empty">
        <p>Drafts waiting for your decision will appear here, with the checks each one passed.</p>
        <p className="muted">Drafting arrives in a later version.</p>
      </EmptyState>
    </div>
  );
}
