// A tool an agent may call: Chorus's built-ins (brand profile, platform rules,
// scheduled posts, knowledge search) and every MCP server's tools alike.
import type { JsonSchema } from '../llm/ModelProvider';

export interface ToolCallContext {
  runId: string;
  agentId: string;
  brandId?: string;
  signal: AbortSignal;
}

export interface ToolResult {
  /** What the model reads back. */
  content: string;
  isError?: boolean;
  /** Structured result for the UI and the journal, when there is one. */
  data?: unknown;
}

export interface AgentTool {
  /** Namespaced: `chorus.brand_profile`, or `<mcp server>.<tool>` for MCP tools. */
  name: string;
  description: string;
  inputSchema: JsonSchema;
  /** `write` tools (they change or publish something) need a person's approval before each call. */
  effect: 'read' | 'write';
  call(args: Record<string, unknown>, context: ToolCallContext): Promise<ToolResult>;
}

/** Something that offers tools: the built-ins, the MCP host. */
export interface ToolSource {
  listTools(): Promise<AgentTool[]>;
}
