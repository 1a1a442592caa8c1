import { useEffect, useRef, type ComponentType } from 'react';
import { ConnectionBanner, SignedOut } from './components/ConnectionNotice';
import { NavIcon } from './components/NavIcon';
import { AgentsPage } from './features/agents';
import { ApprovalsPage } from './features/approvals';
import { BrandPage } from './features/brand';
import { CalendarPage } from './features/calendar';
import { CrisisPage } from './features/crisis';
import { InboxPage } from './features/inbox';
import { RunsPage } from './features/runs';
import { SettingsPage } from './features/settings';
import { useSettingsStore } from './features/settings/settingsStore';
import { subscribe } from './lib/api';
import { PAGE_LABELS, PAGES, useNavigation, type PageId } from './lib/navigationStore';
import { applyTheme } from './lib/theme';
import { useConnection } from './lib/useConnection';

const PAGE_COMPONENTS: Record<PageId, ComponentType> = {
  calendar: CalendarPage,
  approvals: ApprovalsPage,
  crisis: CrisisPage,
  inbox: InboxPage,
  brand: BrandPage,
  runs: RunsPage,
  agents: AgentsPage,
  settings: SettingsPage,
};

export function App() {
  const connection = useConnection();
  const page = useNavigation((s) => s.page);
  const go = useNavigation((s) => s.go);
  const settings = useSettingsStore((s) => s.settings);
  const loadSettings = useSettingsStore((s) => s.loadSettings);
  const receive = useSettingsStore((s) => s.receive);
  const mainRef = useRef<HTMLElement>(null);
  const firstPage = useRef(true);

  const theme = settings.status === 'ready' ? settings.data.theme : null;
  const signedOut = connection.status === 'unauthorized' || connection.status === 'forbidden';

  useEffect(() => {
    if (signedOut) return;
    void loadSettings();
    return subscribe('settings.changed', receive);
  }, [loadSettings, receive, signedOut]);

  useEffect(() => {
    if (theme) applyTheme(theme);
  }, [theme]);

  useEffect(() => {
    // After a page change, move focus to its heading so keyboard and screen
    // reader users land on the new content (not on the first load).
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [page]);

  if (signedOut) return <SignedOut message={connection.message} />;

  const Page = PAGE_COMPONENTS[page];
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="shell__side">
        <nav className="nav" aria-label="Main">
          <div className="nav__brand" aria-hidden="true">
            Chorus
          </div>
          <ul className="nav__list">
            {PAGES.map((id) => (
              <li key={id}>
                <button
                  type="button"
                  className="nav__item"
                  aria-current={page === id ? 'page' : undefined}
                  onClick={() => go(id)}
                  data-testid={`nav-${id}`}
                >
                  <NavIcon page={id} />
                  <span>{PAGE_LABELS[id]}</span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
      </div>
      <div className="shell__content">
        <ConnectionBanner state={connection} />
        <main id="main" ref={mainRef} className="main" tabIndex={-1}>
          <Page />
        </main>
      </div>
    </div>
  );
}
