import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';

export function InboxPage() {
  return (
    <div className="page">
      <PageHeader title="Inbox" description="What people say back." />
      <EmptyState title="Not available yet" testId="inbox-empty">
        <p>Replies, mentions and messages from connected accounts will appear here, with suggested answers.</p>
        <p className="muted">Listening arrives in a later version.</p>
      </EmptyState>
    </div>
  );
}
