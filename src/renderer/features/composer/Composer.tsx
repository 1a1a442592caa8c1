import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { ContractError, Result } from '../../../shared/contract/errors';
import type { Account } from '../../../shared/contract/schemas/accounts';
import type { Brand } from '../../../shared/contract/schemas/brands';
import type { MediaRef, Post } from '../../../shared/contract/schemas/posts';
import { PLATFORM_LABELS, rulesFor, type Platform } from '../../../shared/platforms';
import { Field } from '../../components/Field';
import { call } from '../../lib/api';
import { anHourFromNow, wallClockIn, zoneAbbreviation } from '../calendar/zonedTime';
import {
  check,
  contentFor,
  counterText,
  emptyComposerDraft,
  hasErrors,
  isOver,
  measureParts,
  needsTitle,
  proposeThread,
  unitHint,
  type ComposerDraft,
  type Variant,
} from './composerDraft';

export interface ComposerDone {
  /** A sentence for the calendar's status line. */
  notice: string;
  brandId: string;
  /** The wall-clock time the posts were scheduled for, in `timeZone`; absent for drafts. */
  at?: string;
  timeZone: string;
}

interface ComposerProps {
  brands: Brand[];
  accounts: Account[];
  initialBrandId: string | null;
  onClose(): void;
  onDone(done: ComposerDone): void;
  /** Opens Settings → Accounts, for a brand with no account yet. */
  onConnectAccount(): void;
}

const MEDIA_KINDS: MediaRef['kind'][] = ['image', 'video', 'gif'];

/** One line per failure; field issues are placed beside their fields by the caller. */
function describe(error: ContractError): string {
  return error.message;
}

