import { ChorusError, type Result } from '../../../shared/contract';
import type { SecretStore } from '../../engine';
import { lockHolder } from '../../engine/system/DataDirLock';
import { readHostFile } from '../hostFile';

/** Either the engine in this process, or a running `chorus serve` on the same data folder. */
export interface CliSession {
  mode: 'local' | 'remote';
  call(route: string, input: unknown): Promise<Result<unknown>>;
  /** Contract events, when the engine runs in this process (RemoteClient does not deliver them). */
  subscribe?: (listener: (name: string, payload: unknown) => void) => () => void;
  close(): Promise<void>;
}

/** A call's data, or its error thrown as a ChorusError for the command to print. */
export function unwrap<T>(result: Result<unknown>): T {
  if (!result.ok) throw new ChorusError(result.error.code, result.error.message, result.error.issues);
  return result.data as T;
}

export async function openSession(dataDir: string, secrets?: SecretStore): Promise<CliSession> {
  const holder = lockHolder(dataDir);
  if (holder) {
    const host = readHostFile(dataDir);
    if (holder.host === 'server' && host && host.pid === holder.pid) {
      const { RemoteClient } = await import('../RemoteClient');
      const client = await RemoteClient.connect(host.wsUrl, host.token);
      return { mode: 'remote', call: (r, i) => client.call(r, i), close: () => client.close() };
    }
    const who = holder.host === 'electron' ? 'the Chorus desktop app' : 'another chorus command';
    throw new ChorusError(
      'data_dir_locked',
      `The data folder ${dataDir} is in use by ${who} (pid ${holder.pid}). Close it, or run this against \`chorus serve\`.`,
    );
  }
  // Loaded on demand: commands that never open the engine stay fast.
  const { createEngine } = await import('../../engine');
  const engine = createEngine({ dataDir, host: 'cli', secrets });
  await engine.start();
  return { mode: 'local', call: (r, i) => engine.call(r, i), subscribe: (listener) => engine.subscribe(listener), close: () => engine.stop() };
}
