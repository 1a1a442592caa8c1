import { useEffect, useId, useRef, useState } from 'react';
import type { Result } from '../../../shared/contract/errors';
import type { Account } from '../../../shared/contract/schemas/accounts';
import type { PostEvent, PostWithHistory } from '../../../shared/contract/schemas/posts';
import { PLATFORM_LABELS } from '../../../shared/platforms';
import { useCalendarStore } from './calendarStore';
import { EVENT_LABELS, FAILURE_KIND_TEXT, PUBLISHABLE, STATUS_LABELS } from './postText';
import { formatInZone } from './zonedTime';

interface PostPanelProps {
  timeZone: string;
  accounts: Account[];
}

/** The post chosen on the calendar: what it says, what happened to it, and what can still be done. */
export function PostPanel({ timeZone, accounts }: PostPanelProps) {
  const detail = useCalendarStore((s) => s.detail);
  const select = useCalendarStore((s) => s.select);
  const uid = useId();

  return (
    <section className="post-panel" aria-labelledby={`${uid}-title`} data-testid="post-panel">
      <div className="post-panel__head">
        <h2 id={`${uid}-title`}>
          {detail.status === 'ready' ? `${PLATFORM_LABELS[detail.data.platform]} post` : 'Post'}
        </h2>
        <button type="button" className="button button--quiet" onClick={() => select(null)}>
          Close
        </button>
      </div>
      {detail.status === 'ready' ? (
        <PostDetail key={detail.data.id} post={detail.data} timeZone={timeZone} accounts={accounts} />
      ) : detail.status === 'failed' ? (
        <p className="callout callout--error" role="alert">
          This post could not be loaded: {detail.message}
        </p>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}

function PostDetail({ post, timeZone, accounts }: { post: PostWithHistory; timeZone: string; accounts: Account[] }) {
  const publishNow = useCalendarStore((s) => s.publishNow);
  const unschedule = useCalendarStore((s) => s.unschedule);
  const remove = useCalendarStore((s) => s.remove);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const keepRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirmDelete) keepRef.current?.focus();
  }, [confirmDelete]);

  const account = accounts.find((a) => a.id === post.accountId);

  async function run(name: string, work: () => Promise<Result<unknown>>) {
    setBusy(name);
    setError(null);
    const result = await work();
    setBusy(null);
    if (!result.ok) setError(result.error.message);
  }

  return (
    <div className="post-detail">
      <p>
        <span className={`status-badge status-badge--${post.status}`} data-testid="post-status">
          <span className={`status-mark status-mark--${post.status}`} aria-hidden="true" />
          {STATUS_LABELS[post.status]}
        </span>
      </p>
      <dl className="facts">
        <dt>Account</dt>
        <dd>{account ? `${account.handle} (${account.displayName})` : post.accountId ? 'An account that no longer exists' : 'None chosen yet'}</dd>
        {post.scheduledAt ? (
          <>
            <dt>{post.status === 'published' ? 'Was due' : 'Goes out'}</dt>
            <dd data-testid="post-time">{formatInZone(post.scheduledAt, post.scheduledTimeZone ?? timeZone)}</dd>
          </>
        ) : null}
        {post.publishedAt ? (
          <>
            <dt>Published</dt>
            <dd>{formatInZone(post.publishedAt, timeZone)}</dd>
          </>
        ) : null}
        {post.retryAt ? (
          <>
            <dt>Next attempt</dt>
            <dd>{formatInZone(post.retryAt, timeZone)}</dd>
          </>
        ) : null}
        <dt>Attempts</dt>
        <dd>{post.attempts}</dd>
      </dl>

      {post.platformUrl ? <PublishedLink url={post.platformUrl} /> : null}

      {post.failureKind ? (
        <div className={post.status === 'failed' ? 'callout callout--error' : 'callout callout--warning'} data-testid="post-failure">
          <p>
            <strong>{FAILURE_KIND_TEXT[post.failureKind].label}.</strong> {FAILURE_KIND_TEXT[post.failureKind].sentence}
          </p>
          {post.failureReason ? <p>The platform said: “{post.failureReason}”</p> : null}
        </div>
      ) : null}

      <div className="post-detail__text">
        <p className="post-detail__body">{post.text}</p>
        {post.thread.map((part, i) => (
          <p key={i} className="post-detail__body post-detail__body--reply">
            <span className="muted">Part {i + 2}: </span>
            {part}
          </p>
        ))}
        {post.media.length > 0 ? (
          <ul className="plain-list">
            {post.media.map((m, i) => (
              <li key={i}>
                {m.kind}: <code>{m.uri}</code>
                {m.alt ? ` — ${m.alt}` : ''}
              </li>
            ))}
          </ul>
        ) : null}
      </div>

      {error ? (
        <p className="callout callout--error" role="alert" data-testid="post-action-error">
          {error}
        </p>
      ) : null}

      <div className="post-detail__actions">
        {PUBLISHABLE.includes(post.status) ? (
          <button type="button" className="button button--primary" disabled={busy !== null} onClick={() => void run('publish', () => publishNow(post.id))}>
            {busy === 'publish' ? 'Queuing…' : 'Publish now'}
          </button>
        ) : null}
        {post.status === 'scheduled' ? (
          <button type="button" className="button" disabled={busy !== null} onClick={() => void run('unschedule', () => unschedule(post.id))}>
            {busy === 'unschedule' ? 'Unscheduling…' : 'Unschedule'}
          </button>
        ) : null}
        {post.status !== 'publishing' && !confirmDelete ? (
          <button type="button" className="button button--danger-quiet" disabled={busy !== null} onClick={() => setConfirmDelete(true)}>
            Delete…
          </button>
        ) : null}
      </div>
      {confirmDelete ? (
        <div role="alertdialog" aria-label="Delete this post?" className="confirm" onKeyDown={(e) => e.key === 'Escape' && setConfirmDelete(false)}>
          <p>
            Delete this post and its history?{' '}
            {post.status === 'published' ? 'It stays on the platform; Chorus only forgets it.' : 'It will not be published.'}
          </p>
          <div className="confirm__actions">
            <button type="button" className="button button--danger" disabled={busy !== null} onClick={() => void run('delete', () => remove(post.id))}>
              {busy === 'delete' ? 'Deleting…' : 'Delete post'}
            </button>
            <button ref={keepRef} type="button" className="button" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
          </div>
        </div>
      ) : null}

      <History events={post.history} timeZone={timeZone} />
    </div>
  );
}

