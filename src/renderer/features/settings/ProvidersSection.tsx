import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ProviderName, ProviderStatus } from '../../../shared/contract/schemas/models';
import type { Settings, SettingsPatch } from '../../../shared/contract/schemas/settings';
import { Field } from '../../components/Field';
import { splitErrors } from '../../lib/fieldErrors';
import '../../styles/status.css';
import '../../styles/providers.css';
import { OPENAI_KEY, useProvidersStore, type ProviderTest } from './providersStore';
import { useSettingsStore } from './settingsStore';

export const PROVIDER_LABELS: Record<ProviderName, string> = {
  ollama: 'Ollama',
  openai: 'OpenAI-compatible',
  offline: 'Offline drafter',
};

const ALL_PROVIDERS: ProviderName[] = ['ollama', 'openai', 'offline'];

/** Which model providers Chorus can reach, how to reach them, and in what order to try them. */
export function ProvidersSection({ settings }: { settings: Settings }) {
  const load = useProvidersStore((s) => s.load);
  const uid = useId();
  const orderKey = settings.modelFallbackOrder.join(',');

  useEffect(() => {
    // Any change to where or what the providers are (here, the tray, another
    // window) changes what they can do: ask again.
    void load();
  }, [load, settings.ollamaUrl, settings.ollamaModel, settings.openaiBaseUrl, settings.openaiModel, orderKey]);

  return (
    <section className="card" aria-labelledby={`${uid}-title`} data-testid="providers-section">
      <h2 id={`${uid}-title`}>Models</h2>
      <p className="muted">
        Agents try the providers in the fallback order below until one answers. The offline drafter needs no model: what it
        writes comes from templates and is marked as such.
      </p>
      <ProviderList />
      <OllamaSettings key={`ollama-${settings.ollamaUrl}`} settings={settings} />
      <OpenAISettings key={`openai-${settings.openaiBaseUrl}-${settings.openaiModel}`} settings={settings} />
      <FallbackOrder key={orderKey} order={settings.modelFallbackOrder} />
    </section>
  );
}

function ProviderList() {
  const status = useProvidersStore((s) => s.status);
  const tests = useProvidersStore((s) => s.tests);
  const test = useProvidersStore((s) => s.test);
  const load = useProvidersStore((s) => s.load);

  if (status.status === 'failed') {
    return (
      <div className="callout callout--error" role="alert">
        <p>Could not ask the providers how they are: {status.message}</p>
        <button type="button" className="button" onClick={() => void load()}>
          Try again
        </button>
      </div>
    );
  }
  if (status.status !== 'ready') return <p className="muted">Asking each provider whether it can be reached…</p>;

  return (
    <>
      <ul className="provider-list" data-testid="provider-list">
        {status.data.providers.map((provider) => (
          <ProviderRow
            key={provider.provider}
            provider={provider}
            test={tests[provider.provider]}
            onTest={() => void test(provider.provider)}
          />
        ))}
      </ul>
      <p className="muted" data-testid="provider-chain">
        Agents without a model of their own try: {status.data.chain.length ? status.data.chain.join(' → ') : 'nothing (no provider is in the order)'}
      </p>
    </>
  );
}

function ProviderRow({ provider, test, onTest }: { provider: ProviderStatus; test: ProviderTest | undefined; onTest: () => void }) {
  const label = PROVIDER_LABELS[provider.provider];
  const running = test?.status === 'running';
  return (
    <li className="provider" data-testid={`provider-${provider.provider}`}>
      <div className="provider__head">
        <span className="provider__name">{label}</span>
        <span className={provider.reachable ? 'badge badge--ok' : 'badge badge--danger'} data-testid="provider-reachable">
          {provider.reachable ? 'Reachable' : 'Not reachable'}
        </span>
        <button type="button" className="button button--small provider__test" onClick={onTest} disabled={running} aria-label={`Test ${label}`}>
          {running ? 'Testing…' : 'Test'}
        </button>
      </div>
      {provider.reason ? (
        <p className="provider__reason" data-testid="provider-reason">
          {provider.reason}
        </p>
      ) : null}
      <dl className="facts facts--compact">
        {provider.endpoint ? (
          <>
            <dt>Address</dt>
            <dd>
              <code>{provider.endpoint}</code>
            </dd>
          </>
        ) : null}
        {provider.model ? (
          <>
            <dt>Model</dt>
            <dd>{provider.model}</dd>
          </>
        ) : null}
        {provider.reachable && provider.provider !== 'offline' ? (
          <>
            <dt>Models served</dt>
            <dd>{provider.models.length}</dd>
          </>
        ) : null}
      </dl>
      <TestOutcome test={test} />
    </li>
  );
}

