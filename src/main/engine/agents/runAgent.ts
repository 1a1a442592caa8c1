// The agent runtime: a bounded tool loop, then ONE structured call without
// tools (Ollama must never get `format` and `tools` together), validated with
// the agent's output schema and repaired with the real validation errors.
// Every run, tool call and structured attempt is written to the database as
// it happens; every model call gets a usage row from the model client.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Brand } from '../../../shared/contract';
import type { AgentRunEvent, RunStatus } from '../../../shared/contract/schemas/agents';
import { PLATFORMS, PLATFORM_LABELS, type Platform } from '../../../shared/platforms';
import { ProviderError, type ChatMessage, type ChatRequest, type ChatResponse, type ToolCall, type ToolSpec } from '../llm/ModelProvider';
import type { ModelRouter } from '../llm/modelRouter';
import { generateObject } from '../llm/structuredOutput';
import { parseTextToolCall } from '../llm/textToolCalls';
import type { AgentDefinition } from './agentLoader';
import type { AgentRunRepository } from './AgentRunRepository';
import type { AgentTool, ToolResult } from './AgentTool';
import { jsonSchemaOf, OUTPUT_SCHEMAS } from './outputSchemas';

export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_REPAIRS = 3;
/** What the model reads back from one tool call, at most. */
const MAX_TOOL_RESULT_CHARS = 8_000;

export interface ToolApprovalRequest {
  runId: string;
  agentId: string;
  tool: string;
  arguments: Record<string, unknown>;
}

export interface RunAgentContext {
  /** The fallback chain; it writes a model_calls row per call under the run's id. */
  models: ModelRouter;
  /** Every tool that exists (built-ins, MCP); the agent gets those its allow-list names. */
  tools: readonly AgentTool[];
  runs: AgentRunRepository;
  brand?: Brand | null;
  runId?: string;
  /** The caller already wrote this run's row (to answer with its id at once). */
  journaled?: boolean;
  parentRunId?: string | null;
  signal?: AbortSignal;
  onEvent?: (event: AgentRunEvent) => void;
  /**
   * Asked before each call of a `write` tool. Without one, write tools are
   * refused with a message the model reads (nothing changes without a person).
   */
  approve?: (request: ToolApprovalRequest) => Promise<boolean>;
  toolTimeoutMs?: number;
  maxRepairs?: number;
  /** Replaces the agent's output schema (a team lead routes with an enum of its members). */
  output?: { name: string; schema: z.ZodType };
  /** Appended to the instructions (a team lead's charter). */
  extraInstructions?: string;
}

export interface AgentRunOutcome {
  runId: string;
  agentId: string;
  status: Exclude<RunStatus, 'running'>;
  output: unknown;
  templateMade: boolean;
  error: string | null;
  steps: number;
  toolCalls: number;
  repairs: number;
}

class Cancelled extends Error {
  constructor() {
    super('The run was cancelled.');
  }
}

/** `chorus.brand_profile` matches itself; `server.*` matches every tool of that server. */
export function toolAllowed(patterns: readonly string[], name: string): boolean {
  return patterns.some((p) => p === name || (p.endsWith('.*') && name.startsWith(p.slice(0, -1)) && name.length > p.length - 1));
}

const validators = new WeakMap<AgentTool, z.ZodType | null>();

