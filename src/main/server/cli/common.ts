import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Result } from '../../../shared/contract';
import { defaultDataDir } from '../../engine/system/paths';
import { createOutput } from './output';
import { openSession } from './session';

export interface CommonOptions {
  dataDir?: string;
  json?: boolean;
}

/** The options every command takes. */
export function common(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'data folder (default: the desktop app’s folder)').env('CHORUS_DATA_DIR'))
    .option('--json', 'machine-readable output');
}

export function dataDirOf(options: CommonOptions): string {
  return resolve(options.dataDir ?? defaultDataDir());
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return port;
}

/** Opens a session (local engine or running serve), runs one contract call, prints its result. */
export async function callAndPrint<T>(
  options: CommonOptions,
  route: string,
  input: unknown,
  human: (data: T) => string,
): Promise<Result<T>> {
  const out = createOutput(!!options.json);
  const session = await openSession(dataDirOf(options));
  try {
    const result = (await session.call(route, input)) as Result<T>;
    if (result.ok) out.data(result.data, () => human(result.data));
    else out.fail(result.error);
    return result;
  } finally {
    await session.close();
  }
}
