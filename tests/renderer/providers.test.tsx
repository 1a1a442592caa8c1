import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../src/shared/contract/errors';
import type { ProviderStatus } from '../../src/shared/contract/schemas/models';
import { Settings } from '../../src/shared/contract/schemas/settings';

// Components talk to lib/api only; the test plays that module, not the transport.
const api = vi.hoisted(() => ({
  call: vi.fn(),
  subscribe: vi.fn(),
}));
vi.mock('../../src/renderer/lib/api', () => api);

const { ProvidersSection } = await import('../../src/renderer/features/settings/ProvidersSection');
const { useProvidersStore } = await import('../../src/renderer/features/settings/providersStore');
const { useSettingsStore } = await import('../../src/renderer/features/settings/settingsStore');

type Handler = (input: never) => Result<unknown>;
let handlers: Record<string, Handler>;
let calls: { route: string; input: unknown }[];
let keySet: boolean;

const SECRET = 'sk-test-3f9a-do-not-show';

function provider(overrides: Partial<ProviderStatus> & Pick<ProviderStatus, 'provider'>): ProviderStatus {
  return { reachable: false, reason: null, keySet: null, model: null, models: [], endpoint: null, ...overrides };
}

function statusData() {
  return {
    providers: [
      provider({
        provider: 'ollama',
        reason: 'Ollama is not reachable at http://127.0.0.1:9 (connection refused).',
        model: 'llama3.2',
        endpoint: 'http://127.0.0.1:9',
      }),
      provider({
        provider: 'openai',
        reachable: keySet,
        reason: keySet ? null : 'No OpenAI API key is set.',
        keySet,
        model: 'gpt-4o-mini',
        endpoint: 'https://api.openai.com/v1',
      }),
      provider({ provider: 'offline', reachable: true, model: 'templates', models: [{ name: 'templates' }] }),
    ],
    chain: ['ollama:llama3.2', 'openai:gpt-4o-mini', 'offline'],
  };
}

beforeEach(() => {
  keySet = false;
  calls = [];
  handlers = {
    'providers.status': () => ({ ok: true, data: statusData() }),
    'providers.listOllamaModels': () => ({ ok: false, error: { code: 'unavailable', message: 'Ollama is not reachable at http://127.0.0.1:9.' } }),
    'secrets.list': () => ({ ok: true, data: [{ key: 'openai.apiKey', isSet: keySet }] }),
    'system.info': () => ({ ok: true, data: { version: '0.1.0', host: 'server', dataDir: '/tmp/chorus', schemaVersion: 5 } }),
  };
  api.call.mockReset();
  api.call.mockImplementation(async (route: string, input: unknown) => {
    calls.push({ route, input });
    const handler = handlers[route];
    if (!handler) throw new Error(`unexpected call ${route}`);
    return handler(input as never);
  });
  api.subscribe.mockReset();
  api.subscribe.mockImplementation(() => () => {});
  useProvidersStore.setState({ status: { status: 'idle' }, ollamaModels: { status: 'idle' }, tests: {} });
  useSettingsStore.setState({
    settings: { status: 'ready', data: Settings.parse({ ollamaUrl: 'http://127.0.0.1:9' }) },
    secrets: { status: 'ready', data: [{ key: 'openai.apiKey', isSet: false }] },
    system: { status: 'idle' },
  });
});

afterEach(cleanup);

function renderSection(settings = Settings.parse({ ollamaUrl: 'http://127.0.0.1:9' })) {
  return render(<ProvidersSection settings={settings} />);
}

