import type { Command } from 'commander';
import { common, dataDirOf, type CommonOptions } from '../common';
import { openSession } from '../session';

/**
 * `chorus mcp`: Chorus as an MCP server over stdio, for other assistants.
 * stdout carries protocol messages only; everything else goes to stderr.
 */
export async function serveMcp(dataDir: string): Promise<void> {
  // A stray console.log from any library would corrupt the protocol stream.
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  const [{ StdioServerTransport }, { createChorusMcpServer }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('../../mcpServer'),
  ]);
  const session = await openSession(dataDir);
  const server = createChorusMcpServer(session);
  const transport = new StdioServerTransport();

  let closing: Promise<void> | null = null;
  const shutdown = (why: string) => {
    closing ??= (async () => {
      process.stderr.write(`[chorus mcp] ${why}; stopping.\n`);
      await server.close().catch(() => undefined);
      await session.close();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`[chorus mcp] did not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  // The client closing our stdin is the usual way an MCP stdio session ends.
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  await server.connect(transport);
  process.stderr.write(`[chorus mcp] serving ${dataDir} over stdio (${session.mode} engine).\n`);
}

export function registerMcp(program: Command): void {
  common(program.command('mcp'))
    .description('serve Chorus as an MCP server over stdio (brands, calendar, knowledge, drafts for approval)')
    .action(async (options: CommonOptions) => {
      await serveMcp(dataDirOf(options));
    });
}
