import { create } from 'zustand';
import type { Result } from '../../../shared/contract/errors';
import type { RouteInput } from '../../../shared/contract/routes';
import type { Brand } from '../../../shared/contract/schemas/brands';
import { call } from '../../lib/api';

export type BrandSelection = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; id: string };
export type BrandCreate = RouteInput<'brands.create'>;
export type BrandPatch = RouteInput<'brands.update'>['patch'];

interface BrandState {
  brands: Brand[];
  loadStatus: 'idle' | 'loading' | 'ready' | 'failed';
  loadError: string | null;
  selection: BrandSelection;
  /** A short confirmation of the last change ("Saved …"), shown in a status line. */
  notice: string | null;
  load(): Promise<void>;
  create(input: BrandCreate): Promise<Result<Brand>>;
  update(id: string, patch: BrandPatch): Promise<Result<Brand>>;
  remove(id: string): Promise<Result<{ id: string }>>;
  select(selection: BrandSelection): void;
}

const byName = (a: Brand, b: Brand) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

function upsert(brands: Brand[], brand: Brand): Brand[] {
  return [...brands.filter((b) => b.id !== brand.id), brand].sort(byName);
}

// Every load and change takes a ticket; a list that arrives after a newer
// ticket was taken is stale (it may miss a brand just created) and is dropped.
let ticket = 0;

export const useBrandStore = create<BrandState>()((set, get) => ({
  brands: [],
  loadStatus: 'idle',
  loadError: null,
  selection: { kind: 'none' },
  notice: null,

  async load() {
    const mine = ++ticket;
    if (get().loadStatus !== 'ready') set({ loadStatus: 'loading' });
    const result = await call('brands.list', {});
    if (mine !== ticket) return;
    if (!result.ok) {
      set({ loadStatus: 'failed', loadError: result.error.message });
      return;
    }
    const brands = [...result.data].sort(byName);
    const { selection } = get();
    const selectedGone = selection.kind === 'edit' && !brands.some((b) => b.id === selection.id);
    set({
      brands,
      loadStatus: 'ready',
      loadError: null,
      ...(selectedGone ? { selection: { kind: 'none' } as const, notice: 'The brand you had open was deleted.' } : {}),
    });
  },

  async create(input) {
    const result = await call('brands.create', input);
    if (result.ok) {
      ticket++;
      const brand = result.data;
      set((s) => ({
        brands: upsert(s.brands, brand),
        selection: { kind: 'edit', id: brand.id },
        notice: `Created “${brand.name}”.`,
      }));
    }
    return result;
  },

  async update(id, patch) {
    const result = await call('brands.update', { id, patch });
    if (result.ok) {
      ticket++;
      const brand = result.data;
      set((s) => ({ brands: upsert(s.brands, brand), notice: `Saved “${brand.name}”.` }));
    }
    return result;
  },

  async remove(id) {
    const name = get().brands.find((b) => b.id === id)?.name ?? 'the brand';
    const result = await call('brands.delete', { id });
    if (result.ok) {
      ticket++;
      set((s) => ({
        brands: s.brands.filter((b) => b.id !== id),
        selection: s.selection.kind === 'edit' && s.selection.id === id ? { kind: 'none' } : s.selection,
        notice: `Deleted “${name}”.`,
      }));
    }
    return result;
  },

  select(selection) {
    set({ selection, notice: null });
  },
}));
