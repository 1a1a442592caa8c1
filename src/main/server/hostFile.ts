import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

// Where a running `chorus serve` says how to reach it, so other chorus commands
// on the same data folder talk to it instead of opening the database twice.
// The token is a per-start session token, readable by this user only.
export const HOST_FILE = 'host.json';

const HostFile = z.object({ pid: z.number().int(), url: z.url(), wsUrl: z.string(), token: z.string().min(16) });
export type HostFile = z.infer<typeof HostFile>;

export function writeHostFile(dataDir: string, info: HostFile): void {
  const path = join(dataDir, HOST_FILE);
  writeFileSync(path, JSON.stringify(info), { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function readHostFile(dataDir: string): HostFile | null {
  try {
    const parsed = HostFile.safeParse(JSON.parse(readFileSync(join(dataDir, HOST_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function removeHostFile(dataDir: string, pid = process.pid): void {
  if (readHostFile(dataDir)?.pid === pid) rmSync(join(dataDir, HOST_FILE), { force: true });
}
