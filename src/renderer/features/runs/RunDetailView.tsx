import type React from 'react';
import { useId } from 'react';
import type { RunDetail, StepAttempt } from '../../../shared/contract/schemas/workflows';
import { useNavigation } from '../../lib/navigationStore';
import { useRunsStore } from './runsStore';
import { CANCELLABLE, clock, costText, durationText, pendingText, RETRYABLE, statusBadge, tokensText, when } from './runText';

export function RunDetailView({ run, title }: { run: RunDetail; title: string }) {
  const uid = useId();
  const go = useNavigation((s) => s.go);
  const cancel = useRunsStore((s) => s.cancel);
  const retry = useRunsStore((s) => s.retry);
  const acting = useRunsStore((s) => s.acting);
  const actionError = useRunsStore((s) => s.actionError);
  const inputEntries = Object.entries(run.input);

  return (
    <section className="card run-detail" aria-labelledby={`${uid}-title`} data-testid="run-detail" data-run-id={run.id}>
      <header className="run-detail__head">
        <h2 id={`${uid}-title`}>{title}</h2>
        <span className={statusBadge(run.status)} data-testid="detail-status" data-status={run.status}>
          {run.status}
        </span>
      </header>

      <dl className="facts facts--compact">
        <dt>Brand</dt>
        <dd>{run.brandName}</dd>
        <dt>Started</dt>
        <dd>
          <time dateTime={run.createdAt}>{when.format(new Date(run.createdAt))}</time> ({run.trigger})
        </dd>
        {run.finishedAt ? (
          <>
            <dt>Finished</dt>
            <dd>
              <time dateTime={run.finishedAt}>{when.format(new Date(run.finishedAt))}</time>
            </dd>
          </>
        ) : null}
        {inputEntries.length > 0 ? (
          <>
            <dt>Input</dt>
            <dd data-testid="detail-input">{inputEntries.map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(', ')}</dd>
          </>
        ) : null}
        <dt>Usage</dt>
        <dd data-testid="detail-usage">
          {run.usage.calls} model {run.usage.calls === 1 ? 'call' : 'calls'} · {tokensText(run.usage)} · {costText(run.usage)}
        </dd>
      </dl>

      {run.error ? (
        <p className="callout callout--error" data-testid="detail-error">
          {run.error}
        </p>
      ) : null}

      {run.pendingApprovals > 0 ? (
        <p>
          <button type="button" className="link-button" onClick={() => go('approvals')} data-testid="run-approvals-link">
            {pendingText(run.pendingApprovals)}
          </button>
        </p>
      ) : null}

      <div className="form-actions">
        {CANCELLABLE.includes(run.status) ? (
          <button type="button" className="button button--danger-quiet" disabled={acting !== null} onClick={() => void cancel()} data-testid="cancel-run">
            {acting === 'cancel' ? 'Cancelling…' : 'Cancel run'}
          </button>
        ) : null}
        {RETRYABLE.includes(run.status) ? (
          <button type="button" className="button" disabled={acting !== null} onClick={() => void retry()} data-testid="retry-run">
            {acting === 'retry' ? 'Retrying…' : 'Retry'}
          </button>
        ) : null}
        {actionError ? (
          <p className="form-actions__info field__error" role="alert" data-testid="run-action-error">
            {actionError}
          </p>
        ) : null}
      </div>

      <h3>Steps</h3>
      {run.steps.length === 0 ? (
        <p className="muted">No step has started yet.</p>
      ) : (
        <ol className="step-timeline" data-testid="run-timeline">
          {run.steps.map((step) => (
            <TimelineStep key={`${step.path}#${step.attempt}`} step={step} />
          ))}
        </ol>
      )}

      <details className="run-events" data-testid="run-events">
        <summary>Event log ({run.events.length})</summary>
        <ol className="run-events__list">
          {run.events.map((event) => (
            <li key={event.seq} data-testid="run-event">
              <time dateTime={event.at}>{clock.format(new Date(event.at))}</time> <code>{event.type}</code>
              {event.path ? <span className="muted"> {event.path}</span> : null}
              {event.message ? <span> — {event.message}</span> : null}
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}

function TimelineStep({ step }: { step: StepAttempt }) {
  // Indented by nesting (`drafts[x]/create[text]/voice#2/write` is four deep), kept in the order steps started.
  const depth = step.path.split('/').length - 1;
  return (
    <li
      className={`step step--${step.status}`}
      style={{ '--step-depth': depth } as React.CSSProperties}
      data-testid="timeline-step"
      data-path={step.path}
      data-status={step.status}
    >
      <div className="step__head">
        <span className="step__label">{step.label}</span>
        <span className={statusBadge(step.status)} data-testid="step-status">
          {step.status}
        </span>
      </div>
      <p className="step__meta">
        <code>{step.path}</code> · {step.kind} · <span data-testid="step-attempt">attempt {step.attempt}</span> ·{' '}
        <span data-testid="step-duration">{step.durationMs !== null ? durationText(step.durationMs) : 'not finished'}</span>
        {step.usage.calls > 0 ? (
          <>
            {' · '}
            <span data-testid="step-usage">
              {tokensText(step.usage)} · {costText(step.usage)}
            </span>
          </>
        ) : null}
      </p>
      {step.error ? (
        <p className="step__error" data-testid="step-error">
          {step.error}
        </p>
      ) : null}
    </li>
  );
}
