import { create } from 'zustand';
import type { ContractError, Result } from '../../../shared/contract/errors';
import type { RouteInput } from '../../../shared/contract/routes';
import type { Approval } from '../../../shared/contract/schemas/workflows';
import { PLATFORM_LABELS } from '../../../shared/platforms';
import { call } from '../../lib/api';

type Loadable<T> = { status: 'idle' | 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; message: string };

export type ApprovalEdit = NonNullable<RouteInput<'approvals.approve'>['edit']>;
export type PanelKind = 'edit' | 'reject';

export interface Refusal {
  id: string;
  label: string;
  message: string;
}

interface ApprovalsState {
  queue: Loadable<Approval[]>;
  selectedId: string | null;
  /** Items ticked for bulk approval. */
  checked: string[];
  /** The editor or the reject box, open on one item at a time. */
  panel: { id: string; kind: PanelKind } | null;
  /** The last failure of each item, shown beside it. */
  errors: Record<string, string>;
  /** Items with a decision on its way. */
  busy: string[];
  notice: string | null;
  /** What the last bulk approval could not approve. */
  refused: Refusal[];
  load(): Promise<void>;
  select(id: string): void;
  move(step: 1 | -1): void;
  toggleChecked(id: string): void;
  openPanel(id: string, kind: PanelKind): void;
  closePanel(): void;
  setError(id: string, message: string): void;
  approve(id: string, edit?: ApprovalEdit): Promise<boolean>;
  reject(id: string, comment: string): Promise<boolean>;
  approveChecked(): Promise<void>;
}

export const approvalLabel = (a: Approval) => `${a.brandName} · ${PLATFORM_LABELS[a.draft.platform]}`;

const oldestFirst = (a: Approval, b: Approval) => a.createdAt.localeCompare(b.createdAt);

// A list that arrives after a newer request was made (or a decision changed
// the queue) may still hold a decided draft; it is dropped.
let ticket = 0;

