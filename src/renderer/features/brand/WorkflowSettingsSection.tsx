import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ContractError, Result } from '../../../shared/contract/errors';
import type { WorkflowSettings } from '../../../shared/contract/schemas/workflows';
import { Field } from '../../components/Field';
import { call } from '../../lib/api';
import { splitErrors, type FieldErrors } from '../../lib/fieldErrors';
import '../../styles/workflows.css';

const SETTINGS_FIELDS = ['mode', 'minVoiceScore', 'timeoutHours', 'onTimeout', 'cron', 'enabled'] as const;
type SettingsField = (typeof SETTINGS_FIELDS)[number];

export const SUGGESTED_CRON = '0 7 * * *';
const DAILY = 'daily-content';

interface SettingsDraft {
  mode: WorkflowSettings['approval']['mode'];
  minVoiceScore: string;
  timeoutHours: string;
  onTimeout: WorkflowSettings['approval']['onTimeout'];
  dailyEnabled: boolean;
  dailyCron: string;
}

function toDraft(settings: WorkflowSettings): SettingsDraft {
  const daily = settings.schedules.find((s) => s.workflowId === DAILY);
  return {
    mode: settings.approval.mode,
    minVoiceScore: String(settings.approval.minVoiceScore),
    timeoutHours: settings.approval.timeoutHours === null ? '' : String(settings.approval.timeoutHours),
    onTimeout: settings.approval.onTimeout,
    dailyEnabled: daily?.enabled ?? false,
    dailyCron: daily?.cron ?? SUGGESTED_CRON,
  };
}

/**
 * Issues name nested fields (["approval", "minVoiceScore"], ["schedules", 0, "cron"]);
 * the last name in the path is the field beside which the message goes.
 */
function settingsErrors(error: ContractError) {
  const issues = error.issues?.map((issue) => {
    const names = issue.path.filter((part): part is string => typeof part === 'string');
    const field = names.at(-1);
    return field && (SETTINGS_FIELDS as readonly string[]).includes(field) ? { ...issue, path: [field] } : issue;
  });
  return splitErrors({ ...error, ...(issues ? { issues } : {}) }, SETTINGS_FIELDS);
}

type Loaded = { status: 'loading' } | { status: 'ready'; settings: WorkflowSettings } | { status: 'failed'; message: string };

// `call` answers failures as results; a throw is a bug, and must not leave the section loading for ever.
async function safely<T>(request: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await request();
  } catch (error) {
    return { ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
  }
}

