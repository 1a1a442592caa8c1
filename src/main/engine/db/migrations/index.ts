import initial from './0001_initial';
import modelCalls from './0002_model_calls';
import agentRuns from './0003_agent_runs';
import publishing from './0004_publishing';
import accounts from './0005_accounts';
import postTitle from './0006_post_title';
import workflows from './0007_workflows';

export interface Migration {
  /** Strictly increasing; the number in the file name. */
  version: number;
  name: string;
  sql: string;
}

// SQL lives in numbered TS modules so the same text ships in the bundled
// Electron main process and runs from source in the headless host.
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'model_calls', sql: modelCalls },
  { version: 3, name: 'agent_runs', sql: agentRuns },
  { version: 4, name: 'publishing', sql: publishing },
  { version: 5, name: 'accounts', sql: accounts },
  { version: 6, name: 'post_title', sql: postTitle },
  { version: 7, name: 'workflows', sql: workflows },
];
