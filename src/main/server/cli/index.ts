import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ChorusError, type Brand, type DoctorReport, type Result } from '../../../shared/contract';
import { defaultDataDir } from '../../engine';
import { appVersion } from '../../engine/system/packageInfo';
import { createOutput, table, type Output } from './output';
import { serve } from './serve';
import { openSession } from './session';

interface CommonOptions {
  dataDir?: string;
  json?: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return port;
}

function common(command: Command): Command {
  return command
    .addOption(
      new Option('--data-dir <dir>', 'data folder (default: the desktop app’s folder)').env('CHORUS_DATA_DIR'),
    )
    .option('--json', 'machine-readable output');
}

function dataDirOf(options: CommonOptions): string {
  return resolve(options.dataDir ?? defaultDataDir());
}

/** Opens a session, runs one contract call, prints its result. */
async function callAndPrint(
  options: CommonOptions,
  route: string,
  input: unknown,
  human: (data: never) => string,
): Promise<Result<unknown>> {
  const out = createOutput(!!options.json);
  const session = await openSession(dataDirOf(options));
  try {
    const result = await session.call(route, input);
    if (result.ok) out.data(result.data, () => human(result.data as never));
    else out.fail(result.error);
    return result;
  } finally {
    await session.close();
  }
}

function brandsTable(brands: Brand[]): string {
  if (brands.length === 0) return 'No brands yet. Create one with: chorus brands create --name "My brand"';
  return table(
    brands.map((b) => [b.name, b.timezone, b.contentPillars.join(', '), b.id]),
    ['NAME', 'TIME ZONE', 'PILLARS', 'ID'],
  );
}

export function buildProgram(): Command {
  const program = new Command('chorus')
    .description('Chorus: a local-first social media team of AI agents.')
    .version(appVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  common(program.command('serve'))
    .description('serve the app to a browser and the contract over WebSocket')
    .option('--port <port>', 'port to listen on; 0 picks a free one', parsePort, 4321)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--token <token>', 'access token (default: a new random one each start)')
    .action(async (options: CommonOptions & { port: number; host: string; token?: string }) => {
      if (options.token !== undefined && options.token.length < 16) {
        throw new InvalidArgumentError('--token must be at least 16 characters.');
      }
      await serve(
        { dataDir: dataDirOf(options), port: options.port, host: options.host, token: options.token },
        createOutput(!!options.json),
      );
    });

  const brands = program.command('brands').description('list and create brands');
  common(brands.command('list'))
    .description('list every brand')
    .action(async (options: CommonOptions) => {
      await callAndPrint(options, 'brands.list', {}, brandsTable);
    });
  common(brands.command('create'))
    .description('create a brand')
    .requiredOption('--name <name>', 'brand name')
    .option('--timezone <zone>', 'IANA time zone, e.g. Europe/Paris (default: this machine’s)')
    .option('--description <text>', 'what the brand does')
    .option('--voice <text>', 'voice and tone')
    .option('--audience <text>', 'who the brand speaks to')
    .action(async (options: CommonOptions & Record<string, string | undefined>) => {
      const input = Object.fromEntries(
        (['name', 'timezone', 'description', 'voice', 'audience'] as const)
          .filter((key) => options[key] !== undefined)
          .map((key) => [key, options[key]]),
      );
      await callAndPrint(options, 'brands.create', input, (b: Brand) => `Created brand “${b.name}” (${b.id}).`);
    });

  common(program.command('doctor'))
    .description('check the data folder, keychain, Ollama and Chromium')
    .action(async (options: CommonOptions) => {
      const result = await callAndPrint(options, 'system.doctor', {}, (report: DoctorReport) =>
        report.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.id.padEnd(9)} ${c.detail}`).join('\n'),
      );
      // Like `brew doctor`: any failed check makes the exit code non-zero.
      if (result.ok && !(result.data as DoctorReport).ok) process.exitCode = 1;
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const out: Output = createOutput(argv.includes('--json'));
    if (error instanceof ChorusError) out.fail(error.toContractError());
    else if (error instanceof InvalidArgumentError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 2;
    } else out.fail({ code: 'internal', message: error instanceof Error ? error.message : String(error) });
  }
}
