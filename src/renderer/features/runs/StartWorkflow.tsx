import { useId, useState, type FormEvent } from 'react';
import type { ContractError } from '../../../shared/contract/errors';
import type { WorkflowId } from '../../../shared/contract/schemas/workflows';
import { Field } from '../../components/Field';
import { splitErrors, type FieldErrors } from '../../lib/fieldErrors';
import { useBrandStore } from '../brand/brandStore';
import { useRunsStore, type WorkflowSummary } from './runsStore';

const START_FIELDS = ['brandId', 'workflowId', 'parts', 'topic', 'goal', 'days'] as const;
type StartField = (typeof START_FIELDS)[number];

interface Extras {
  parts: string;
  topic: string;
  goal: string;
  days: string;
}

const NO_EXTRAS: Extras = { parts: '', topic: '', goal: '', days: '' };

/** The workflow's own options, each sent only when filled; the engine checks them against the workflow's schema. */
function buildInput(workflowId: WorkflowId, extras: Extras): { input: Record<string, unknown>; errors: FieldErrors<StartField> } {
  const input: Record<string, unknown> = {};
  const errors: FieldErrors<StartField> = {};
  const whole = (field: 'parts' | 'days') => {
    const raw = extras[field].trim();
    if (raw === '') return;
    const value = Number(raw);
    if (!Number.isInteger(value)) errors[field] = 'Enter a whole number.';
    else input[field] = value;
  };
  const words = (field: 'topic' | 'goal') => {
    const value = extras[field].trim();
    if (value !== '') input[field] = value;
  };
  if (workflowId === 'content-series') {
    whole('parts');
    words('topic');
  } else if (workflowId === 'campaign') {
    words('goal');
    whole('days');
  }
  return { input, errors };
}

/** Issues about the workflow's input name the option under `input` (["input", "parts"]). */
function startErrors(error: ContractError) {
  const issues = error.issues?.map((issue) => (issue.path[0] === 'input' ? { ...issue, path: issue.path.slice(1) } : issue));
  return splitErrors({ ...error, ...(issues ? { issues } : {}) }, START_FIELDS);
}

export function StartWorkflow({ workflows }: { workflows: WorkflowSummary[] }) {
  const uid = useId();
  const brands = useBrandStore((s) => s.brands);
  const brandStatus = useBrandStore((s) => s.loadStatus);
  const start = useRunsStore((s) => s.start);
  const [chosenBrandId, setBrandId] = useState('');
  const [chosenWorkflowId, setWorkflowId] = useState<WorkflowId | ''>('');
  const [extras, setExtras] = useState<Extras>(NO_EXTRAS);
  const [errors, setErrors] = useState<FieldErrors<StartField>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  // Until the person picks, the first of each list is the choice.
  const brandId = chosenBrandId !== '' && brands.some((b) => b.id === chosenBrandId) ? chosenBrandId : (brands[0]?.id ?? '');
  const workflowId = chosenWorkflowId !== '' ? chosenWorkflowId : (workflows[0]?.id ?? '');
  const workflow = workflows.find((w) => w.id === workflowId);

  const setExtra = (field: keyof Extras) => (event: { target: { value: string } }) => {
    const value = event.target.value;
    setExtras((e) => ({ ...e, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (starting || brandId === '' || workflowId === '') return;
    setGeneral(null);
    const built = buildInput(workflowId, extras);
    if (Object.keys(built.errors).length > 0) {
      setErrors(built.errors);
      return;
    }
    setStarting(true);
    const result = await start({ workflowId, brandId, input: built.input, trigger: 'ui' });
    setStarting(false);
    if (!result.ok) {
      const split = startErrors(result.error);
      setErrors(split.fields);
      setGeneral(split.general);
      return;
    }
    setErrors({});
    setExtras(NO_EXTRAS);
  }

  if (brandStatus === 'ready' && brands.length === 0) {
    return (
      <section className="card" data-testid="start-workflow-form">
        <h2>Start a workflow</h2>
        <p className="muted">Create a brand first: every workflow works for one brand.</p>
      </section>
    );
  }

  return (
    <form className="card run-form" aria-labelledby={`${uid}-title`} onSubmit={submit} noValidate data-testid="start-workflow-form">
      <h2 id={`${uid}-title`}>Start a workflow</h2>
      {general ? (
        <p className="callout callout--error" role="alert" data-testid="start-error">
          {general}
        </p>
      ) : null}
      <div className="run-form__row">
        <Field id={`${uid}-brand`} name="brandId" label="Brand" error={errors.brandId}>
          {(p) => (
            <select {...p} value={brandId} onChange={(e) => setBrandId(e.target.value)} data-testid="brand-select">
              {brands.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${uid}-workflow`} name="workflowId" label="Workflow" error={errors.workflowId}>
          {(p) => (
            <select
              {...p}
              value={workflowId}
              onChange={(e) => {
                setWorkflowId(e.target.value as WorkflowId);
                setErrors({});
              }}
              data-testid="workflow-select"
            >
              {workflows.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.title}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {workflow ? <p className="field__hint">{workflow.description}</p> : null}

      {workflowId === 'content-series' ? (
        <div className="run-form__row">
          <Field id={`${uid}-parts`} name="parts" label="Parts" hint="Optional: how many posts in the series." error={errors.parts}>
            {(p) => <input {...p} type="number" min={1} step={1} value={extras.parts} onChange={setExtra('parts')} data-testid="input-parts" />}
          </Field>
          <Field id={`${uid}-topic`} name="topic" label="Topic" hint="Optional: what the series is about." error={errors.topic}>
            {(p) => <input {...p} type="text" value={extras.topic} onChange={setExtra('topic')} data-testid="input-topic" />}
          </Field>
        </div>
      ) : workflowId === 'campaign' ? (
        <div className="run-form__row">
          <Field id={`${uid}-goal`} name="goal" label="Goal" hint="Optional: what the campaign should achieve." error={errors.goal}>
            {(p) => <input {...p} type="text" value={extras.goal} onChange={setExtra('goal')} data-testid="input-goal" />}
          </Field>
          <Field id={`${uid}-days`} name="days" label="Days" hint="Optional: how many days it runs." error={errors.days}>
            {(p) => <input {...p} type="number" min={1} step={1} value={extras.days} onChange={setExtra('days')} data-testid="input-days" />}
          </Field>
        </div>
      ) : null}

      <div className="form-actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={starting || brandId === '' || workflowId === ''}
          data-testid="start-workflow"
        >
          {starting ? 'Starting…' : 'Start'}
        </button>
      </div>
    </form>
  );
}
