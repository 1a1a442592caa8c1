import { memo, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Brand } from '../../../shared/contract/schemas/brands';
import { localTimeZone } from '../../../shared/timezone';
import { Field } from '../../components/Field';
import { splitErrors, type FieldErrors } from '../../lib/fieldErrors';
import { timeZoneOptions } from '../../lib/timeZones';
import {
  BRAND_FIELDS,
  editedFields,
  emptyDraft,
  toCreateInput,
  toDraft,
  toPatch,
  type BrandDraft,
  type BrandField,
} from './brandDraft';
import { useBrandStore } from './brandStore';

interface BrandFormProps {
  /** The brand to edit; absent to create one. */
  brand?: Brand;
}

const LIST_HINT = 'One per line, or separated by commas.';

// Several hundred options: memoized so typing in the form does not re-render them.
const TimeZoneList = memo(function TimeZoneList({ id }: { id: string }) {
  return (
    <datalist id={id}>
      {timeZoneOptions().map((zone) => (
        <option key={zone} value={zone} />
      ))}
    </datalist>
  );
});

export function BrandForm({ brand }: BrandFormProps) {
  const create = useBrandStore((s) => s.create);
  const update = useBrandStore((s) => s.update);
  const uid = useId();
  const formRef = useRef<HTMLFormElement>(null);

  // The brand as it was when editing started (or was last saved); the patch
  // holds only fields the person changed since then.
  const [baseline, setBaseline] = useState<Brand | undefined>(brand);
  const [draft, setDraft] = useState<BrandDraft>(() => (brand ? toDraft(brand) : emptyDraft(localTimeZone())));
  const [errors, setErrors] = useState<FieldErrors<BrandField>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [focusErrors, setFocusErrors] = useState(0);

  const baselineDraft = baseline ? toDraft(baseline) : null;
  const edited = baselineDraft ? editedFields(draft, baselineDraft) : [];

  // Someone else (another window, the CLI) saved this brand meanwhile.
  let changedElsewhere = false;
  if (brand && baseline && brand.updatedAt !== baseline.updatedAt && !saving) {
    if (edited.length === 0) {
      setBaseline(brand);
      setDraft(toDraft(brand));
    } else {
      changedElsewhere = true;
    }
  }

  useEffect(() => {
    if (focusErrors === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusErrors]);

  const change = (field: BrandField) => (event: { target: { value: string } }) => {
    const next = event.target.value;
    setDraft((d) => ({ ...d, [field]: next }));
    setErrors((e) => (e[field] === undefined ? e : { ...e, [field]: undefined }));
    setInfo(null);
  };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (saving) return;
    setGeneral(null);
    setInfo(null);
    if (brand && edited.length === 0) {
      setInfo('Nothing to save: no field has changed.');
      return;
    }
    setSaving(true);
    const result = brand ? await update(brand.id, toPatch(draft, edited)) : await create(toCreateInput(draft));
    setSaving(false);
    if (!result.ok) {
      const split = splitErrors(result.error, BRAND_FIELDS);
      setErrors(split.fields);
      setGeneral(split.general);
      setFocusErrors((n) => n + 1);
      return;
    }
    setErrors({});
    if (brand) {
      setBaseline(result.data);
      setDraft(toDraft(result.data));
    }
  }

  const id = (field: BrandField) => `${uid}-${field}`;
  const zonesId = `${uid}-zones`;
  const title = brand ? `Edit ${brand.name}` : 'New brand';

  return (
    <form
      ref={formRef}
      className="brand-form"
      aria-labelledby={`${uid}-title`}
      onSubmit={submit}
      noValidate
      data-testid="brand-form"
    >
      <h2 id={`${uid}-title`}>{title}</h2>
      <p className="form-note">Only the name is required. Agents read every other field when they plan and draft.</p>

      {changedElsewhere ? (
        <p className="callout callout--info" role="status">
          This brand was changed somewhere else while you were editing. Saving changes only the fields you edited.
        </p>
      ) : null}

      {general ? (
        <div className="callout callout--error" role="alert" data-testid="form-error">
          {general}
        </div>
      ) : null}

      <fieldset className="form-section">
        <legend>Identity</legend>
        <Field id={id('name')} name="name" label="Name" error={errors.name}>
          {(p) => <input {...p} type="text" autoComplete="off" value={draft.name} onChange={change('name')} aria-required="true" />}
        </Field>
        <Field
          id={id('description')}
          name="description"
          label="Description"
          hint="What the brand does, in a few sentences."
          error={errors.description}
        >
          {(p) => <textarea {...p} rows={3} value={draft.description} onChange={change('description')} />}
        </Field>
        <Field
          id={id('timezone')}
          name="timezone"
          label="Time zone"
          hint="An IANA zone such as Europe/Paris. Posting times are planned in this zone."
          error={errors.timezone}
        >
          {(p) => (
            <>
              <input {...p} type="text" list={zonesId} autoComplete="off" spellCheck={false} value={draft.timezone} onChange={change('timezone')} />
              <TimeZoneList id={zonesId} />
            </>
          )}
        </Field>
      </fieldset>

      <fieldset className="form-section">
        <legend>Voice</legend>
        <Field
          id={id('voice')}
          name="voice"
          label="Voice and tone"
          hint="How the brand sounds: e.g. warm, plain-spoken, a little dry."
          error={errors.voice}
        >
          {(p) => <textarea {...p} rows={3} value={draft.voice} onChange={change('voice')} />}
        </Field>
        <Field id={id('audience')} name="audience" label="Audience" hint="Who the posts are for." error={errors.audience}>
          {(p) => <textarea {...p} rows={2} value={draft.audience} onChange={change('audience')} />}
        </Field>
      </fieldset>

      <fieldset className="form-section">
        <legend>Guidelines</legend>
        <Field id={id('contentPillars')} name="contentPillars" label="Content pillars" hint={LIST_HINT} error={errors.contentPillars}>
          {(p) => <textarea {...p} rows={4} value={draft.contentPillars} onChange={change('contentPillars')} />}
        </Field>
        <Field
          id={id('bannedWords')}
          name="bannedWords"
          label="Banned words"
          hint={`Words and phrases drafts must never use. ${LIST_HINT}`}
          error={errors.bannedWords}
        >
          {(p) => <textarea {...p} rows={2} value={draft.bannedWords} onChange={change('bannedWords')} />}
        </Field>
        <Field
          id={id('defaultHashtags')}
          name="defaultHashtags"
          label="Default hashtags"
          hint={`Letters, digits and underscores; the # is optional. ${LIST_HINT}`}
          error={errors.defaultHashtags}
        >
          {(p) => <textarea {...p} rows={2} value={draft.defaultHashtags} onChange={change('defaultHashtags')} />}
        </Field>
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={saving} aria-busy={saving}>
          {saving ? 'Saving…' : brand ? 'Save changes' : 'Create brand'}
        </button>
        {info ? (
          <p className="form-actions__info" role="status">
            {info}
          </p>
        ) : null}
      </div>
    </form>
  );
}
