import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { Approval } from '../../../shared/contract/schemas/workflows';
import { PLATFORM_LABELS, rulesFor, validate, type Problem } from '../../../shared/platforms';
import { Field } from '../../components/Field';
import { approvalLabel, useApprovalsStore, type ApprovalEdit, type PanelKind } from './approvalsStore';
import { DraftPreview } from './DraftPreview';

const created = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

interface ApprovalItemProps {
  approval: Approval;
  /** The brand's zone, when the brand is known here. */
  timeZone: string | undefined;
  selected: boolean;
  checked: boolean;
  panel: PanelKind | null;
  error: string | undefined;
  busy: boolean;
}

export const hasBlockingProblems = (problems: Problem[]) => problems.some((p) => p.severity === 'error');

export function ApprovalItem({ approval, timeZone, selected, checked, panel, error, busy }: ApprovalItemProps) {
  const uid = useId();
  const select = useApprovalsStore((s) => s.select);
  const toggleChecked = useApprovalsStore((s) => s.toggleChecked);
  const openPanel = useApprovalsStore((s) => s.openPanel);
  const approve = useApprovalsStore((s) => s.approve);
  const itemRef = useRef<HTMLElement>(null);
  const blocked = hasBlockingProblems(approval.problems);

  useEffect(() => {
    // Keyboard moves bring the selected item into view; optional for jsdom.
    if (selected) itemRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);

  return (
    <article
      ref={itemRef}
      tabIndex={-1}
      className={selected ? 'approval approval--selected' : 'approval'}
      aria-labelledby={`${uid}-title`}
      aria-current={selected ? 'true' : undefined}
      data-testid="approval-item"
      data-approval-id={approval.id}
      onClick={() => {
        if (!selected) select(approval.id);
      }}
    >
      <header className="approval__head">
        <label className="choice approval__check">
          <input
            type="checkbox"
            checked={checked}
            onChange={() => toggleChecked(approval.id)}
            data-testid="approval-check"
            aria-label={`Select ${approvalLabel(approval)} for bulk approval`}
          />
        </label>
        <h2 id={`${uid}-title`} className="approval__title">
          <span data-testid="approval-brand">{approval.brandName}</span>
          <span className="muted"> · </span>
          <span className={`platform-dot platform-dot--${approval.draft.platform}`} aria-hidden="true" />
          <span data-testid="approval-platform">{PLATFORM_LABELS[approval.draft.platform]}</span>
        </h2>
        <span className="approval__meta muted">
          {approval.workflowId ? `${approval.workflowId} · ` : ''}waiting since{' '}
          <time dateTime={approval.createdAt}>{created.format(new Date(approval.createdAt))}</time>
          {approval.expiresAt ? (
            <>
              {' '}
              · decided by the timeout policy at <time dateTime={approval.expiresAt}>{created.format(new Date(approval.expiresAt))}</time>
            </>
          ) : null}
        </span>
      </header>

      <div className="approval__body">
        <DraftPreview draft={approval.draft} timeZone={timeZone} />

        <div className="approval__checks">
          <ProblemList problems={approval.problems} />
          <VoiceReview approval={approval} />
          <details className="approval__reasoning" data-testid="approval-reasoning">
            <summary>Why the agents wrote it this way</summary>
            <p className="approval__reasoning-text">
              {approval.reasoning === '' ? <span className="muted">The agents left no notes.</span> : approval.reasoning}
            </p>
          </details>
        </div>
      </div>

      {error ? (
        <p className="callout callout--error" role="alert" data-testid="approval-error">
          {error}
        </p>
      ) : null}

      {panel === 'edit' ? (
        <DraftEditor approval={approval} busy={busy} />
      ) : panel === 'reject' ? (
        <RejectBox approval={approval} busy={busy} />
      ) : (
        <div className="approval__actions">
          <button
            type="button"
            className="button button--primary"
            disabled={busy || blocked}
            aria-describedby={blocked ? `${uid}-blocked` : undefined}
            onClick={() => void approve(approval.id)}
            data-testid="approve-button"
          >
            {busy ? 'Working…' : 'Approve'}
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => openPanel(approval.id, 'edit')} data-testid="edit-button">
            Edit
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => openPanel(approval.id, 'reject')} data-testid="reject-button">
            Reject
          </button>
          {blocked ? (
            <p className="form-actions__info" id={`${uid}-blocked`}>
              This draft breaks the platform’s rules: edit it, then save and approve.
            </p>
          ) : null}
        </div>
      )}
    </article>
  );
}

