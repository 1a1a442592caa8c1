import initial from './0001_initial';

export interface Migration {
  /** Strictly increasing; the number in the file name. */
  version: number;
  name: string;
  sql: string;
}

// SQL lives in numbered TS modules so the same text ships in the bundled
// Electron main process and runs from source in the headless host.
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'initial', sql: initial }];
