import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ChorusError, HostKind } from '../../../shared/contract';

export const LOCK_FILE = 'chorus.lock';

const LockInfo = z.object({ pid: z.number().int(), host: HostKind, startedAt: z.string() });
export type LockInfo = z.infer<typeof LockInfo>;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(dataDir: string): LockInfo | null {
  try {
    const parsed = LockInfo.safeParse(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

// Locks this process holds: a second engine in the same process must be refused too.
const heldHere = new Set<string>();

/** The live process holding the folder (this one included, when an engine here holds it), or null. */
export function lockHolder(dataDir: string): LockInfo | null {
  const info = readLock(dataDir);
  if (!info) return null;
  if (info.pid === process.pid) return heldHere.has(join(dataDir, LOCK_FILE)) ? info : null;
  return isAlive(info.pid) ? info : null;
}

/**
 * One process per data folder: PGlite is single-process, and two writers would
 * corrupt it. A lock left by a dead process is taken over.
 */
export class DataDirLock {
  private held = false;
  private constructor(private readonly path: string) {}

  static acquire(dataDir: string, host: LockInfo['host']): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, LOCK_FILE);
    const info: LockInfo = { pid: process.pid, host, startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, JSON.stringify(info));
        closeSync(fd);
        const lock = new DataDirLock(path);
        lock.held = true;
        heldHere.add(path);
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = lockHolder(dataDir);
        if (holder) {
          const who =
            holder.pid === process.pid
              ? 'another engine in this process'
              : holder.host === 'electron'
                ? 'the Chorus desktop app'
                : holder.host === 'server'
                  ? '`chorus serve`'
                  : 'another chorus command';
          throw new ChorusError(
            'data_dir_locked',
            `The data folder ${dataDir} is in use by ${who} (pid ${holder.pid}). Stop it first, or use another --data-dir.`,
          );
        }
        rmSync(path, { force: true }); // stale: its process is gone
      }
    }
    throw new ChorusError('data_dir_locked', `Could not take the lock ${path}; remove it if no Chorus is running.`);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    heldHere.delete(this.path);
    const info = (() => {
      try {
        return JSON.parse(readFileSync(this.path, 'utf8')) as { pid?: number };
      } catch {
        return null;
      }
    })();
    if (info?.pid === process.pid) rmSync(this.path, { force: true });
  }
}
