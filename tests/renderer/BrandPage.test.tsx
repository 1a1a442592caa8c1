import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../src/shared/contract/errors';
import type { Brand } from '../../src/shared/contract/schemas/brands';
import { makeBrand } from './fakes/brands';

// Components talk to lib/api only; the test plays that module, not the transport.
const api = vi.hoisted(() => ({
  call: vi.fn(),
  subscribe: vi.fn(),
}));
vi.mock('../../src/renderer/lib/api', () => api);

const { BrandPage } = await import('../../src/renderer/features/brand');
const { useBrandStore } = await import('../../src/renderer/features/brand/brandStore');

type Handler = (input: never) => Result<unknown>;
let handlers: Record<string, Handler>;
let eventListeners: Map<string, (payload: unknown) => void>;

function answer(route: string, handler: Handler) {
  handlers[route] = handler;
}

beforeEach(() => {
  handlers = {};
  eventListeners = new Map();
  api.call.mockReset();
  api.call.mockImplementation(async (route: string, input: unknown) => {
    const handler = handlers[route];
    if (!handler) throw new Error(`unexpected call ${route}`);
    return handler(input as never);
  });
  api.subscribe.mockReset();
  api.subscribe.mockImplementation((name: string, listener: (payload: unknown) => void) => {
    eventListeners.set(name, listener);
    return () => eventListeners.delete(name);
  });
  useBrandStore.setState({ brands: [], loadStatus: 'idle', loadError: null, selection: { kind: 'none' }, notice: null });
});

afterEach(cleanup);