function ProblemList({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return <p className="problems-ok">Fits the platform’s rules.</p>;
  return (
    <ul className="problems" data-testid="approval-problems">
      {problems.map((problem, i) => (
        <li key={i} className={`problem problem--${problem.severity}`} data-severity={problem.severity} data-testid="approval-problem">
          <span className="problem__severity">{problem.severity === 'error' ? 'Must fix' : 'Note'}:</span> {problem.message}
        </li>
      ))}
    </ul>
  );
}

function VoiceReview({ approval }: { approval: Approval }) {
  const score = approval.voiceScore;
  return (
    <div className="voice" data-testid="voice-review">
      <p>
        Brand voice:{' '}
        <strong data-testid="voice-score">{score === null ? 'not scored' : `${Math.round(score)} / 100`}</strong>
      </p>
      {approval.voiceIssues.length > 0 ? (
        <ul className="issue-list voice__issues">
          {approval.voiceIssues.map((issue, i) => (
            <li key={i} data-testid="voice-issue">
              “{issue.excerpt}” — {issue.problem}
              {issue.suggestion ? <span className="muted"> Try: {issue.suggestion}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Escape leaves a panel without deciding; focus goes back to the item so shortcuts work again. */
function closeOnEscape(event: KeyboardEvent, close: () => void) {
  if (event.key !== 'Escape') return;
  event.preventDefault();
  const item = (event.currentTarget as HTMLElement).closest<HTMLElement>('[data-testid="approval-item"]');
  close();
  item?.focus();
}

function DraftEditor({ approval, busy }: { approval: Approval; busy: boolean }) {
  const uid = useId();
  const approve = useApprovalsStore((s) => s.approve);
  const closePanel = useApprovalsStore((s) => s.closePanel);
  const original = approval.draft;
  const platform = original.platform;
  const rules = rulesFor(platform);
  const [title, setTitle] = useState(original.title);
  const [text, setText] = useState(original.text);
  const [thread, setThread] = useState(original.thread);
  const firstRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    firstRef.current?.focus();
  }, []);

  // The same checks the engine runs, on the edited text. The draft carries no
  // media here, so media checks stay with the ones the engine reported.
  const showsTitle = rules.title !== null || original.title !== '';
  const problems = [
    ...validate(platform, {
      text,
      ...(showsTitle && title.trim() !== '' ? { title: title.trim() } : {}),
      ...(thread.length > 0 ? { thread } : {}),
    }).problems.filter((p) => p.field !== 'media'),
    ...approval.problems.filter((p) => p.field === 'media'),
  ];

  function changes(): ApprovalEdit | undefined {
    const edit: ApprovalEdit = {};
    if (title !== original.title) edit.title = title;
    if (text !== original.text) edit.text = text;
    if (thread.length !== original.thread.length || thread.some((part, i) => part !== original.thread[i])) edit.thread = thread;
    return Object.keys(edit).length > 0 ? edit : undefined;
  }

  const setPart = (index: number, value: string) => setThread((t) => t.map((part, i) => (i === index ? value : part)));

  return (
    <form
      className="approval__panel"
      aria-label="Edit the draft"
      data-testid="approval-editor"
      onKeyDown={(e) => closeOnEscape(e, closePanel)}
      onSubmit={(e) => {
        e.preventDefault();
        void approve(approval.id, changes());
      }}
    >
      {showsTitle ? (
        <Field id={`${uid}-title`} name="title" label="Title">
          {(p) => <input {...p} type="text" value={title} onChange={(e) => setTitle(e.target.value)} data-testid="edit-title" />}
        </Field>
      ) : null}
      <Field id={`${uid}-text`} name="text" label={thread.length > 0 ? 'First post' : 'Text'}>
        {(p) => <textarea {...p} ref={firstRef} rows={5} value={text} onChange={(e) => setText(e.target.value)} data-testid="edit-text" />}
      </Field>
      {thread.map((part, i) => (
        <div key={i} className="approval__thread-part">
          <Field id={`${uid}-thread-${i}`} name={`thread-${i}`} label={`Reply ${i + 1}`}>
            {(p) => <textarea {...p} rows={3} value={part} onChange={(e) => setPart(i, e.target.value)} data-testid="edit-thread" />}
          </Field>
          <button type="button" className="button button--quiet" onClick={() => setThread((t) => t.filter((_, j) => j !== i))}>
            Remove reply {i + 1}
          </button>
        </div>
      ))}
      {rules.threads ? (
        <button type="button" className="button button--quiet" onClick={() => setThread((t) => [...t, ''])}>
          Add a reply
        </button>
      ) : null}

      {problems.length > 0 ? (
        <ul className="problems" data-testid="editor-problems">
          {problems.map((problem, i) => (
            <li key={i} className={`problem problem--${problem.severity}`}>
              <span className="problem__severity">{problem.severity === 'error' ? 'Must fix' : 'Note'}:</span> {problem.message}
            </li>
          ))}
        </ul>
      ) : (
        <p className="problems-ok">Fits the platform’s rules.</p>
      )}

      <div className="approval__actions">
        <button type="submit" className="button button--primary" disabled={busy} data-testid="save-approve">
          {busy ? 'Saving…' : 'Save and approve'}
        </button>
        <button type="button" className="button" disabled={busy} onClick={closePanel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RejectBox({ approval, busy }: { approval: Approval; busy: boolean }) {
  const uid = useId();
  const reject = useApprovalsStore((s) => s.reject);
  const closePanel = useApprovalsStore((s) => s.closePanel);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | undefined>();
  const boxRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    boxRef.current?.focus();
  }, []);

  return (
    <form
      className="approval__panel"
      aria-label="Reject the draft"
      data-testid="reject-box"
      onKeyDown={(e) => closeOnEscape(e, closePanel)}
      onSubmit={(e) => {
        e.preventDefault();
        if (comment.trim() === '') {
          setError('Say why, so the agents (and the history) know.');
          boxRef.current?.focus();
          return;
        }
        void reject(approval.id, comment.trim());
      }}
    >
      <Field id={`${uid}-comment`} name="comment" label="Why reject it?" hint="The comment goes into the post’s history." error={error}>
        {(p) => (
          <textarea
            {...p}
            ref={boxRef}
            rows={3}
            value={comment}
            onChange={(e) => {
              setComment(e.target.value);
              setError(undefined);
            }}
            data-testid="reject-comment"
          />
        )}
      </Field>
      <div className="approval__actions">
        <button type="submit" className="button button--danger" disabled={busy} data-testid="reject-confirm">
          {busy ? 'Rejecting…' : 'Reject'}
        </button>
        <button type="button" className="button" disabled={busy} onClick={closePanel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