/** The tool's JSON Schema as zod, so arguments are checked before the call. */
function validatorFor(tool: AgentTool): z.ZodType | null {
  if (!validators.has(tool)) {
    let schema: z.ZodType | null;
    try {
      schema = z.fromJSONSchema(tool.inputSchema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch {
      schema = null; // a schema zod cannot read: the tool checks its own input
    }
    validators.set(tool, schema);
  }
  return validators.get(tool)!;
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 8)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** The platform a task names ("…for LinkedIn"), for the offline drafter. */
export function platformInTask(task: string): Platform | undefined {
  const lower = task.toLowerCase();
  for (const platform of PLATFORMS) {
    const label = PLATFORM_LABELS[platform].toLowerCase();
    const words = platform === 'x' ? ['twitter', ' x ', ' x.', ' x,', 'on x'] : [label];
    if (words.some((w) => ` ${lower} `.includes(w))) return platform;
  }
  return undefined;
}

function brandSummary(brand: Brand): string {
  const lines = [
    `Brand: ${brand.name}`,
    brand.description && `What it does: ${brand.description}`,
    brand.voice && `Voice: ${brand.voice}`,
    brand.audience && `Audience: ${brand.audience}`,
    brand.contentPillars.length && `Content pillars: ${brand.contentPillars.join(', ')}`,
    brand.bannedWords.length && `Never use: ${brand.bannedWords.join(', ')}`,
    brand.defaultHashtags.length && `Default hashtags: ${brand.defaultHashtags.map((h) => `#${h}`).join(' ')}`,
    `Time zone: ${brand.timezone}`,
  ];
  return lines.filter(Boolean).join('\n');
}

export async function runAgent(agent: AgentDefinition, input: { task: string }, context: RunAgentContext): Promise<AgentRunOutcome> {
  const runId = context.runId ?? randomUUID();
  const parentRunId = context.parentRunId ?? null;
  const signal = context.signal ?? new AbortController().signal;
  const brand = context.brand ?? null;
  const outputName = context.output?.name ?? agent.output;
  const outputSchema: z.ZodType = context.output?.schema ?? OUTPUT_SCHEMAS[agent.output];
  const outputJson = jsonSchemaOf(outputSchema);
  const preference = agent.model === 'default' ? undefined : agent.model;
  const maxRepairs = context.maxRepairs ?? DEFAULT_MAX_REPAIRS;
  const toolTimeoutMs = context.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;

  const emit = (event: Record<string, unknown> & { kind: AgentRunEvent['kind'] }) => {
    try {
      context.onEvent?.({ runId, agentId: agent.id, parentRunId, ...event } as AgentRunEvent);
    } catch {
      // a listener's failure must not stop the run
    }
  };
  const onDelta = context.onEvent ? (text: string) => emit({ kind: 'delta', text }) : undefined;
  const checkCancelled = () => {
    if (signal.aborted) throw new Cancelled();
  };

  const tools = agent.maxSteps > 0 ? context.tools.filter((t) => toolAllowed(agent.tools, t.name)) : [];
  const byName = new Map(tools.map((t) => [t.name, t]));
  const specs: ToolSpec[] = tools.map((t) => ({ name: t.name, description: t.description, parameters: t.inputSchema }));

  const system = [
    agent.instructions,
    context.extraInstructions,
    brand ? `## The brand\n${brandSummary(brand)}` : '## The brand\nNo brand was given for this task.',
    tools.length
      ? `## Working\nYou may call these tools: ${tools.map((t) => t.name).join(', ')}. Call a tool only when you need what it returns. When you have what you need, stop calling tools and reply with a one-line note; you will then be asked for your final answer in a fixed JSON format.`
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const messages: ChatMessage[] = [
    { role: 'system', content: system },
    { role: 'user', content: input.task },
  ];
  const purpose: ChatRequest['purpose'] = {
    agentId: agent.id,
    outputSchema: outputName,
    task: input.task,
    ...(brand ? { brand } : {}),
    ...(platformInTask(input.task) ? { platform: platformInTask(input.task) } : {}),
  };
  const temperature = agent.temperature !== undefined ? { temperature: agent.temperature } : {};
  const chat = (request: { messages: ChatMessage[]; tools: ToolSpec[] }, stepPath: string): Promise<ChatResponse> =>
    context.models.chat({
      ...request,
      signal,
      purpose,
      ...(onDelta ? { onDelta } : {}),
      ...temperature,
      ...(preference ? { preference } : {}),
      agentId: agent.id,
      runId,
      stepPath,
    });

  let steps = 0;
  let toolCallCount = 0;
  let repairs = 0;
  let templateMade = false;

  async function executeTool(call: ToolCall): Promise<ToolResult> {
    const tool = byName.get(call.name);
    if (!tool) {
      return {
        content: `There is no tool named "${call.name}". The tools you can call are: ${[...byName.keys()].join(', ') || 'none'}.`,
        isError: true,
      };
    }
    if (call.invalidArguments) return { content: `The arguments were not a JSON object: ${call.invalidArguments.error}`, isError: true };
    const validator = validatorFor(tool);
    if (validator) {
      const parsed = validator.safeParse(call.arguments);
      if (!parsed.success) return { content: `Invalid arguments for ${tool.name}: ${issuesText(parsed.error)}. Call it again with corrected arguments.`, isError: true };
    }
    if (tool.effect === 'write') {
      if (!context.approve) {
        return { content: `${tool.name} changes something outside Chorus and needs a person's approval, which this run cannot ask for. Do not call it; describe the change in your final answer instead.`, isError: true };
      }
      const approved = await context.approve({ runId, agentId: agent.id, tool: tool.name, arguments: call.arguments });
      checkCancelled();
      if (!approved) return { content: `The user declined the call to ${tool.name}. Do not retry it.`, isError: true };
    }
    return callWithTimeout(tool, call.arguments);
  }

  function callWithTimeout(tool: AgentTool, args: Record<string, unknown>): Promise<ToolResult> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<ToolResult>((resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort(new Error('timeout'));
        resolve({ content: `${tool.name} did not answer within ${toolTimeoutMs / 1000} s and was stopped. Continue without it.`, isError: true });
      }, toolTimeoutMs);
      onAbort = () => {
        controller.abort(new Error('cancelled'));
        reject(new Cancelled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const called = tool
      .call(args, { runId, agentId: agent.id, ...(brand ? { brandId: brand.id } : {}), signal: controller.signal })
      .catch((error: unknown): ToolResult => ({ content: `${tool.name} failed: ${error instanceof Error ? error.message : String(error)}`, isError: true }));
    return Promise.race([called, stopped]).finally(() => {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    });
  }

  if (!context.journaled) await context.runs.start({ id: runId, agentId: agent.id, parentRunId, brandId: brand?.id ?? null, task: input.task });
  try {
    checkCancelled();
    // 1. The tool loop.
    while (specs.length && steps < agent.maxSteps) {
      checkCancelled();
      steps += 1;
      emit({ kind: 'step', step: steps, phase: 'tools' });
      const response = await chat({ messages, tools: specs }, `tools.${steps}`);
      if (response.templateMade) break; // no model: nothing to gather
      let calls = response.toolCalls;
      if (calls.length === 0) {
        // A small model describing a call instead of making it: run it if it names a real tool with valid arguments.
        const written = parseTextToolCall(response.content, specs);
        if (written) calls = [written];
      }
      messages.push(calls.length ? { role: 'assistant', content: response.content, toolCalls: calls } : { role: 'assistant', content: response.content });
      if (calls.length === 0) break;
      for (const call of calls) {
        checkCancelled();
        toolCallCount += 1;
        emit({ kind: 'tool_call', callId: call.id, tool: call.name, arguments: call.arguments });
        const started = performance.now();
        const result = await executeTool(call);
        const content = result.content.length > MAX_TOOL_RESULT_CHARS ? `${result.content.slice(0, MAX_TOOL_RESULT_CHARS)}… (cut)` : result.content;
        await context.runs.step(runId, {
          kind: 'tool_call',
          name: call.name,
          input: call.arguments,
          result: { content, isError: !!result.isError },
          isError: !!result.isError,
          durationMs: performance.now() - started,
        });
        emit({ kind: 'tool_result', callId: call.id, tool: call.name, content, isError: !!result.isError });
        messages.push({ role: 'tool', content, toolCallId: call.id, toolName: call.name });
      }
    }

    // 2. One final structured call, no tools; repaired with the real errors, then the next model.
    const finalMessages: ChatMessage[] = [
      ...messages,
      {
        role: 'user',
        content: `Now give your final answer as one JSON object matching the "${outputName}" schema. Reply with the JSON only: no code fences, no commentary.\nSchema: ${JSON.stringify(outputJson)}`,
      },
    ];
    emit({ kind: 'step', step: steps + 1, phase: 'final' });
    const started = performance.now();
    const result = await generateObject({
      router: context.models,
      ...(preference ? { preference } : {}),
      schema: outputSchema,
      schemaName: outputName,
      messages: finalMessages,
      maxRepairs,
      meta: { agentId: agent.id, runId, stepPath: 'final' },
      purpose,
      signal,
      ...temperature,
      ...(onDelta ? { onDelta } : {}),
    });
    repairs = result.repairs;
    templateMade = result.templateMade;
    await context.runs.step(runId, {
      kind: 'final',
      name: outputName,
      result: { provider: result.provider, model: result.model, repairs: result.repairs, fallbacks: result.fallbacks, coercions: result.coercions },
      durationMs: performance.now() - started,
    });
    await context.runs.finish(runId, { status: 'succeeded', output: result.value, templateMade });
    emit({ kind: 'done', status: 'succeeded', output: result.value, templateMade });
    return { runId, agentId: agent.id, status: 'succeeded', output: result.value, templateMade, error: null, steps, toolCalls: toolCallCount, repairs };
  } catch (caught) {
    const cancelled = caught instanceof Cancelled || signal.aborted || (caught instanceof ProviderError && caught.kind === 'aborted');
    const status = cancelled ? 'cancelled' : 'failed';
    const message = cancelled ? 'The run was cancelled.' : caught instanceof Error ? caught.message : String(caught);
    await context.runs.finish(runId, { status, error: message, templateMade });
    emit({ kind: 'error', status, message });
    return { runId, agentId: agent.id, status, output: null, templateMade, error: message, steps, toolCalls: toolCallCount, repairs };
  }
}
