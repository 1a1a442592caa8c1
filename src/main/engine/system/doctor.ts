import { accessSync, constants, existsSync } from 'node:fs';
import type { DoctorCheck, DoctorReport } from '../../../shared/contract';
import type { Database } from '../db/Database';
import type { SecretStore } from '../secrets/SecretStore';

const CHROMIUM_CANDIDATES: Record<string, string[]> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/snap/bin/chromium'],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
  ],
};

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.CHROME_PATH, env.CHROMIUM_PATH, ...(CHROMIUM_CANDIDATES[process.platform] ?? [])];
  return candidates.find((path): path is string => !!path && existsSync(path)) ?? null;
}

async function check(id: DoctorCheck['id'], run: () => Promise<string>): Promise<DoctorCheck> {
  try {
    return { id, ok: true, detail: await run() };
  } catch (error) {
    return { id, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

export interface DoctorDeps {
  dataDir: string;
  db: Database | null;
  secrets: SecretStore;
  ollamaUrl: string;
  fetchTimeoutMs?: number;
}

/** What a person needs to know when something does not work. Each check is independent. */
export async function runDoctor(deps: DoctorDeps): Promise<DoctorReport> {
  const checks = await Promise.all([
    check('dataDir', async () => {
      accessSync(deps.dataDir, constants.W_OK);
      return `Data folder ${deps.dataDir} is writable.`;
    }),
    check('database', async () => {
      if (!deps.db) throw new Error('The database is not open.');
      return `Database open at schema version ${await deps.db.schemaVersion()} with pgvector.`;
    }),
    check('keychain', async () => {
      const keys = await deps.secrets.keys();
      return `OS keychain reachable; ${keys.length} Chorus secret(s) stored.`;
    }),
    check('ollama', async () => {
      const url = new URL('/api/version', deps.ollamaUrl);
      let response: Response;
      try {
        response = await fetch(url, { signal: AbortSignal.timeout(deps.fetchTimeoutMs ?? 1500) });
      } catch {
        throw new Error(`Ollama is not reachable at ${deps.ollamaUrl}. Install it from ollama.com and run \`ollama serve\`; Chorus drafts from templates until then.`);
      }
      if (!response.ok) throw new Error(`Ollama at ${deps.ollamaUrl} answered HTTP ${response.status}.`);
      const body = (await response.json().catch(() => ({}))) as { version?: string };
      return `Ollama ${body.version ?? '(unknown version)'} reachable at ${deps.ollamaUrl}.`;
    }),
    check('chromium', async () => {
      const path = findChromium();
      if (!path) throw new Error('No Chromium or Chrome found; set CHROME_PATH. It is needed for browser tests and web research.');
      return `Chromium found at ${path}.`;
    }),
  ]);
  return { ok: checks.every((c) => c.ok), checks };
}
