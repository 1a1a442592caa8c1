import { useEffect } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { subscribe } from '../../lib/api';
import { useNavigation } from '../../lib/navigationStore';
import '../../styles/status.css';
import '../../styles/calendar.css';
import '../../styles/workflows.css';
import { useBrandStore } from '../brand/brandStore';
import { ApprovalItem, hasBlockingProblems } from './ApprovalItem';
import { useApprovalsStore } from './approvalsStore';

const SHORTCUTS: [keys: string, action: string][] = [
  ['j / ↓', 'next'],
  ['k / ↑', 'previous'],
  ['a', 'approve'],
  ['e', 'edit'],
  ['r', 'reject'],
  ['x', 'select for bulk'],
];

const TEXT_INPUT_TYPES = new Set(['checkbox', 'radio', 'button', 'submit', 'reset']);

/** Whether a key press is someone typing, which shortcuts must leave alone. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !TEXT_INPUT_TYPES.has(target.type);
}

function focusItem(id: string | null) {
  if (!id) return;
  // Ids are UUIDs: safe inside the selector as they are.
  document.querySelector<HTMLElement>(`[data-approval-id="${id}"]`)?.focus();
}

/** j/k/a/e/r/x on the selected item; returns whether the key was a shortcut. */
function runShortcut(key: string): boolean {
  const store = useApprovalsStore.getState();
  const queue = store.queue.status === 'ready' ? store.queue.data : [];
  switch (key) {
    case 'j':
    case 'ArrowDown':
      store.move(1);
      focusItem(useApprovalsStore.getState().selectedId);
      return true;
    case 'k':
    case 'ArrowUp':
      store.move(-1);
      focusItem(useApprovalsStore.getState().selectedId);
      return true;
  }
  const selected = queue.find((a) => a.id === store.selectedId);
  if (!selected) return false;
  switch (key) {
    case 'a':
      if (hasBlockingProblems(selected.problems)) {
        store.setError(selected.id, 'This draft breaks the platform’s rules: press e to edit it first.');
      } else {
        void store.approve(selected.id);
      }
      return true;
    case 'e':
      store.openPanel(selected.id, 'edit');
      return true;
    case 'r':
      store.openPanel(selected.id, 'reject');
      return true;
    case 'x':
      store.toggleChecked(selected.id);
      return true;
  }
  return false;
}

export function ApprovalsPage() {
  const queue = useApprovalsStore((s) => s.queue);
  const selectedId = useApprovalsStore((s) => s.selectedId);
  const checked = useApprovalsStore((s) => s.checked);
  const panel = useApprovalsStore((s) => s.panel);
  const errors = useApprovalsStore((s) => s.errors);
  const busy = useApprovalsStore((s) => s.busy);
  const notice = useApprovalsStore((s) => s.notice);
  const refused = useApprovalsStore((s) => s.refused);
  const load = useApprovalsStore((s) => s.load);
  const approveChecked = useApprovalsStore((s) => s.approveChecked);
  const brands = useBrandStore((s) => s.brands);
  const loadBrands = useBrandStore((s) => s.load);
  const go = useNavigation((s) => s.go);

  useEffect(() => {
    void load();
    void loadBrands();
    // Drafts arrive from running workflows and are decided elsewhere too (CLI, MCP, other windows).
    const stopApprovals = subscribe('approvals.changed', () => void load());
    const stopBrands = subscribe('brands.changed', () => void loadBrands());
    return () => {
      stopApprovals();
      stopBrands();
    };
  }, [load, loadBrands]);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) return;
      // The key must not also reach the box that a shortcut just focused.
      if (runShortcut(event.key)) event.preventDefault();
    }
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const items = queue.status === 'ready' ? queue.data : [];
  const zoneOf = (brandId: string) => brands.find((b) => b.id === brandId)?.timezone;
  const bulkBusy = checked.some((id) => busy.includes(id));

  return (
    <div className="page page--wide">
      <PageHeader
        title="Approvals"
        description="Drafts the agents wrote that wait for a person’s yes or no, oldest first."
        actions={
          items.length > 0 ? (
            <button
              type="button"
              className="button button--primary"
              disabled={checked.length === 0 || bulkBusy}
              onClick={() => void approveChecked()}
              data-testid="approve-selected"
            >
              {bulkBusy ? 'Approving…' : `Approve selected (${checked.length})`}
            </button>
          ) : undefined
        }
      />

      <p className="status-line" role="status" data-testid="approvals-notice">
        {notice ?? ''}
      </p>

      {refused.length > 0 ? (
        <div className="callout callout--error" role="alert" data-testid="approvals-refused">
          <p>These could not be approved:</p>
          <ul className="issue-list">
            {refused.map((r) => (
              <li key={r.id} data-testid="refused-item">
                {r.label}: {r.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {queue.status === 'failed' ? (
        <div className="callout callout--error" role="alert">
          <p>The approval queue could not be loaded: {queue.message}</p>
          <button type="button" className="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      ) : queue.status !== 'ready' ? (
        <p className="muted">Loading the approval queue…</p>
      ) : items.length === 0 ? (
        <EmptyState
          title="Nothing waits for you"
          testId="approvals-empty"
          action={
            <button type="button" className="button" onClick={() => go('runs')}>
              Start a workflow
            </button>
          }
        >
          <p>No draft is waiting for approval. When a workflow writes posts for a brand whose policy asks for a person, they appear here.</p>
        </EmptyState>
      ) : (
        <>
          <p className="shortcut-legend muted" data-testid="shortcut-legend">
            Keys:{' '}
            {SHORTCUTS.map(([keys, action]) => (
              <span key={keys} className="shortcut-legend__item">
                <kbd>{keys}</kbd> {action}
              </span>
            ))}
          </p>
          <ol className="approval-list" aria-label="Drafts waiting for approval">
            {items.map((approval) => (
              <li key={approval.id}>
                <ApprovalItem
                  approval={approval}
                  timeZone={zoneOf(approval.brandId)}
                  selected={approval.id === selectedId}
                  checked={checked.includes(approval.id)}
                  panel={panel?.id === approval.id ? panel.kind : null}
                  error={errors[approval.id]}
                  busy={busy.includes(approval.id)}
                />
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
