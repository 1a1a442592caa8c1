// A small MCP server over stdio that dies on demand, for restart tests.
// Run with `node --import tsx crashingServer.ts`. Environment:
//   CRASH_AFTER_MS   exit with code 3 this long after starting
//   CHORUS_TEST_TOKEN  printed to stderr at start-up (the host must redact it)
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'crashing-server', version: '1.0.0' });

server.registerTool(
  'echo',
  { description: 'Answers with the text it was given.', inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } },
  async ({ text }) => ({ content: [{ type: 'text', text }] }),
);

server.registerTool(
  'env',
  {
    description: 'Answers with the value of an environment variable, or "(unset)".',
    inputSchema: { name: z.string() },
    annotations: { readOnlyHint: true },
  },
  async ({ name }) => ({ content: [{ type: 'text', text: process.env[name] ?? '(unset)' }] }),
);

server.registerTool('crash', { description: 'Exits the process with code 3.', inputSchema: {} }, async () => {
  process.stderr.write('crashing on request\n');
  process.exit(3);
});

await server.connect(new StdioServerTransport());
// Like real servers: when the client closes our stdin, we are done.
process.stdin.on('end', () => process.exit(0));
process.stderr.write(`crashing server up (pid ${process.pid}) token=${process.env.CHORUS_TEST_TOKEN ?? '(none)'}\n`);

const after = Number(process.env.CRASH_AFTER_MS);
if (after > 0) {
  setTimeout(() => {
    process.stderr.write(`crashing after ${after} ms\n`);
    process.exit(3);
  }, after);
}