describe('Providers section', { timeout: 20_000 }, () => {
  it('shows each provider’s reachability and the reason it cannot be used', async () => {
    renderSection();
    const ollama = await screen.findByTestId('provider-ollama');
    expect(within(ollama).getByTestId('provider-reachable').textContent).toBe('Not reachable');
    expect(within(ollama).getByTestId('provider-reason').textContent).toBe('Ollama is not reachable at http://127.0.0.1:9 (connection refused).');
    expect(within(screen.getByTestId('provider-openai')).getByTestId('provider-reason').textContent).toBe('No OpenAI API key is set.');
    expect(within(screen.getByTestId('provider-offline')).getByTestId('provider-reachable').textContent).toBe('Reachable');
    expect(screen.getByTestId('provider-chain').textContent).toContain('ollama:llama3.2 → openai:gpt-4o-mini → offline');
    // Nothing installed can be listed, and the page says why instead of offering an empty list.
    expect((screen.getByLabelText('Ollama model') as HTMLSelectElement).disabled).toBe(true);
    expect(screen.getByText(/No installed models to pick from: Ollama is not reachable/)).toBeTruthy();
  });

  it('saves the API key to the keychain, clears the field, and never shows the value', async () => {
    const user = userEvent.setup({ delay: null });
    handlers['secrets.set'] = (input: { key: string; value: string }) => {
      keySet = true;
      return { ok: true, data: { key: input.key, isSet: true } };
    };
    renderSection();
    const field = (await screen.findByLabelText('API key')) as HTMLInputElement;
    expect(field.type).toBe('password');
    expect(screen.getByTestId('openai-key-status').textContent).toBe('No key set');

    await user.type(field, SECRET);
    await user.click(screen.getByRole('button', { name: 'Save key' }));

    await waitFor(() => expect(screen.getByTestId('openai-key-status').textContent).toBe('Key set'));
    expect(calls.filter((c) => c.route === 'secrets.set').map((c) => c.input)).toEqual([{ key: 'openai.apiKey', value: SECRET }]);
    expect(field.value).toBe('');
    // The status was asked again, so the provider now knows about the key.
    expect(within(screen.getByTestId('provider-openai')).getByTestId('provider-reachable').textContent).toBe('Reachable');
    // The value is nowhere on the page: not in text, not in any attribute or input.
    expect(document.body.innerHTML).not.toContain(SECRET);
    for (const input of document.querySelectorAll('input, textarea')) expect((input as HTMLInputElement).value).not.toContain(SECRET);
  });

  it('keeps the typed key and shows the keychain error beside the field when saving fails', async () => {
    const user = userEvent.setup({ delay: null });
    handlers['secrets.set'] = () => ({
      ok: false,
      error: { code: 'keychain_unavailable', message: 'No keychain could be reached. Install gnome-keyring.' },
    });
    renderSection();
    const field = (await screen.findByLabelText('API key')) as HTMLInputElement;
    await user.type(field, 'sk-abc');
    await user.click(screen.getByRole('button', { name: 'Save key' }));
    expect((await screen.findByTestId('error-openaiApiKey')).textContent).toBe('No keychain could be reached. Install gnome-keyring.');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('openai-key-status').textContent).toBe('No key set');
  });

  it('offers the installed Ollama models and saves the one picked', async () => {
    const user = userEvent.setup({ delay: null });
    handlers['providers.listOllamaModels'] = () => ({ ok: true, data: [{ name: 'llama3.2' }, { name: 'qwen2.5:7b' }] });
    handlers['settings.update'] = (patch: Partial<Settings>) => ({ ok: true, data: Settings.parse({ ...patch, ollamaUrl: 'http://127.0.0.1:9' }) });
    renderSection();
    const select = (await screen.findByLabelText('Ollama model')) as HTMLSelectElement;
    await waitFor(() => expect(select.disabled).toBe(false));
    expect([...select.options].map((o) => o.value)).toEqual(['llama3.2', 'qwen2.5:7b']);
    await user.selectOptions(select, 'qwen2.5:7b');
    await waitFor(() => expect(calls.some((c) => c.route === 'settings.update')).toBe(true));
    expect(calls.find((c) => c.route === 'settings.update')!.input).toEqual({ ollamaModel: 'qwen2.5:7b' });
  });

  it('tests a provider and marks a template-made answer as such', async () => {
    const user = userEvent.setup({ delay: null });
    handlers['providers.test'] = (input: { provider: string }) => ({
      ok: true,
      data: {
        provider: input.provider,
        ok: true,
        model: 'templates',
        reply: 'A test post to check the offline drafter',
        latencyMs: 3,
        errorKind: null,
        message: null,
        templateMade: true,
      },
    });
    renderSection();
    await user.click(await screen.findByRole('button', { name: 'Test Offline drafter' }));
    const outcome = await screen.findByTestId('provider-test');
    expect(calls.find((c) => c.route === 'providers.test')!.input).toEqual({ provider: 'offline' });
    expect(outcome.textContent).toContain('Answered in 3 ms by templates');
    expect(outcome.textContent).toContain('Template-made (no model was used)');
  });

  it('saves a new fallback order from the moves and ticks', async () => {
    const user = userEvent.setup({ delay: null });
    handlers['settings.update'] = (patch: Partial<Settings>) => ({ ok: true, data: Settings.parse({ ...patch }) });
    renderSection();
    await user.click(await screen.findByRole('button', { name: 'Move OpenAI-compatible up' }));
    await user.click(within(screen.getByTestId('fallback-order')).getByRole('checkbox', { name: 'Ollama' }));
    await user.click(screen.getByRole('button', { name: 'Save order' }));
    await waitFor(() => expect(calls.some((c) => c.route === 'settings.update')).toBe(true));
    expect(calls.find((c) => c.route === 'settings.update')!.input).toEqual({ modelFallbackOrder: ['openai', 'offline'] });
  });
});
