import { InvalidArgumentError, type Command } from 'commander';
import { common, dataDirOf, parsePort, type CommonOptions } from '../common';
import { createOutput, type Output } from '../output';

export interface ServeOptions {
  dataDir: string;
  port: number;
  host: string;
  token?: string;
}

/** `chorus serve`: runs until SIGINT/SIGTERM, then stops the engine and closes the database. */
export async function serve(options: ServeOptions, out: Output): Promise<void> {
  if (options.host !== '127.0.0.1' && options.host !== 'localhost' && options.host !== '::1') {
    process.stderr.write(
      `Warning: listening on ${options.host} makes Chorus reachable from other machines; anyone with the token can use it.\n`,
    );
  }
  const { startHeadlessHost } = await import('../../HeadlessHost');
  const host = await startHeadlessHost(options);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!out.json) process.stderr.write(`\n${signal} received; stopping Chorus…\n`);
    host.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Chorus did not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    await host.ready;
  } catch (error) {
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    throw error;
  }
  const info = {
    event: 'listening',
    url: host.url,
    port: host.port,
    dataDir: host.dataDir,
    migrationsApplied: host.engine.appliedMigrations,
  };
  // One line, so scripts and tests can read it as soon as it arrives.
  if (out.json) process.stdout.write(`${JSON.stringify(info)}\n`);
  else {
    process.stdout.write(
      [`Chorus is running.`, `  Open:        ${host.url}`, `  Data folder: ${host.dataDir}`, `Press Ctrl+C to stop.`, ''].join('\n'),
    );
  }
}

export function registerServe(program: Command): void {
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
}
