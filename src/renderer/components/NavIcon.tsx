import type { PageId } from '../lib/navigationStore';

// Simple 20px line icons; decorative, the button text carries the meaning.
const PATHS: Record<PageId, string> = {
  calendar: 'M4 6h12v10H4zM4 9h12M7 4v3M13 4v3',
  approvals: 'M4 10.5l3.5 3.5L16 6',
  crisis: 'M10 3l7.5 13h-15zM10 8v4M10 14.2v.3',
  inbox: 'M3 11l2.5-6h9L17 11v5H3zM3 11h4l1 2h4l1-2h4',
  brand: 'M10 3l2.1 4.3 4.7.7-3.4 3.3.8 4.7L10 13.8 5.8 16l.8-4.7L3.2 8l4.7-.7z',
  runs: 'M4 5h12M4 10h8M4 15h10',
  agents: 'M7 8.5a2.5 2.5 0 1 0 0-.01M13.5 9a2 2 0 1 0 0-.01M2.5 16c.5-2.5 2.3-4 4.5-4s4 1.5 4.5 4M11.5 12.3c.6-.2 1.3-.3 2-.3 1.9 0 3.3 1.3 3.7 3.5',
  settings: 'M10 7.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM10 2.5v2M10 15.5v2M2.5 10h2M15.5 10h2M4.7 4.7l1.4 1.4M13.9 13.9l1.4 1.4M4.7 15.3l1.4-1.4M13.9 6.1l1.4-1.4',
};

export function NavIcon({ page }: { page: PageId }) {
  return (
    <svg className="nav__icon" width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d={PATHS[page]} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