export function Composer({ brands, accounts, initialBrandId, onClose, onDone, onConnectAccount }: ComposerProps) {
  const uid = useId();
  const [brandId, setBrandId] = useState(initialBrandId ?? brands[0]?.id ?? '');
  const brand = brands.find((b) => b.id === brandId);
  const timeZone = brand?.timezone ?? 'UTC';
  const brandAccounts = useMemo(() => accounts.filter((a) => a.brandId === brandId), [accounts, brandId]);

  const [selected, setSelected] = useState<string[]>([]);
  const [draft, setDraft] = useState<ComposerDraft>(emptyComposerDraft);
  const [at, setAt] = useState(() => (brand ? anHourFromNow(brand.timezone) : ''));
  const [atError, setAtError] = useState<string | undefined>();
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState<'draft' | 'schedule' | null>(null);
  // Drafts already created by this composer, per account: a retry updates them instead of making copies.
  const [saved, setSaved] = useState<Record<string, string>>({});
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const chosen = brandAccounts.filter((a) => selected.includes(a.id));
  const platforms = [...new Set(chosen.map((a) => a.platform))];
  const checks = platforms.map((platform) => ({ platform, result: check(draft, platform) }));
  const blocked = checks.filter((c) => hasErrors(c.result)).map((c) => PLATFORM_LABELS[c.platform]);

  const scheduleBlockers: string[] = [];
  if (chosen.length === 0) scheduleBlockers.push('Choose at least one account.');
  if (blocked.length > 0) scheduleBlockers.push(`Fix the problems for ${blocked.join(', ')} first.`);
  if (at === '') scheduleBlockers.push('Choose when to publish.');

  function changeBrand(next: string) {
    setBrandId(next);
    setSelected([]);
    setSaved({});
    const zone = brands.find((b) => b.id === next)?.timezone;
    if (zone && at === '') setAt(anHourFromNow(zone));
  }

  function toggleAccount(id: string, on: boolean) {
    setSelected((s) => (on ? [...s, id] : s.filter((x) => x !== id)));
  }

  const setVariant = (platform: Platform, variant: Variant | undefined) =>
    setDraft((d) => {
      const variants = { ...d.variants };
      if (variant) variants[platform] = variant;
      else delete variants[platform];
      return { ...d, variants };
    });

  async function submit(mode: 'draft' | 'schedule') {
    if (!brand || busy) return;
    setBusy(mode);
    setGeneral([]);
    setAtError(undefined);
    const problems: string[] = [];
    const nextSaved = { ...saved };
    let scheduled = 0;
    let drafted = 0;
    for (const account of chosen) {
      const { text, thread } = contentFor(draft, account.platform);
      // Only platforms that take a title get one.
      const titled = rulesFor(account.platform).title ? { title: draft.title.trim() } : {};
      const label = `${PLATFORM_LABELS[account.platform]} (${account.handle})`;
      const existing = nextSaved[account.id];
      const post: Result<Post> = existing
        ? await call('posts.update', { id: existing, patch: { ...titled, text, thread, media: draft.media } })
        : await call('posts.create', { brandId: brand.id, platform: account.platform, accountId: account.id, ...titled, text, thread, media: draft.media });
      if (!post.ok) {
        problems.push(`${label}: ${describe(post.error)}`);
        continue;
      }
      nextSaved[account.id] = post.data.id;
      if (mode === 'draft') {
        drafted++;
        continue;
      }
      const result = await call('posts.schedule', { id: post.data.id, at, timeZone });
      if (result.ok) {
        scheduled++;
        continue;
      }
      const atIssue = result.error.issues?.find((i) => i.path[0] === 'at' || i.path[0] === 'timeZone');
      if (atIssue) setAtError(atIssue.message);
      else problems.push(`${label}: saved as a draft but not scheduled. ${describe(result.error)}`);
    }
    setSaved(nextSaved);
    setBusy(null);
    setGeneral(problems);
    if (problems.length > 0 || (mode === 'schedule' && scheduled < chosen.length)) return;
    const count = mode === 'draft' ? drafted : scheduled;
    const posts = count === 1 ? 'post' : 'posts';
    onDone(
      mode === 'draft'
        ? { notice: `Saved ${count} draft ${posts}.`, brandId: brand.id, timeZone }
        : { notice: `Scheduled ${count} ${posts} for ${at.replace('T', ' ')} (${timeZone}).`, brandId: brand.id, at, timeZone },
    );
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (scheduleBlockers.length === 0) void submit('schedule');
  }

  if (brands.length === 0) return null;

  const zoneName = `${timeZone} (${zoneAbbreviation(timeZone, new Date())})`;

  return (
    <form className="composer" aria-labelledby={`${uid}-title`} onSubmit={onSubmit} noValidate data-testid="composer">
      <div className="composer__head">
        <h2 id={`${uid}-title`} ref={headingRef} tabIndex={-1}>
          New post
        </h2>
        <button type="button" className="button button--quiet" onClick={onClose}>
          Close
        </button>
      </div>

      <div className="composer__grid">
        <div className="composer__form">
          <Field id={`${uid}-brand`} name="brand" label="Brand">
            {(p) => (
              <select {...p} value={brandId} onChange={(e) => changeBrand(e.target.value)}>
                {brands.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
            )}
          </Field>

          <fieldset className="composer__accounts">
            <legend>Post to</legend>
            {brandAccounts.length === 0 ? (
              <div className="callout callout--info" data-testid="composer-no-accounts">
                <p>{brand?.name ?? 'This brand'} has no connected accounts yet. Connect one (a sandbox account works without any network) to post.</p>
                <button type="button" className="button" onClick={onConnectAccount}>
                  Connect an account
                </button>
              </div>
            ) : (
              brandAccounts.map((account) => {
                const usable = account.status === 'connected';
                return (
                  <label key={account.id} className="choice composer__account">
                    <input
                      type="checkbox"
                      checked={selected.includes(account.id)}
                      disabled={!usable}
                      onChange={(e) => toggleAccount(account.id, e.target.checked)}
                    />
                    <span>
                      {PLATFORM_LABELS[account.platform]} · {account.handle}
                      {account.connection === 'sandbox' ? <span className="badge">Sandbox</span> : null}
                      {!usable ? (
                        <span className="muted">
                          {' '}
                          — {account.status === 'needs_reconnect' ? 'needs reconnecting' : 'disconnected'}
                          {account.statusReason ? `: ${account.statusReason}` : ''}
                        </span>
                      ) : null}
                    </span>
                  </label>
                );
              })
            )}
          </fieldset>

          {needsTitle(platforms) && (
            <Field id={`${uid}-post-title`} name="title" label="Title" hint="Reddit and YouTube show it above the post; other platforms ignore it.">
              {(p) => <input {...p} value={draft.title} onChange={(e) => setDraft((d) => ({ ...d, title: e.target.value }))} />}
            </Field>
          )}

          <Field
            id={`${uid}-text`}
            name="text"
            label="Text"
            hint="Shared by every platform unless you write a different text for one of them below."
          >
            {(p) => (
              <textarea {...p} rows={6} value={draft.text} onChange={(e) => setDraft((d) => ({ ...d, text: e.target.value }))} />
            )}
          </Field>

          <MediaList media={draft.media} onChange={(media) => setDraft((d) => ({ ...d, media }))} />

          <Field
            id={`${uid}-at`}
            name="at"
            label="Publish at"
            hint={`In ${brand?.name ?? 'the brand'}’s time zone: ${zoneName}.`}
            error={atError}
          >
            {(p) => (
              <input
                {...p}
                type="datetime-local"
                step={60}
                value={at}
                onChange={(e) => {
                  setAt(e.target.value);
                  setAtError(undefined);
                }}
              />
            )}
          </Field>
          <p className="field__hint">
            Now in {timeZone}: <span data-testid="composer-zone-now">{wallClockIn(new Date(), timeZone).replace('T', ' ')}</span>
          </p>

          {general.length > 0 ? (
            <div className="callout callout--error" role="alert" data-testid="composer-error">
              {general.map((line, i) => (
                <p key={i}>{line}</p>
              ))}
            </div>
          ) : null}

          <div className="form-actions">
            <button
              type="submit"
              className="button button--primary"
              disabled={scheduleBlockers.length > 0 || busy !== null}
              aria-describedby={scheduleBlockers.length > 0 ? `${uid}-blockers` : undefined}
            >
              {busy === 'schedule' ? 'Scheduling…' : 'Schedule'}
            </button>
            <button type="button" className="button" disabled={chosen.length === 0 || busy !== null} onClick={() => void submit('draft')}>
              {busy === 'draft' ? 'Saving…' : 'Save as draft'}
            </button>
            {scheduleBlockers.length > 0 ? (
              <p className="form-actions__info" id={`${uid}-blockers`} data-testid="schedule-blockers">
                {scheduleBlockers.join(' ')}
              </p>
            ) : null}
          </div>
        </div>

        <div className="composer__previews" aria-label="Previews">
          {checks.length === 0 ? (
            <p className="muted">Choose an account to see how the post looks there and whether it fits.</p>
          ) : (
            checks.map(({ platform }) => (
              <PlatformPreview
                key={platform}
                platform={platform}
                draft={draft}
                handles={chosen.filter((a) => a.platform === platform).map((a) => a.handle)}
                onVariant={(v) => setVariant(platform, v)}
              />
            ))
          )}
        </div>
      </div>
    </form>
  );
}

interface PreviewProps {
  platform: Platform;
  draft: ComposerDraft;
  handles: string[];
  onVariant(variant: Variant | undefined): void;
}

function PlatformPreview({ platform, draft, handles, onVariant }: PreviewProps) {
  const uid = useId();
  const label = PLATFORM_LABELS[platform];
  const variant = draft.variants[platform];
  const content = contentFor(draft, platform);
  const result = check(draft, platform);
  const parts = [content.text, ...content.thread];
  const measures = measureParts(draft, platform);
  const rules = rulesFor(platform);
  const tooLong = measures.some(isOver);
  const split = rules.threads && tooLong && content.thread.length === 0 ? proposeThread(platform, content.text) : null;

  const setPart = (index: number, value: string) => {
    const next = [...parts];
    next[index] = value;
    onVariant({ text: next[0] ?? '', thread: next.slice(1) });
  };

  return (
    <section
      className={`preview preview--${platform}`}
      aria-labelledby={`${uid}-title`}
      data-testid={`preview-${platform}`}
      data-ok={result.ok ? 'true' : 'false'}
    >
      <header className="preview__head">
        <h3 id={`${uid}-title`}>
          <span className={`platform-dot platform-dot--${platform}`} aria-hidden="true" />
          {label}
        </h3>
        <span className="muted">{handles.join(', ')}</span>
      </header>

      <label className="choice">
        <input
          type="checkbox"
          checked={variant !== undefined}
          onChange={(e) => onVariant(e.target.checked ? { text: draft.text, thread: [] } : undefined)}
        />
        Write a different text for {label}
      </label>

      {parts.map((part, i) => (
        <div key={i} className="preview__part">
          {variant ? (
            <Field
              id={`${uid}-part-${i}`}
              name={`${platform}-part-${i}`}
              label={parts.length > 1 ? `${label} part ${i + 1}` : `${label} text`}
            >
              {(p) => <textarea {...p} rows={4} value={part} onChange={(e) => setPart(i, e.target.value)} />}
            </Field>
          ) : (
            <p className="preview__text">{part === '' ? <span className="muted">Nothing written yet.</span> : part}</p>
          )}
          <p
            className={isOver(measures[i]!) ? 'counter counter--over' : 'counter'}
            data-testid={`counter-${platform}-${i}`}
            title={unitHint(platform)}
          >
            {parts.length > 1 ? `Part ${i + 1}: ` : ''}
            {counterText(measures[i]!)}
          </p>
          {variant && parts.length > 1 && i > 0 ? (
            <button
              type="button"
              className="button button--quiet"
              onClick={() => onVariant({ text: parts[0] ?? '', thread: parts.slice(1).filter((_, j) => j !== i - 1) })}
            >
              Remove part {i + 1}
            </button>
          ) : null}
        </div>
      ))}

      {split && 'parts' in split && split.parts.length > 1 ? (
        <button
          type="button"
          className="button"
          onClick={() => onVariant({ text: split.parts[0] ?? '', thread: split.parts.slice(1) })}
        >
          Split into a thread of {split.parts.length} posts
        </button>
      ) : null}
      {split && 'error' in split ? <p className="muted">{split.error}</p> : null}
      {variant && content.thread.length > 0 ? (
        <button type="button" className="button button--quiet" onClick={() => onVariant({ text: parts.join('\n\n'), thread: [] })}>
          Join back into one post
        </button>
      ) : null}

      {result.problems.length > 0 ? (
        <ul className="problems" data-testid={`problems-${platform}`}>
          {result.problems.map((problem, i) => (
            <li key={i} className={`problem problem--${problem.severity}`} data-code={problem.code}>
              <span className="problem__severity">{problem.severity === 'error' ? 'Must fix' : 'Note'}:</span> {problem.message}
            </li>
          ))}
        </ul>
      ) : (
        <p className="problems-ok">Fits {label}’s rules.</p>
      )}
      <p className="field__hint">{rules.media.summary}</p>
    </section>
  );
}

function MediaList({ media, onChange }: { media: MediaRef[]; onChange(media: MediaRef[]): void }) {
  const uid = useId();
  const [kind, setKind] = useState<MediaRef['kind']>('image');
  const [uri, setUri] = useState('');
  const [alt, setAlt] = useState('');
  const [error, setError] = useState<string | undefined>();

  function add() {
    const value = uri.trim();
    if (value === '') {
      setError('Enter a file in the media folder or an https:// address.');
      return;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^https:\/\//i.test(value)) {
      setError('Only https:// addresses or files in the media folder can be attached.');
      return;
    }
    onChange([...media, { kind, uri: value, alt: alt.trim() }]);
    setUri('');
    setAlt('');
    setError(undefined);
  }

  return (
    <fieldset className="composer__media">
      <legend>Media</legend>
      {media.length > 0 ? (
        <ul className="plain-list" data-testid="composer-media">
          {media.map((m, i) => (
            <li key={i} className="composer__media-item">
              <span>
                {m.kind}: <code>{m.uri}</code>
                {m.alt ? ` — ${m.alt}` : ' — no description'}
              </span>
              <button type="button" className="button button--quiet" onClick={() => onChange(media.filter((_, j) => j !== i))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No media. Platforms that need an image or a video say so in their preview.</p>
      )}
      <div className="inline-form">
        <Field id={`${uid}-kind`} name="mediaKind" label="Kind">
          {(p) => (
            <select {...p} value={kind} onChange={(e) => setKind(e.target.value as MediaRef['kind'])}>
              {MEDIA_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${uid}-uri`} name="mediaUri" label="File or address" error={error}>
          {(p) => (
            <input
              {...p}
              type="text"
              value={uri}
              spellCheck={false}
              onChange={(e) => {
                setUri(e.target.value);
                setError(undefined);
              }}
            />
          )}
        </Field>
        <Field id={`${uid}-alt`} name="mediaAlt" label="Description (alt text)">
          {(p) => <input {...p} type="text" value={alt} onChange={(e) => setAlt(e.target.value)} />}
        </Field>
        <button type="button" className="button" onClick={add}>
          Add media
        </button>
      </div>
    </fieldset>
  );
}