/** The message shown beside a field: inside the same field wrapper, and named by aria-describedby. */
function errorBeside(label: string): string | null {
  const control = screen.getByLabelText(label);
  const ids = (control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  const wrapper = control.closest('.field');
  const error = wrapper?.querySelector('.field__error');
  if (!error) return null;
  expect(ids).toContain(error.id);
  expect(control.getAttribute('aria-invalid')).toBe('true');
  return error.textContent;
}

async function openBrand(user: ReturnType<typeof userEvent.setup>, name: string) {
  const list = await screen.findByTestId('brand-list');
  await user.click(within(list).getByRole('button', { name: new RegExp(name) }));
}

// Typing into a real form under jsdom is slow on a busy machine; the default 5 s is too tight.
describe('Brand page', { timeout: 20_000 }, () => {
  it('lists the brands brands.list returns', async () => {
    answer('brands.list', () => ({
      ok: true,
      data: [makeBrand({ name: 'Northwind', timezone: 'America/Chicago' }), makeBrand({ name: 'Acme' })],
    }));
    render(<BrandPage />);
    const items = await screen.findAllByTestId('brand-item');
    // Sorted by name, with the zone as a hint.
    expect(items.map((item) => item.textContent)).toEqual(['AcmeEurope/Paris', 'NorthwindAmerica/Chicago']);
  });

  it('creates a brand, splitting list fields on commas and new lines', async () => {
    const user = userEvent.setup({ delay: null });
    answer('brands.list', () => ({ ok: true, data: [] }));
    let sent: Partial<Brand> | undefined;
    answer('brands.create', (input: Partial<Brand>) => {
      sent = input;
      return { ok: true, data: makeBrand({ ...input, defaultHashtags: ['coffee', 'fairtrade'] }) };
    });
    render(<BrandPage />);
    await user.click(screen.getByRole('button', { name: 'New brand' }));
    await user.type(screen.getByLabelText('Name'), 'Northwind Coffee');
    await user.type(screen.getByLabelText('Voice and tone'), 'Warm and plain.');
    await user.type(screen.getByLabelText('Content pillars'), 'Sourcing{enter}Brewing tips, Events');
    await user.type(screen.getByLabelText('Default hashtags'), '#coffee, fairtrade');
    await user.clear(screen.getByLabelText('Time zone'));
    await user.type(screen.getByLabelText('Time zone'), 'America/Chicago');
    await user.click(screen.getByRole('button', { name: 'Create brand' }));

    await waitFor(() => expect(sent).toBeDefined());
    expect(sent).toMatchObject({
      name: 'Northwind Coffee',
      voice: 'Warm and plain.',
      contentPillars: ['Sourcing', 'Brewing tips', 'Events'],
      bannedWords: [],
      defaultHashtags: ['#coffee', 'fairtrade'],
      timezone: 'America/Chicago',
    });
    expect(await screen.findByTestId('brand-item')).toHaveProperty('textContent', 'Northwind CoffeeAmerica/Chicago');
    expect(screen.getByTestId('brand-notice').textContent).toBe('Created “Northwind Coffee”.');
    // The new brand is now open for editing.
    expect(screen.getByRole('heading', { name: 'Edit Northwind Coffee' })).toBeTruthy();
  });

  it('shows a conflict on the name beside the Name field, not as a general error', async () => {
    const user = userEvent.setup({ delay: null });
    answer('brands.list', () => ({ ok: true, data: [] }));
    answer('brands.create', () => ({
      ok: false,
      error: {
        code: 'conflict',
        message: 'A brand named “Acme” already exists.',
        issues: [{ path: ['name'], message: 'A brand named “Acme” already exists.' }],
      },
    }));
    render(<BrandPage />);
    await user.click(screen.getByRole('button', { name: 'New brand' }));
    await user.type(screen.getByLabelText('Name'), 'Acme');
    await user.click(screen.getByRole('button', { name: 'Create brand' }));

    await waitFor(() => expect(errorBeside('Name')).toBe('A brand named “Acme” already exists.'));
    expect(screen.queryByTestId('form-error')).toBeNull();
    expect(errorBeside('Audience')).toBeNull();
    // Focus goes to the field to fix.
    expect(document.activeElement).toBe(screen.getByLabelText('Name'));

    // Typing in the field clears its error.
    await user.type(screen.getByLabelText('Name'), ' Two');
    expect(errorBeside('Name')).toBeNull();
  });

  it('puts update errors whose path starts with "patch" beside the field, and sends only the edited fields', async () => {
    const user = userEvent.setup({ delay: null });
    const brand = makeBrand({ name: 'Acme', voice: 'Bold' });
    answer('brands.list', () => ({ ok: true, data: [brand] }));
    let sent: unknown;
    answer('brands.update', (input: unknown) => {
      sent = input;
      return {
        ok: false,
        error: {
          code: 'invalid_input',
          message: 'patch.timezone: Must be an IANA time zone such as Europe/Paris or America/New_York.',
          issues: [
            { path: ['patch', 'timezone'], message: 'Must be an IANA time zone such as Europe/Paris or America/New_York.' },
            { path: ['patch', 'defaultHashtags', 1], message: 'A hashtag may hold letters, digits and underscores only.' },
          ],
        },
      };
    });
    render(<BrandPage />);
    await openBrand(user, 'Acme');
    await user.clear(screen.getByLabelText('Time zone'));
    await user.type(screen.getByLabelText('Time zone'), 'Mars/Olympus');
    await user.type(screen.getByLabelText('Default hashtags'), 'ok, not ok');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() =>
      expect(errorBeside('Time zone')).toBe('Must be an IANA time zone such as Europe/Paris or America/New_York.'),
    );
    expect(errorBeside('Default hashtags')).toBe('Entry 2: A hashtag may hold letters, digits and underscores only.');
    expect(sent).toEqual({ id: brand.id, patch: { timezone: 'Mars/Olympus', defaultHashtags: ['ok', 'not ok'] } });
  });

  it('shows errors that belong to no field as one general message', async () => {
    const user = userEvent.setup({ delay: null });
    answer('brands.list', () => ({ ok: true, data: [] }));
    answer('brands.create', () => ({ ok: false, error: { code: 'unavailable', message: 'Chorus is not reachable.' } }));
    render(<BrandPage />);
    await user.click(screen.getByRole('button', { name: 'New brand' }));
    await user.type(screen.getByLabelText('Name'), 'Acme');
    await user.click(screen.getByRole('button', { name: 'Create brand' }));
    expect((await screen.findByTestId('form-error')).textContent).toBe('Chorus is not reachable.');
    expect(errorBeside('Name')).toBeNull();
  });

  it('deletes only after the confirmation is accepted', async () => {
    const user = userEvent.setup({ delay: null });
    const brand = makeBrand({ name: 'Acme' });
    let brands: Brand[] = [brand];
    answer('brands.list', () => ({ ok: true, data: brands }));
    const deleted: unknown[] = [];
    answer('brands.delete', (input: unknown) => {
      deleted.push(input);
      brands = [];
      return { ok: true, data: { id: brand.id } };
    });
    render(<BrandPage />);
    await openBrand(user, 'Acme');

    await user.click(screen.getByRole('button', { name: 'Delete brand…' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain('Delete “Acme” with its accounts and posts?');
    // Cancel first: nothing is deleted.
    await user.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(deleted).toEqual([]);
    expect(screen.queryByRole('alertdialog')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Delete brand…' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete “Acme”' }));
    await waitFor(() => expect(deleted).toEqual([{ id: brand.id }]));
    expect(screen.queryByTestId('brand-item')).toBeNull();
    expect(screen.getByTestId('brand-notice').textContent).toBe('Deleted “Acme”.');
  });

  it('reloads the list when the host announces brands.changed', async () => {
    let brands: Brand[] = [makeBrand({ name: 'Acme' })];
    answer('brands.list', () => ({ ok: true, data: brands }));
    render(<BrandPage />);
    expect(await screen.findAllByTestId('brand-item')).toHaveLength(1);
    expect(api.subscribe).toHaveBeenCalledWith('brands.changed', expect.any(Function));

    brands = [...brands, makeBrand({ name: 'Zephyr' })];
    eventListeners.get('brands.changed')!({ id: brands[1]!.id, change: 'created' });
    await waitFor(() => expect(screen.getAllByTestId('brand-item')).toHaveLength(2));
  });

  it('says so when the list cannot be loaded, and can retry', async () => {
    const user = userEvent.setup({ delay: null });
    let fail = true;
    answer('brands.list', () =>
      fail ? { ok: false, error: { code: 'unavailable', message: 'Chorus is not reachable.' } } : { ok: true, data: [] },
    );
    render(<BrandPage />);
    expect((await screen.findByRole('alert')).textContent).toContain('Chorus is not reachable.');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No brands yet.')).toBeTruthy();
  });
});