function TestOutcome({ test }: { test: ProviderTest | undefined }) {
  if (!test) return null;
  if (test.status === 'running') {
    return (
      <p className="test-outcome muted" role="status">
        Sending a one-line prompt…
      </p>
    );
  }
  if (test.status === 'failed') {
    return (
      <p className="test-outcome test-outcome--bad" role="status" data-testid="provider-test">
        The test could not run: {test.message}
      </p>
    );
  }
  const { result } = test;
  if (!result.ok) {
    return (
      <p className="test-outcome test-outcome--bad" role="status" data-testid="provider-test">
        Failed after {result.latencyMs} ms{result.errorKind ? ` (${result.errorKind})` : ''}: {result.message ?? 'no reason given.'}
      </p>
    );
  }
  return (
    <div className="test-outcome" role="status" data-testid="provider-test">
      <p>
        Answered in {result.latencyMs} ms{result.model ? ` by ${result.model}` : ''}.{' '}
        {result.templateMade ? <span className="badge badge--warning">Template-made (no model was used)</span> : null}
      </p>
      {result.reply ? <blockquote className="test-outcome__reply">{result.reply}</blockquote> : null}
    </div>
  );
}

function OllamaSettings({ settings }: { settings: Settings }) {
  const update = useSettingsStore((s) => s.update);
  const models = useProvidersStore((s) => s.ollamaModels);
  const uid = useId();
  const [url, setUrl] = useState(settings.ollamaUrl);
  const [urlError, setUrlError] = useState<string | undefined>();
  const [modelError, setModelError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);

  async function saveUrl(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaving(true);
    const result = await update({ ollamaUrl: url.trim() });
    setSaving(false);
    if (!result.ok) setUrlError(splitErrors(result.error, ['ollamaUrl'] as const).fields.ollamaUrl ?? result.error.message);
  }

  async function chooseModel(name: string) {
    setModelError(undefined);
    setSaving(true);
    const result = await update({ ollamaModel: name });
    setSaving(false);
    if (!result.ok) setModelError(splitErrors(result.error, ['ollamaModel'] as const).fields.ollamaModel ?? result.error.message);
  }

  const installed = models.status === 'ready' ? models.data.map((m) => m.name) : [];
  const modelHint =
    models.status === 'ready'
      ? installed.length
        ? 'Agents without a model of their own use this one.'
        : 'Ollama has no models installed yet. Install one (for example: ollama pull llama3.2), then come back.'
      : models.status === 'failed'
        ? `No installed models to pick from: ${models.message}`
        : 'Asking Ollama which models are installed…';

  return (
    <fieldset className="form-section">
      <legend>Ollama (local models)</legend>
      <form onSubmit={saveUrl} noValidate className="inline-form">
        <Field
          id={`${uid}-url`}
          name="ollamaUrl"
          label="Ollama address"
          hint="Where Chorus finds Ollama, e.g. http://127.0.0.1:11434."
          error={urlError}
        >
          {(p) => (
            <input
              {...p}
              type="url"
              value={url}
              spellCheck={false}
              onChange={(event) => {
                setUrl(event.target.value);
                setUrlError(undefined);
              }}
            />
          )}
        </Field>
        <button type="submit" className="button" disabled={saving || url.trim() === settings.ollamaUrl}>
          Save address
        </button>
      </form>
      <Field id={`${uid}-model`} name="ollamaModel" label="Ollama model" hint={modelHint} error={modelError}>
        {(p) => (
          <select
            {...p}
            value={settings.ollamaModel}
            disabled={saving || installed.length === 0}
            onChange={(event) => void chooseModel(event.target.value)}
          >
            {installed.includes(settings.ollamaModel) ? null : (
              <option value={settings.ollamaModel}>{settings.ollamaModel} (not installed)</option>
            )}
            {installed.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
    </fieldset>
  );
}

const OPENAI_FIELDS = ['openaiBaseUrl', 'openaiModel'] as const;

function OpenAISettings({ settings }: { settings: Settings }) {
  const update = useSettingsStore((s) => s.update);
  const uid = useId();
  const [baseUrl, setBaseUrl] = useState(settings.openaiBaseUrl);
  const [model, setModel] = useState(settings.openaiModel);
  const [errors, setErrors] = useState<Partial<Record<(typeof OPENAI_FIELDS)[number], string>>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const patch: SettingsPatch = {};
  if (baseUrl.trim() !== settings.openaiBaseUrl) patch.openaiBaseUrl = baseUrl.trim();
  if (model.trim() !== settings.openaiModel) patch.openaiModel = model.trim();
  const changed = Object.keys(patch).length > 0;

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!changed) return;
    setSaving(true);
    setGeneral(null);
    const result = await update(patch);
    setSaving(false);
    if (!result.ok) {
      const split = splitErrors(result.error, OPENAI_FIELDS);
      setErrors(split.fields);
      setGeneral(split.general);
    }
  }

  return (
    <fieldset className="form-section">
      <legend>OpenAI or a compatible server</legend>
      <p className="field__hint">OpenAI itself, or LM Studio, vLLM, a llama.cpp server… anything that speaks the OpenAI API.</p>
      <form onSubmit={save} noValidate className="stack-form">
        {general ? (
          <p className="callout callout--error" role="alert">
            {general}
          </p>
        ) : null}
        <Field id={`${uid}-base`} name="openaiBaseUrl" label="Base URL" hint="e.g. https://api.openai.com/v1 or http://127.0.0.1:1234/v1" error={errors.openaiBaseUrl}>
          {(p) => (
            <input
              {...p}
              type="url"
              value={baseUrl}
              spellCheck={false}
              onChange={(event) => {
                setBaseUrl(event.target.value);
                setErrors((e) => ({ ...e, openaiBaseUrl: undefined }));
              }}
            />
          )}
        </Field>
        <Field id={`${uid}-model`} name="openaiModel" label="Model" hint="The model name the server expects, e.g. gpt-4o-mini." error={errors.openaiModel}>
          {(p) => (
            <input
              {...p}
              type="text"
              value={model}
              spellCheck={false}
              autoComplete="off"
              onChange={(event) => {
                setModel(event.target.value);
                setErrors((e) => ({ ...e, openaiModel: undefined }));
              }}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button" disabled={saving || !changed}>
            Save server and model
          </button>
        </div>
      </form>
      <ApiKey />
    </fieldset>
  );
}

/** Sets or removes the key; the page only ever learns whether one is set. */
function ApiKey() {
  const secrets = useSettingsStore((s) => s.secrets);
  const status = useProvidersStore((s) => s.status);
  const setApiKey = useProvidersStore((s) => s.setApiKey);
  const deleteApiKey = useProvidersStore((s) => s.deleteApiKey);
  const uid = useId();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [info, setInfo] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const fromSecrets = secrets.status === 'ready' ? secrets.data.find((s) => s.key === OPENAI_KEY)?.isSet : undefined;
  const fromStatus = status.status === 'ready' ? status.data.providers.find((p) => p.provider === 'openai')?.keySet : undefined;
  const keySet = fromSecrets ?? fromStatus ?? null;

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!value || saving) return;
    setSaving(true);
    setInfo(null);
    const result = await setApiKey(value);
    setSaving(false);
    if (result.ok) {
      // The key now lives in the keychain only; nothing on this page keeps it.
      setValue('');
      setError(undefined);
      setInfo('Saved in the keychain.');
    } else {
      setError(splitErrors(result.error, ['value'] as const).fields.value ?? result.error.message);
    }
  }

  async function remove() {
    setSaving(true);
    setInfo(null);
    const result = await deleteApiKey();
    setSaving(false);
    if (result.ok) setInfo('The key was removed from the keychain.');
    else setError(result.error.message);
  }

  return (
    <form onSubmit={save} noValidate className="inline-form" data-testid="openai-key">
      <Field
        id={`${uid}-key`}
        name="openaiApiKey"
        label="API key"
        hint="Kept in the operating system’s keychain. Chorus never shows it, only whether one is set."
        error={error}
      >
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="new-password"
            spellCheck={false}
            value={value}
            placeholder={keySet ? 'A key is set; type a new one to replace it' : ''}
            onChange={(event) => {
              setValue(event.target.value);
              setError(undefined);
            }}
          />
        )}
      </Field>
      <span className={keySet ? 'badge badge--ok' : 'badge'} data-testid="openai-key-status">
        {keySet === null ? 'Unknown' : keySet ? 'Key set' : 'No key set'}
      </span>
      <button type="submit" className="button" disabled={saving || value === ''}>
        Save key
      </button>
      {keySet ? (
        <button type="button" className="button button--danger-quiet" disabled={saving} onClick={() => void remove()}>
          Remove key
        </button>
      ) : null}
      <p className="form-actions__info" role="status">
        {info ?? ''}
      </p>
    </form>
  );
}

