import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export function CrisisPage() {
  return (
    <div className="page">
      <PageHeader title="Crisis" description="Early warning when the conversation turns." />
      <EmptyState title="Not available yet" testId="crisis-empty">
        <p>When mentions of a brand spike or turn negative, the alert and a suggested response plan will appear here.</p>
        <p className="muted">Crisis watch arrives in a later version.</p>
      </EmptyState>
    </div>
  );
}
