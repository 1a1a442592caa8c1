// Configs for the MCP servers tests run: the real filesystem server from
// node_modules, and our crash-on-demand server.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** @modelcontextprotocol/server-filesystem's bin, run with this Node. */
export function filesystemServer(root: string): { command: string; args: string[] } {
  const pkg = require.resolve('@modelcontextprotocol/server-filesystem/package.json');
  return { command: process.execPath, args: [fileURLToPath(new URL('dist/index.js', `file://${pkg}`)), root] };
}

/** tests/fakes/mcp/crashingServer.ts through tsx. */
export function crashingServer(env: Record<string, string> = {}): { command: string; args: string[]; env: Record<string, string> } {
  return {
    command: process.execPath,
    // An absolute loader path, so the child does not depend on its working directory.
    args: ['--import', pathToFileURL(require.resolve('tsx')).href, fileURLToPath(new URL('./crashingServer.ts', import.meta.url))],
    env,
  };
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