interface OrderItem {
  id: ProviderName;
  used: boolean;
}

function toItems(order: readonly ProviderName[]): OrderItem[] {
  return [...order.map((id) => ({ id, used: true })), ...ALL_PROVIDERS.filter((id) => !order.includes(id)).map((id) => ({ id, used: false }))];
}

function FallbackOrder({ order }: { order: ProviderName[] }) {
  const update = useSettingsStore((s) => s.update);
  const uid = useId();
  const [items, setItems] = useState(() => toItems(order));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const next = items.filter((i) => i.used).map((i) => i.id);
  const changed = next.join(',') !== order.join(',');

  function move(index: number, by: -1 | 1) {
    setItems((current) => {
      const copy = [...current];
      const [item] = copy.splice(index, 1);
      copy.splice(index + by, 0, item!);
      return copy;
    });
    setError(null);
  }

  async function save() {
    setSaving(true);
    const result = await update({ modelFallbackOrder: next });
    setSaving(false);
    if (!result.ok) setError(splitErrors(result.error, ['modelFallbackOrder'] as const).fields.modelFallbackOrder ?? result.error.message);
  }

  return (
    <fieldset className="form-section" aria-describedby={error ? `${uid}-error` : `${uid}-hint`}>
      <legend>Fallback order</legend>
      <p className="field__hint" id={`${uid}-hint`}>
        Tried from the top; an agent’s own model goes first. Untick a provider to never use it.
      </p>
      <ol className="order-list" data-testid="fallback-order">
        {items.map((item, index) => {
          const label = PROVIDER_LABELS[item.id];
          return (
            <li key={item.id} className="order-list__item">
              <label className="choice">
                <input
                  type="checkbox"
                  checked={item.used}
                  onChange={(event) => {
                    const used = event.target.checked;
                    setItems((current) => current.map((i) => (i.id === item.id ? { ...i, used } : i)));
                    setError(null);
                  }}
                />
                {label}
              </label>
              <span className="order-list__moves">
                <button type="button" className="button button--small" aria-label={`Move ${label} up`} disabled={index === 0} onClick={() => move(index, -1)}>
                  ↑
                </button>
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Move ${label} down`}
                  disabled={index === items.length - 1}
                  onClick={() => move(index, 1)}
                >
                  ↓
                </button>
              </span>
            </li>
          );
        })}
      </ol>
      {error ? (
        <p className="field__error" id={`${uid}-error`} data-testid="error-modelFallbackOrder">
          {error}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" disabled={saving || !changed} onClick={() => void save()}>
          Save order
        </button>
      </div>
    </fieldset>
  );
}
