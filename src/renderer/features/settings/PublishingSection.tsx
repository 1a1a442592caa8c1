import { useEffect, useId, useState } from 'react';
import type { ScheduleStatus } from '../../../shared/contract/schemas/posts';
import { call, subscribe } from '../../lib/api';
import { useSettingsStore } from './settingsStore';

type Loadable<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; message: string };

/**
 * The one "Pause publishing" switch. It goes through schedule.pause/resume (not a
 * plain settings update) so the scheduler wakes on resume and every window hears
 * schedule.changed; settings.publishingPaused follows.
 */
export function PublishingSection() {
  const uid = useId();
  const receive = useSettingsStore((s) => s.receive);
  const settings = useSettingsStore((s) => s.settings);
  const [schedule, setSchedule] = useState<Loadable<ScheduleStatus>>({ status: 'loading' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The engine reads settings.publishingPaused; the tray changes it through settings, without
  // schedule.changed, so the counts are asked for again whenever it flips.
  const settingsPaused = settings.status === 'ready' ? settings.data.publishingPaused : null;
  const shownPaused = settingsPaused ?? (schedule.status === 'ready' && schedule.data.paused);

  useEffect(() => {
    let live = true;
    void call('schedule.status', {}).then((result) => {
      if (live) setSchedule(result.ok ? { status: 'ready', data: result.data } : { status: 'failed', message: result.error.message });
    });
    const off = subscribe('schedule.changed', (data) => setSchedule({ status: 'ready', data }));
    return () => {
      live = false;
      off();
    };
  }, [settingsPaused]);

  async function toggle(next: boolean) {
    setBusy(true);
    setError(null);
    const result = await call(next ? 'schedule.pause' : 'schedule.resume', {});
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setSchedule({ status: 'ready', data: result.data });
    if (settings.status === 'ready') receive({ ...settings.data, publishingPaused: result.data.paused });
  }

  return (
    <section className="card" aria-labelledby={`${uid}-title`} data-testid="publishing-section">
      <h2 id={`${uid}-title`}>Publishing</h2>
      <label className="choice">
        <input
          type="checkbox"
          role="switch"
          checked={shownPaused}
          disabled={busy}
          aria-describedby={`${uid}-hint`}
          onChange={(event) => void toggle(event.target.checked)}
        />
        Pause publishing
      </label>
      <p className="field__hint" id={`${uid}-hint`}>
        While paused, nothing is posted; scheduled posts keep their place and go out when you resume (those that came due
        meanwhile go out at once).
      </p>
      {error ? (
        <p className="callout callout--error" role="alert">
          {error}
        </p>
      ) : null}
      {schedule.status === 'ready' ? (
        <p className="schedule-facts" data-testid="schedule-status">
          {schedule.data.queued === 0 ? 'No posts waiting' : `${schedule.data.queued} ${schedule.data.queued === 1 ? 'post' : 'posts'} waiting`}
          {schedule.data.publishing > 0 ? `, ${schedule.data.publishing} publishing now` : ''}
          {schedule.data.nextDueAt ? `; the next is due ${new Date(schedule.data.nextDueAt).toLocaleString()} (this computer’s time).` : '.'}
        </p>
      ) : schedule.status === 'failed' ? (
        <p className="callout callout--error">{schedule.message}</p>
      ) : null}
    </section>
  );
}