/** A brand's approval policy and daily-content schedule. Keyed by brand: a new brand starts fresh. */
export function WorkflowSettingsSection({ brandId }: { brandId: string }) {
  const uid = useId();
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [errors, setErrors] = useState<FieldErrors<SettingsField>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    void safely(() => call('workflows.settings', { brandId })).then((result) => {
      if (!current) return;
      if (!result.ok) {
        setLoaded({ status: 'failed', message: result.error.message });
        return;
      }
      setLoaded({ status: 'ready', settings: result.data });
      setDraft(toDraft(result.data));
    });
    return () => {
      current = false;
    };
  }, [brandId, attempt]);

  function change<K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K], field: SettingsField) {
    setDraft((d) => (d ? { ...d, [key]: value } : d));
    setErrors((e) => (e[field] === undefined ? e : { ...e, [field]: undefined }));
    setInfo(null);
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!draft || loaded.status !== 'ready' || saving) return;
    setGeneral(null);
    setInfo(null);

    const local: FieldErrors<SettingsField> = {};
    const score = Number(draft.minVoiceScore.trim());
    if (draft.minVoiceScore.trim() === '' || !Number.isFinite(score)) local.minVoiceScore = 'Enter a score from 0 to 100.';
    const hours = draft.timeoutHours.trim() === '' ? null : Number(draft.timeoutHours.trim());
    if (hours !== null && !Number.isFinite(hours)) local.timeoutHours = 'Enter a number of hours, or leave it empty to wait for ever.';
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }

    // Other workflows' schedules go back as they were; only daily content is edited here.
    const others = loaded.settings.schedules.filter((s) => s.workflowId !== DAILY);
    const hadDaily = loaded.settings.schedules.some((s) => s.workflowId === DAILY);
    const daily = hadDaily || draft.dailyEnabled ? [{ workflowId: DAILY, cron: draft.dailyCron.trim(), enabled: draft.dailyEnabled } as const] : [];

    setSaving(true);
    const result = await safely(() =>
      call('workflows.updateSettings', {
        brandId,
        approval: { mode: draft.mode, minVoiceScore: score, timeoutHours: hours, onTimeout: draft.onTimeout },
        schedules: [...others, ...daily],
      }),
    );
    setSaving(false);
    if (!result.ok) {
      const split = settingsErrors(result.error);
      setErrors(split.fields);
      setGeneral(split.general);
      return;
    }
    setErrors({});
    setLoaded({ status: 'ready', settings: result.data });
    setDraft(toDraft(result.data));
    setInfo('Saved the approval and automation settings.');
  }

  const id = (field: string) => `${uid}-${field}`;

  return (
    <section className="workflow-settings" aria-labelledby={id('title')} data-testid="workflow-settings">
      <h3 id={id('title')}>Approvals and automation</h3>
      {loaded.status === 'failed' ? (
        <div className="callout callout--error" data-testid="workflow-settings-load-error">
          <p>The approval settings could not be loaded: {loaded.message}</p>
          <button type="button" className="button" onClick={() => {
              setLoaded({ status: 'loading' });
              setAttempt((n) => n + 1);
            }}>
            Load the settings again
          </button>
        </div>
      ) : loaded.status === 'loading' || !draft ? (
        <p className="muted">Loading the approval settings…</p>
      ) : (
        <form className="workflow-settings__form" onSubmit={submit} noValidate aria-labelledby={id('title')}>
          {general ? (
            <p className="callout callout--error" role="alert" data-testid="workflow-settings-error">
              {general}
            </p>
          ) : null}

          <fieldset className="choice-group" data-field="mode">
            <legend>Which drafts wait for a person</legend>
            <label className="choice">
              <input type="radio" name={id('mode')} checked={draft.mode === 'all'} onChange={() => change('mode', 'all', 'mode')} />
              Every draft
            </label>
            <label className="choice">
              <input type="radio" name={id('mode')} checked={draft.mode === 'flagged'} onChange={() => change('mode', 'flagged', 'mode')} />
              Only flagged drafts (a rule problem, or a voice score under the minimum); the rest are approved on their own
            </label>
            {errors.mode ? <p className="field__error">{errors.mode}</p> : null}
          </fieldset>

          <div className="workflow-settings__row">
            <Field id={id('minVoiceScore')} name="minVoiceScore" label="Minimum voice score" hint="0 to 100." error={errors.minVoiceScore}>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={0}
                  max={100}
                  step={1}
                  value={draft.minVoiceScore}
                  onChange={(e) => change('minVoiceScore', e.target.value, 'minVoiceScore')}
                />
              )}
            </Field>
            <Field
              id={id('timeoutHours')}
              name="timeoutHours"
              label="Decide within (hours)"
              hint="Empty: a draft waits for ever."
              error={errors.timeoutHours}
            >
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={1}
                  step={1}
                  value={draft.timeoutHours}
                  onChange={(e) => change('timeoutHours', e.target.value, 'timeoutHours')}
                />
              )}
            </Field>
            <Field id={id('onTimeout')} name="onTimeout" label="When the time runs out" error={errors.onTimeout}>
              {(p) => (
                <select
                  {...p}
                  value={draft.onTimeout}
                  onChange={(e) => change('onTimeout', e.target.value as SettingsDraft['onTimeout'], 'onTimeout')}
                >
                  <option value="reject">Reject the draft (it stays a draft)</option>
                  <option value="fail">Fail the run</option>
                </select>
              )}
            </Field>
          </div>

          <fieldset className="choice-group">
            <legend>Daily content</legend>
            <label className="choice">
              <input
                type="checkbox"
                checked={draft.dailyEnabled}
                onChange={(e) => change('dailyEnabled', e.target.checked, 'enabled')}
                data-testid="daily-enabled"
              />
              Run the daily-content workflow on a schedule
            </label>
            <Field
              id={id('cron')}
              name="cron"
              label="Schedule (cron)"
              hint={`Five fields, in the brand’s time zone. “${SUGGESTED_CRON}” is every day at 07:00.`}
              error={errors.cron}
            >
              {(p) => (
                <input
                  {...p}
                  type="text"
                  spellCheck={false}
                  value={draft.dailyCron}
                  onChange={(e) => change('dailyCron', e.target.value, 'cron')}
                  data-testid="daily-cron"
                />
              )}
            </Field>
          </fieldset>

          <div className="form-actions">
            <button type="submit" className="button button--primary" disabled={saving} data-testid="save-workflow-settings">
              {saving ? 'Saving…' : 'Save approval settings'}
            </button>
            {info ? (
              <p className="form-actions__info" role="status">
                {info}
              </p>
            ) : null}
          </div>
        </form>
      )}
    </section>
  );
}
