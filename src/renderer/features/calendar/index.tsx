import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export function CalendarPage() {
  return (
    <div className="page">
      <PageHeader title="Calendar" description="What goes out, when, for every brand." />
      <EmptyState title="Not available yet" testId="calendar-empty">
        <p>Posts that are scheduled or published will appear here, by day and by week, in each brand’s time zone.</p>
        <p className="muted">Scheduling arrives in a later version.</p>
      </EmptyState>
    </div>
  );
}
