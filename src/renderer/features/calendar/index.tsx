import { useEffect, useId } from 'react';
import { PLATFORM_LABELS } from '../../../shared/platforms';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { subscribe } from '../../lib/api';
import { useNavigation } from '../../lib/navigationStore';
import { useBrandStore } from '../brand/brandStore';
import { Composer, type ComposerDone } from '../composer/Composer';
import { useAccountsStore } from '../settings/accountsStore';
import { useSettingsStore } from '../settings/settingsStore';
import { useCalendarStore } from './calendarStore';
import { PostCalendar } from './PostCalendar';
import { PostPanel } from './PostPanel';
import { STATUS_LABELS } from './postText';
import { fromZonedFace, wallClockIn, zoneAbbreviation } from './zonedTime';

const REFRESH_DELAY_MS = 150;

export function CalendarPage() {
  const uid = useId();
  const go = useNavigation((s) => s.go);
  const brands = useBrandStore((s) => s.brands);
  const brandsStatus = useBrandStore((s) => s.loadStatus);
  const brandsError = useBrandStore((s) => s.loadError);
  const loadBrands = useBrandStore((s) => s.load);
  const accounts = useAccountsStore((s) => s.accounts);
  const loadAccounts = useAccountsStore((s) => s.load);
  const settings = useSettingsStore((s) => s.settings);

  const brandId = useCalendarStore((s) => s.brandId);
  const view = useCalendarStore((s) => s.view);
  const date = useCalendarStore((s) => s.date);
  const posts = useCalendarStore((s) => s.posts);
  const unscheduled = useCalendarStore((s) => s.unscheduled);
  const selectedId = useCalendarStore((s) => s.selectedId);
  const refusal = useCalendarStore((s) => s.refusal);
  const notice = useCalendarStore((s) => s.notice);
  const composing = useCalendarStore((s) => s.composing);
  const setBrand = useCalendarStore((s) => s.setBrand);
  const load = useCalendarStore((s) => s.load);
  const refresh = useCalendarStore((s) => s.refresh);
  const published = useCalendarStore((s) => s.published);
  const select = useCalendarStore((s) => s.select);
  const setComposing = useCalendarStore((s) => s.setComposing);
  const setDate = useCalendarStore((s) => s.setDate);
  const dismiss = useCalendarStore((s) => s.dismiss);

  const brand = brands.find((b) => b.id === brandId);
  const timeZone = brand?.timezone ?? null;

  useEffect(() => {
    void loadBrands();
    void loadAccounts();
    const offBrands = subscribe('brands.changed', () => void loadBrands());
    const offAccounts = subscribe('accounts.changed', () => void loadAccounts());
    return () => {
      offBrands();
      offAccounts();
    };
  }, [loadBrands, loadAccounts]);

  // The first brand until the person picks another; a deleted brand lets go.
  useEffect(() => {
    if (brandsStatus !== 'ready') return;
    if (!brandId || !brands.some((b) => b.id === brandId)) setBrand(brands[0]?.id ?? null);
  }, [brands, brandsStatus, brandId, setBrand]);

  useEffect(() => {
    if (timeZone) void load(timeZone);
  }, [load, timeZone, brandId, view, date]);

  useEffect(() => {
    // Several changes often arrive together (a schedule, then a publish): one reload.
    let timer: ReturnType<typeof setTimeout> | null = null;
    const later = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void refresh(), REFRESH_DELAY_MS);
    };
    const offChanged = subscribe('posts.changed', later);
    const offResult = subscribe('publish.result', (result) => published(result));
    return () => {
      if (timer) clearTimeout(timer);
      offChanged();
      offResult();
    };
  }, [refresh, published]);

  function composed(done: ComposerDone) {
    setComposing(false);
    if (done.brandId !== brandId) setBrand(done.brandId);
    // Show the period the new post is in.
    if (done.at) setDate(new Date(`${done.at}:00`));
    useCalendarStore.setState({ notice: done.notice });
    void refresh();
  }

  const paused = settings.status === 'ready' && settings.data.publishingPaused;
  const brandAccounts = accounts.filter((a) => a.brandId === brandId);

  const header = (
    <PageHeader
      title="Calendar"
      description="What goes out, when, for each brand — in the brand’s own time zone."
      actions={
        brands.length > 0 ? (
          <button type="button" className="button button--primary" onClick={() => setComposing(true)} disabled={composing}>
            New post
          </button>
        ) : undefined
      }
    />
  );

  if (brandsStatus === 'failed') {
    return (
      <div className="page page--wide">
        {header}
        <div className="callout callout--error" role="alert">
          <p>The brands could not be loaded: {brandsError}</p>
          <button type="button" className="button" onClick={() => void loadBrands()}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  if (brandsStatus !== 'ready') {
    return (
      <div className="page page--wide">
        {header}
        <p className="muted">Loading…</p>
      </div>
    );
  }
  if (brands.length === 0) {
    return (
      <div className="page page--wide">
        {header}
        <EmptyState
          title="No brand yet"
          testId="calendar-empty"
          action={
            <button type="button" className="button" onClick={() => go('brand')}>
              Create a brand
            </button>
          }
        >
          <p>The calendar shows one brand’s posts at a time, in that brand’s time zone. Create a brand to start.</p>
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="page page--wide">
      {header}

      <div className="calendar-bar">
        <div className="calendar-bar__brand">
          <label htmlFor={`${uid}-brand`} className="field__label">
            Brand
          </label>
          <select id={`${uid}-brand`} value={brandId ?? ''} onChange={(e) => setBrand(e.target.value)} data-testid="calendar-brand">
            {brands.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </div>
        {timeZone ? (
          <p className="calendar-bar__zone" data-testid="calendar-zone">
            Times in <strong>{timeZone}</strong> ({zoneAbbreviation(timeZone, fromZonedFace(date, timeZone))}) · now {wallClockIn(new Date(), timeZone).slice(11)}
          </p>
        ) : null}
        <ul className="legend" aria-label="Status markers">
          {(['draft', 'in_review', 'approved', 'scheduled', 'publishing', 'published', 'failed'] as const).map((status) => (
            <li key={status}>
              <span className={`status-mark status-mark--${status}`} aria-hidden="true" />
              {STATUS_LABELS[status]}
            </li>
          ))}
        </ul>
      </div>

      {paused ? (
        <div className="callout callout--warning" role="status" data-testid="calendar-paused">
          <p>Publishing is paused: scheduled posts wait and go out when it is resumed.</p>
          <button type="button" className="button" onClick={() => go('settings')}>
            Open Settings
          </button>
        </div>
      ) : null}

      <p className="status-line" role="status" data-testid="calendar-notice">
        {notice ?? ''}
      </p>
      {refusal ? (
        <div className="callout callout--error" role="alert" data-testid="calendar-refusal">
          <p>The post was not moved. {refusal.message}</p>
          <button type="button" className="button button--quiet" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      ) : null}

      {composing ? (
        <Composer
          brands={brands}
          accounts={accounts}
          initialBrandId={brandId}
          onClose={() => setComposing(false)}
          onDone={composed}
          onConnectAccount={() => go('settings')}
        />
      ) : null}

      {brandAccounts.length === 0 && !composing ? (
        <div className="callout callout--info" data-testid="calendar-no-accounts">
          <p>{brand?.name} has no connected account yet, so nothing can be scheduled. A sandbox account lets you try the whole flow without a network.</p>
          <button type="button" className="button" onClick={() => go('settings')}>
            Connect an account
          </button>
        </div>
      ) : null}

      <div className={selectedId ? 'calendar-layout calendar-layout--panel' : 'calendar-layout'}>
        <div className="calendar-layout__main">
          {posts.status === 'failed' ? (
            <div className="callout callout--error" role="alert">
              <p>The posts could not be loaded: {posts.message}</p>
              <button type="button" className="button" onClick={() => timeZone && void load(timeZone)}>
                Try again
              </button>
            </div>
          ) : null}
          {timeZone ? <PostCalendar posts={posts.status === 'ready' ? posts.data : []} timeZone={timeZone} /> : null}
          {posts.status === 'ready' && posts.data.length === 0 ? (
            <p className="muted calendar-empty-note" data-testid="calendar-period-empty">
              No posts in this {view}. Use “New post” to write one.
            </p>
          ) : null}
        </div>
        {selectedId && timeZone ? (
          <aside className="calendar-layout__panel" aria-label="Selected post">
            <PostPanel timeZone={timeZone} accounts={accounts} />
          </aside>
        ) : null}
      </div>

      <section className="card unscheduled" aria-labelledby={`${uid}-unscheduled`}>
        <h2 id={`${uid}-unscheduled`}>Not scheduled</h2>
        {unscheduled.length === 0 ? (
          <p className="muted">No drafts waiting for a time.</p>
        ) : (
          <ul className="item-list" data-testid="unscheduled-list">
            {unscheduled.map((post) => (
              <li key={post.id}>
                <button
                  type="button"
                  className="item-list__button"
                  aria-current={selectedId === post.id ? 'true' : undefined}
                  onClick={() => select(post.id)}
                >
                  <span className="item-list__title">
                    <span className={`platform-dot platform-dot--${post.platform}`} aria-hidden="true" />
                    {PLATFORM_LABELS[post.platform]} · {STATUS_LABELS[post.status]}
                  </span>
                  <span className="item-list__meta">{post.text.slice(0, 140) || '(no text)'}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
