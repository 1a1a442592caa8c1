import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../../src/renderer/lib/api';
import { Settings } from '../../src/shared/contract/schemas/settings';

const api = vi.hoisted(() => ({
  call: vi.fn(),
  subscribe: vi.fn(() => () => {}),
  connectionState: vi.fn(),
  onConnectionChange: vi.fn(() => () => {}),
}));
vi.mock('../../src/renderer/lib/api', () => api);

const { App } = await import('../../src/renderer/App');
const { useNavigation } = await import('../../src/renderer/lib/navigationStore');
const { useSettingsStore } = await import('../../src/renderer/features/settings/settingsStore');

let settings: Settings;
const updates: unknown[] = [];

beforeEach(() => {
  settings = Settings.parse({});
  updates.length = 0;
  api.call.mockReset();
  api.connectionState.mockReturnValue({ status: 'open' } satisfies ConnectionState);
  api.call.mockImplementation(async (route: string, input: unknown) => {
    switch (route) {
      case 'brands.list':
        return { ok: true, data: [] };
      case 'settings.get':
        return { ok: true, data: settings };
      case 'settings.update':
        updates.push(input);
        settings = { ...settings, ...(input as Partial<Settings>) };
        return { ok: true, data: settings };
      case 'schedule.status':
        return { ok: true, data: { paused: settings.publishingPaused, queued: 0, publishing: 0, nextDueAt: null } };
      case 'schedule.pause':
      case 'schedule.resume':
        updates.push(route);
        settings = { ...settings, publishingPaused: route === 'schedule.pause' };
        return { ok: true, data: { paused: settings.publishingPaused, queued: 0, publishing: 0, nextDueAt: null } };
      case 'system.info':
        return { ok: true, data: { version: '0.1.0', host: 'server', dataDir: '/tmp/chorus-data', schemaVersion: 3 } };
      case 'approvals.list':
        return { ok: true, data: [] };
      case 'secrets.list':
        return {
          ok: true,
          data: [
            { key: 'openai.apiKey', isSet: true },
            { key: 'ollama.apiKey', isSet: false },
          ],
        };
      default:
        return { ok: false, error: { code: 'unknown_route', message: route } };
    }
  });
  useNavigation.setState({ page: 'brand' });
  useSettingsStore.setState({ settings: { status: 'idle' }, system: { status: 'idle' }, secrets: { status: 'idle' } });
  delete document.documentElement.dataset.theme;
});

afterEach(cleanup);

describe('App shell', { timeout: 20_000 }, () => {
  it('has a main navigation with every area, and switches pages from it', async () => {
    const user = userEvent.setup({ delay: null });
    render(<App />);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const names = within(nav)
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(names).toEqual(['Calendar', 'Approvals', 'Crisis', 'Inbox', 'Brand', 'Runs', 'Agents', 'Settings']);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Brand');
    expect(within(nav).getByRole('button', { name: 'Brand' }).getAttribute('aria-current')).toBe('page');

    await user.click(within(nav).getByRole('button', { name: 'Approvals' }));
    const heading = screen.getByRole('heading', { level: 1 });
    expect(heading.textContent).toBe('Approvals');
    expect((await screen.findByTestId('approvals-empty')).textContent).toContain('No draft is waiting for approval.');
    expect(within(nav).getByRole('button', { name: 'Approvals' }).getAttribute('aria-current')).toBe('page');
    expect(within(nav).getByRole('button', { name: 'Brand' }).getAttribute('aria-current')).toBeNull();
    // Focus follows the navigation to the new page's heading.
    expect(document.activeElement).toBe(heading);
  });

  it('shows the settings, the system info and which secrets are set', async () => {
    const user = userEvent.setup({ delay: null });
    render(<App />);
    await user.click(screen.getByRole('button', { name: 'Settings' }));

    const info = await screen.findByTestId('system-info');
    expect(info.textContent).toContain('0.1.0');
    expect(info.textContent).toContain('Headless host');
    expect(info.textContent).toContain('/tmp/chorus-data');
    const secrets = await screen.findByTestId('secret-list');
    expect(within(secrets).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'openai.apiKeySet',
      'ollama.apiKeyNot set',
    ]);
    expect((await screen.findByRole('radio', { name: 'Match the system' })).getAttribute('value')).toBe('system');
  });

  it('applies a pinned theme to <html> and removes it for "match the system"', async () => {
    const user = userEvent.setup({ delay: null });
    render(<App />);
    await user.click(screen.getByRole('button', { name: 'Settings' }));

    await user.click(await screen.findByRole('radio', { name: 'Dark' }));
    expect(updates).toEqual([{ theme: 'dark' }]);
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    expect((screen.getByRole('radio', { name: 'Dark' }) as HTMLInputElement).checked).toBe(true);

    await user.click(screen.getByRole('radio', { name: 'Match the system' }));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBeUndefined());
  });

  it('toggles Pause publishing through schedule.pause', async () => {
    const user = userEvent.setup({ delay: null });
    render(<App />);
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const toggle = (await screen.findByRole('switch', { name: 'Pause publishing' })) as HTMLInputElement;
    expect(toggle.checked).toBe(false);
    await user.click(toggle);
    expect(updates).toEqual(['schedule.pause']);
    await waitFor(() => expect(toggle.checked).toBe(true));
  });

  it('shows a bad Ollama address error beside its field', async () => {
    const user = userEvent.setup({ delay: null });
    render(<App />);
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const field = await screen.findByLabelText('Ollama address');
    const original = api.call.getMockImplementation()!;
    api.call.mockImplementation(async (route: string, input: unknown) =>
      route === 'settings.update'
        ? {
            ok: false,
            error: {
              code: 'invalid_input',
              message: 'ollamaUrl: Invalid URL',
              issues: [{ path: ['ollamaUrl'], message: 'Invalid URL' }],
            },
          }
        : original(route, input),
    );
    await user.clear(field);
    await user.type(field, 'ftp://nope');
    await user.click(screen.getByRole('button', { name: 'Save address' }));
    const error = await screen.findByTestId('error-ollamaUrl');
    expect(error.textContent).toBe('Invalid URL');
    expect(field.getAttribute('aria-describedby')).toContain(error.id);
  });

  it('replaces the app with the `chorus serve` instructions when the token is refused', () => {
    api.connectionState.mockReturnValue({
      status: 'unauthorized',
      message: 'This page is not signed in to Chorus. Open the link printed by `chorus serve`.',
    } satisfies ConnectionState);
    render(<App />);
    expect(screen.getByTestId('signed-out').textContent).toContain('Open the link printed by `chorus serve`');
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(api.call).not.toHaveBeenCalled();
  });
});