function PublishedLink({ url }: { url: string }) {
  // Real platforms give an https link; the sandbox writes a file, which a web page cannot open.
  const web = /^https?:\/\//.test(url);
  return (
    <p className="post-detail__link" data-testid="post-link">
      {web ? (
        <a href={url} target="_blank" rel="noreferrer noopener">
          Open the published post
        </a>
      ) : (
        <>
          Published to <code>{url}</code>
        </>
      )}
    </p>
  );
}

function History({ events, timeZone }: { events: PostEvent[]; timeZone: string }) {
  const uid = useId();
  return (
    <section aria-labelledby={`${uid}-history`} className="post-history">
      <h3 id={`${uid}-history`}>History</h3>
      {events.length === 0 ? (
        <p className="muted">Nothing has happened to this post yet.</p>
      ) : (
        <ol className="post-history__list" data-testid="post-history">
          {events.map((event) => (
            <li key={event.id} className={`post-history__item post-history__item--${event.kind}`} data-kind={event.kind}>
              <span className="post-history__kind">
                {EVENT_LABELS[event.kind]}
                {event.attempt !== null ? ` #${event.attempt}` : ''}
              </span>
              <time className="post-history__time" dateTime={event.at}>
                {formatInZone(event.at, timeZone)}
              </time>
              {event.errorKind ? (
                <span className="post-history__error" data-testid="history-failure-kind">
                  {FAILURE_KIND_TEXT[event.errorKind].label}: {FAILURE_KIND_TEXT[event.errorKind].sentence}
                </span>
              ) : null}
              {event.message ? <span className="post-history__message">{event.message}</span> : null}
              {eventDetail(event, timeZone)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The detail worth a line: where a schedule or a move put the post. */
function eventDetail(event: PostEvent, timeZone: string) {
  const at = typeof event.detail.at === 'string' ? event.detail.at : null;
  if (!at || !['scheduled', 'rescheduled'].includes(event.kind)) return null;
  const zone = typeof event.detail.timeZone === 'string' ? event.detail.timeZone : timeZone;
  const now = event.detail.publishNow === true;
  return <span className="post-history__message">{now ? 'To publish right away' : `For ${formatInZone(at, zone)}`}</span>;
}
