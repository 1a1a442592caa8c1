import { create } from 'zustand';
import type { Account } from '../../../shared/contract/schemas/accounts';
import { call } from '../../lib/api';

interface AccountsState {
  accounts: Account[];
  status: 'idle' | 'loading' | 'ready' | 'failed';
  error: string | null;
  /** Every brand's accounts; the calendar, the composer and Settings share this list. */
  load(): Promise<void>;
  /** Puts one account the host just returned into the list. */
  put(account: Account): void;
}

const byHandle = (a: Account, b: Account) => a.platform.localeCompare(b.platform) || a.handle.localeCompare(b.handle);

// A list that arrives after a newer request was made is dropped.
let ticket = 0;

export const useAccountsStore = create<AccountsState>()((set, get) => ({
  accounts: [],
  status: 'idle',
  error: null,

  async load() {
    const mine = ++ticket;
    if (get().status !== 'ready') set({ status: 'loading' });
    const result = await call('accounts.list', {});
    if (mine !== ticket) return;
    if (result.ok) set({ accounts: [...result.data].sort(byHandle), status: 'ready', error: null });
    // A failed refresh keeps the list already on screen.
    else if (get().status !== 'ready') set({ status: 'failed', error: result.error.message });
  },

  put(account) {
    ticket++;
    set((s) => ({ accounts: [...s.accounts.filter((a) => a.id !== account.id), account].sort(byHandle) }));
  },
}));
