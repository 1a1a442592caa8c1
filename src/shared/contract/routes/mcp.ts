import { z } from 'zod';
import { NoInput } from '../schemas/common';
import {
  DraftSubmitInput,
  KnowledgeHit,
  KnowledgeSearchInput,
  McpCallToolInput,
  McpCallToolResult,
  McpImportInput,
  McpLogLine,
  McpServerInfo,
  McpServerName,
  McpServerRef,
  McpStatusEvent,
} from '../schemas/mcp';
import { Post } from '../schemas/posts';
import { route, type EventMap, type RouteMap } from './route';

// MCP servers Chorus hosts, and what `chorus mcp` (Chorus as an MCP server) needs from the engine.
export const mcpRoutes = {
  'mcp.servers': route(NoInput, z.array(McpServerInfo), 'Configured MCP servers with status, last error and tools.'),
  'mcp.logs': route(
    McpServerRef,
    z.object({ server: McpServerName, lines: z.array(McpLogLine) }),
    'The last 200 log lines of one server (stderr and what Chorus noted), secrets redacted.',
  ),
  'mcp.import': route(
    McpImportInput,
    z.array(McpServerInfo),
    'Adds servers from pasted {"mcpServers": …} JSON (merge), or replaces the config; plain tokens move to the keychain.',
  ),
  'mcp.remove': route(McpServerRef, z.object({ server: McpServerName }), 'Stops a server and removes it from the config.'),
  'mcp.restart': route(McpServerRef, McpServerInfo, 'Restarts a server now, forgetting earlier failures.'),
  'mcp.callTool': route(
    McpCallToolInput,
    McpCallToolResult,
    'Calls one tool of a server after checking its arguments; tools that write need approved: true.',
  ),
  'drafts.submit': route(DraftSubmitInput, Post, 'Adds a proposed post to the approval queue (status in_review); never publishes.'),
  'knowledge.search': route(KnowledgeSearchInput, z.array(KnowledgeHit), 'Full-text search of a brand’s knowledge.'),
} satisfies RouteMap;

export const mcpEvents = {
  'mcp.status': McpStatusEvent,
} satisfies EventMap;