export const useApprovalsStore = create<ApprovalsState>()((set, get) => {
  const items = () => {
    const queue = get().queue;
    return queue.status === 'ready' ? queue.data : [];
  };

  /** Takes decided drafts off the queue; the selection moves to the one that took their place. */
  function removeItems(ids: string[]) {
    ticket++;
    const before = items();
    const after = before.filter((a) => !ids.includes(a.id));
    set((s) => {
      const errors = { ...s.errors };
      for (const id of ids) delete errors[id];
      return {
        queue: { status: 'ready', data: after },
        selectedId: nextSelection(before, after, s.selectedId),
        checked: s.checked.filter((id) => !ids.includes(id)),
        panel: s.panel && ids.includes(s.panel.id) ? null : s.panel,
        errors,
      };
    });
  }

  function setBusy(id: string, on: boolean) {
    set((s) => ({ busy: on ? [...s.busy, id] : s.busy.filter((x) => x !== id) }));
  }

  /** Shared by approve and reject: what a refusal does to the item. */
  function settle(id: string, result: Result<Approval>, done: string): boolean {
    if (result.ok) {
      removeItems([id]);
      set({ notice: done });
      return true;
    }
    if (result.error.code === 'conflict') {
      // Decided somewhere else (another window, the CLI, the timeout): gone from here too.
      const label = labelOf(id);
      removeItems([id]);
      set({ notice: `${label}: already decided elsewhere. ${result.error.message}` });
      void get().load();
      return false;
    }
    set((s) => ({ errors: { ...s.errors, [id]: describe(result.error) } }));
    return false;
  }

  const labelOf = (id: string) => {
    const approval = items().find((a) => a.id === id);
    return approval ? approvalLabel(approval) : 'This draft';
  };

  return {
    queue: { status: 'idle' },
    selectedId: null,
    checked: [],
    panel: null,
    errors: {},
    busy: [],
    notice: null,
    refused: [],

    async load() {
      const mine = ++ticket;
      if (get().queue.status !== 'ready') set({ queue: { status: 'loading' } });
      const result = await call('approvals.list', { status: 'pending' });
      if (mine !== ticket) return;
      if (!result.ok) {
        // A failed refresh keeps the queue already on screen.
        if (get().queue.status !== 'ready') set({ queue: { status: 'failed', message: result.error.message } });
        return;
      }
      const before = items();
      const after = [...result.data].sort(oldestFirst);
      const ids = new Set(after.map((a) => a.id));
      set((s) => ({
        queue: { status: 'ready', data: after },
        selectedId: nextSelection(before, after, s.selectedId),
        checked: s.checked.filter((id) => ids.has(id)),
        panel: s.panel && ids.has(s.panel.id) ? s.panel : null,
      }));
    },

    select(id) {
      set({ selectedId: id });
    },

    move(step) {
      const list = items();
      if (list.length === 0) return;
      const index = list.findIndex((a) => a.id === get().selectedId);
      const next = index < 0 ? 0 : Math.min(list.length - 1, Math.max(0, index + step));
      set({ selectedId: list[next]!.id });
    },

    toggleChecked(id) {
      set((s) => ({ checked: s.checked.includes(id) ? s.checked.filter((x) => x !== id) : [...s.checked, id] }));
    },

    openPanel(id, kind) {
      set({ panel: { id, kind }, selectedId: id });
    },

    closePanel() {
      set({ panel: null });
    },

    setError(id, message) {
      set((s) => ({ errors: { ...s.errors, [id]: message } }));
    },

    async approve(id, edit) {
      if (get().busy.includes(id)) return false;
      const label = labelOf(id);
      setBusy(id, true);
      set((s) => ({ errors: withoutKey(s.errors, id) }));
      const result = await call('approvals.approve', edit ? { id, edit, via: 'ui' } : { id, via: 'ui' });
      setBusy(id, false);
      return settle(id, result, edit ? `Edited and approved ${label}.` : `Approved ${label}.`);
    },

    async reject(id, comment) {
      if (get().busy.includes(id)) return false;
      const label = labelOf(id);
      setBusy(id, true);
      set((s) => ({ errors: withoutKey(s.errors, id) }));
      const result = await call('approvals.reject', { id, comment, via: 'ui' });
      setBusy(id, false);
      return settle(id, result, `Rejected ${label}.`);
    },

    async approveChecked() {
      const ids = get().checked.filter((id) => !get().busy.includes(id));
      if (ids.length === 0) return;
      const labels = new Map(ids.map((id) => [id, labelOf(id)]));
      for (const id of ids) setBusy(id, true);
      set({ refused: [], notice: null });
      const result = await call('approvals.approveMany', { ids, via: 'ui' });
      for (const id of ids) setBusy(id, false);
      if (!result.ok) {
        set({ notice: null, refused: ids.map((id) => ({ id, label: labels.get(id) ?? id, message: describe(result.error) })) });
        return;
      }
      const { approved, refused } = result.data;
      removeItems(approved.map((a) => a.id));
      const count = approved.length;
      set((s) => {
        const errors = { ...s.errors };
        for (const r of refused) errors[r.id] = r.message;
        return {
          errors,
          notice: `Approved ${count} ${count === 1 ? 'draft' : 'drafts'}.${refused.length > 0 ? ` ${refused.length} could not be approved.` : ''}`,
          refused: refused.map((r) => ({ id: r.id, label: labels.get(r.id) ?? r.id, message: r.message })),
        };
      });
    },
  };
});

function withoutKey(record: Record<string, string>, key: string): Record<string, string> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

function describe(error: ContractError): string {
  const details = (error.issues ?? []).map((i) => i.message).filter((m) => m !== error.message);
  return [error.message, ...details].join(' ');
}

/** Keeps the selection; if its item left, the item now at its place (or the last one). */
function nextSelection(before: Approval[], after: Approval[], selectedId: string | null): string | null {
  if (after.length === 0) return null;
  if (selectedId && after.some((a) => a.id === selectedId)) return selectedId;
  const index = before.findIndex((a) => a.id === selectedId);
  if (index < 0) return after[0]!.id;
  // The first survivor at or after the old place keeps the reading order.
  const following = before.slice(index + 1).find((a) => after.some((b) => b.id === a.id));
  return following?.id ?? after[after.length - 1]!.id;
}
