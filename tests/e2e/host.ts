import type { Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The line `chorus serve --json` prints once it is ready. */
export interface ListeningLine {
  event: 'listening';
  url: string;
  port: number;
  dataDir: string;
}

export interface RunningHost extends ListeningLine {
  /** Sends SIGTERM and waits for a clean exit (code 0). */
  stop(): Promise<void>;
  /** Everything the host wrote so far, for failure messages. */
  log(): string;
}

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;

/** Starts `node bin/chorus.mjs serve` on a random port and waits for its listening line. */
export function startHost(dataDir: string): Promise<RunningHost> {
  const child = spawn(process.execPath, ['bin/chorus.mjs', 'serve', '--port', '0', '--data-dir', dataDir, '--json'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  let stdoutBuffer = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  return new Promise<RunningHost>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`chorus serve did not report "listening" within ${START_TIMEOUT_MS} ms.\n${output}`));
    }, START_TIMEOUT_MS);

    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`chorus serve exited before listening (code ${code}, signal ${signal}).\n${output}`));
    });

    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stdoutBuffer += chunk.toString();
      let newline: number;
      while ((newline = stdoutBuffer.indexOf('\n')) >= 0) {
        const line = stdoutBuffer.slice(0, newline).trim();
        stdoutBuffer = stdoutBuffer.slice(newline + 1);
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        if ((parsed as { event?: unknown })?.event !== 'listening') continue;
        clearTimeout(timer);
        const info = parsed as ListeningLine;
        resolve({
          ...info,
          log: () => output,
          stop: () => stopHost(child, exited, () => output),
        });
      }
    });
  });
}

async function stopHost(child: ChildProcess, exited: Promise<number | null>, log: () => string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const code = await Promise.race([
    exited,
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (code === 'timeout') {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`chorus serve did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM.\n${log()}`);
  }
  if (code !== 0) throw new Error(`chorus serve exited with code ${code} after SIGTERM.\n${log()}`);
}

/** Collects what must never happen on the page: uncaught errors and CSP violations. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return problems;
}
