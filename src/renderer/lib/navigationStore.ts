import { create } from 'zustand';

export const PAGES = ['calendar', 'approvals', 'crisis', 'inbox', 'brand', 'runs', 'agents', 'settings'] as const;
export type PageId = (typeof PAGES)[number];

export const PAGE_LABELS: Readonly<Record<PageId, string>> = {
  calendar: 'Calendar',
  approvals: 'Approvals',
  crisis: 'Crisis',
  inbox: 'Inbox',
  brand: 'Brand',
  runs: 'Runs',
  agents: 'Agents',
  settings: 'Settings',
};

interface NavigationState {
  page: PageId;
  go(page: PageId): void;
}

// Brand is where a new install starts: nothing else can work without one.
export const useNavigation = create<NavigationState>()((set) => ({
  page: 'brand',
  go: (page) => set({ page }),
}));
