import type { ReactNode } from 'react';

interface EmptyStateProps {
  title: string;
  children: ReactNode;
  action?: ReactNode;
  testId?: string;
}

export function EmptyState({ title, children, action, testId }: EmptyStateProps) {
  return (
    <section className="empty-state" data-testid={testId}>
      <h2>{title}</h2>
      <div className="empty-state__body">{children}</div>
      {action ? <div className="empty-state__action">{action}</div> : null}
    </section>
  );
}
