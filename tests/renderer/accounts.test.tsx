import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Account } from '../../src/shared/contract/schemas/accounts';
import { makeBrand } from './fakes/brands';
import { fakeApi, makeAccount } from './fakes/publishing';

const api = vi.hoisted(() => ({ call: vi.fn(), subscribe: vi.fn() }));
vi.mock('../../src/renderer/lib/api', () => api);

const { AccountsSection } = await import('../../src/renderer/features/settings/AccountsSection');
const { useBrandStore } = await import('../../src/renderer/features/brand/brandStore');
const { useAccountsStore } = await import('../../src/renderer/features/settings/accountsStore');

const brand = makeBrand({ id: '00000000-0000-4000-8000-000000000001', name: 'Northwind' });
let fake: ReturnType<typeof fakeApi>;
let accounts: Account[];

beforeEach(() => {
  fake = fakeApi(api);
  useBrandStore.setState({ brands: [], loadStatus: 'idle', loadError: null, selection: { kind: 'none' }, notice: null });
  useAccountsStore.setState({ accounts: [], status: 'idle', error: null });
  accounts = [];
  fake.answer('brands.list', () => ({ ok: true, data: [brand] }));
  fake.answer('accounts.list', () => ({ ok: true, data: accounts }));
});
afterEach(cleanup);

describe('Accounts section', { timeout: 20_000 }, () => {
  it('shows an account that needs reconnecting with the platform’s reason, and reconnects it through the browser', async () => {
    const user = userEvent.setup({ delay: null });
    const revoked = makeAccount({
      brandId: brand.id,
      platform: 'x',
      connection: 'oauth2-pkce',
      handle: '@northwind',
      status: 'needs_reconnect',
      statusReason: 'The access token was revoked by the user.',
    });
    const fine = makeAccount({ brandId: brand.id, platform: 'bluesky', handle: 'sandbox' });
    accounts = [revoked, fine];
    const flowId = 'ffffffff-0000-4000-8000-000000000001';
    fake.answer('accounts.reconnect', () => ({ ok: true, data: { kind: 'oauth', flowId, authorizeUrl: 'https://x.com/i/oauth2/authorize?state=abc' } }));
    fake.answer('accounts.oauthStatus', () => ({ ok: true, data: { flowId, state: 'waiting', accountId: null, error: null } }));
    render(<AccountsSection />);

    const rows = await screen.findAllByTestId('account');
    const row = rows.find((r) => r.getAttribute('data-platform') === 'x')!;
    expect(within(row).getByTestId('account-status').textContent).toBe('Needs reconnecting');
    expect(within(row).getByTestId('account-reason').textContent).toContain('“The access token was revoked by the user.”');
    const other = rows.find((r) => r.getAttribute('data-platform') === 'bluesky')!;
    expect(within(other).getByTestId('account-status').textContent).toBe('Connected');
    expect(within(other).queryByRole('button', { name: 'Reconnect' })).toBeNull();

    await user.click(within(row).getByRole('button', { name: 'Reconnect' }));
    expect(fake.calls('accounts.reconnect')).toEqual([{ id: revoked.id }]);
    const wait = await screen.findByTestId('oauth-wait');
    expect(within(wait).getByTestId('oauth-url').getAttribute('href')).toBe('https://x.com/i/oauth2/authorize?state=abc');

    // The host says the sign-in finished; the list reloads and the account is connected again.
    accounts = [{ ...revoked, status: 'connected', statusReason: null }, fine];
    act(() => fake.emit('accounts.oauthFinished', { flowId, state: 'connected', accountId: revoked.id, error: null }));
    await waitFor(() => expect(screen.queryByTestId('oauth-wait')).toBeNull());
    expect(screen.getByTestId('accounts-notice').textContent).toBe('Signed in: the account is connected.');
    await waitFor(() =>
      expect(screen.getAllByTestId('account-status').map((s) => s.textContent)).toEqual(['Connected', 'Connected']),
    );
  });

  it('reconnects a sandbox account on the spot and connects a new sandbox account', async () => {
    const user = userEvent.setup({ delay: null });
    const sandbox = makeAccount({ brandId: brand.id, platform: 'mastodon', handle: 'sandbox', status: 'needs_reconnect', statusReason: 'Marked for a test.' });
    accounts = [sandbox];
    fake.answer('accounts.reconnect', () => ({ ok: true, data: { kind: 'done', account: { ...sandbox, status: 'connected', statusReason: null } } }));
    fake.answer('accounts.connectSandbox', (input: { platform: Account['platform'] }) => ({
      ok: true,
      data: makeAccount({ brandId: brand.id, platform: input.platform, handle: 'sandbox' }),
    }));
    render(<AccountsSection />);

    await user.click(await screen.findByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(screen.getByTestId('account-status').textContent).toBe('Connected'));

    await user.click(screen.getByRole('button', { name: 'Connect X sandbox account' }));
    expect(fake.calls('accounts.connectSandbox')).toEqual([{ brandId: brand.id, platform: 'x' }]);
    await waitFor(() => expect(screen.getAllByTestId('account')).toHaveLength(2));
    expect(screen.getByTestId('accounts-notice').textContent).toContain('Connected Northwind’s X sandbox account (sandbox).');
  });

  it('puts a refused Bluesky app password beside its field', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('accounts.connectAppPassword', () => ({
      ok: false,
      error: { code: 'invalid_input', message: 'appPassword: Enter an app password.', issues: [{ path: ['appPassword'], message: 'Enter an app password.' }] },
    }));
    render(<AccountsSection />);
    await user.selectOptions(await screen.findByLabelText('Platform'), 'bluesky');
    await user.type(screen.getByLabelText('Handle or email'), 'northwind.bsky.social');
    await user.click(screen.getByRole('button', { name: 'Connect Bluesky account' }));
    const field = screen.getByLabelText('App password');
    await waitFor(() => expect(field.getAttribute('aria-invalid')).toBe('true'));
    expect(field.closest('.field')?.querySelector('.field__error')?.textContent).toBe('Enter an app password.');
    expect(fake.calls('accounts.connectAppPassword')).toEqual([
      { brandId: brand.id, platform: 'bluesky', identifier: 'northwind.bsky.social', appPassword: '' },
    ]);
  });
});
