// A loopback HTTP server speaking the OpenAI wire format: /v1/chat/completions
// (JSON, or SSE with `data: [DONE]`, tool-call arguments as JSON STRINGS
// streamed in fragments, a usage chunk when `stream_options.include_usage`),
// /v1/embeddings and /v1/models, with OpenAI's error bodies. Records requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OpenAIReply {
  content?: string;
  /** `arguments` is sent exactly as given: pass a string to send malformed JSON. */
  toolCalls?: { name: string; arguments: Record<string, unknown> | string; id?: string }[];
  promptTokens?: number;
  completionTokens?: number;
  finishReason?: 'stop' | 'length';
}

export interface RecordedOpenAIRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface FakeOpenAIOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  models?: string[];
}

export class FakeOpenAIServer {
  readonly requests: RecordedOpenAIRequest[] = [];
  readonly replies: OpenAIReply[] = [];
  /** Answer the next N chat requests with this HTTP status (429, 500…). */
  failNext: { status: number; count: number } | undefined;
  readonly models: string[];
  private server: Server | undefined;
  url = '';

  constructor(private readonly options: FakeOpenAIOptions = {}) {
    this.models = options.models ?? ['gpt-4o-mini', 'text-embedding-3-small'];
  }

  /** Resolves to the base URL, ending in /v1. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this.url;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  requestsTo(path: string): RecordedOpenAIRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });

    if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      return this.error(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return this.json(res, 200, {
        object: 'list',
        data: this.models.map((id) => ({ id, object: 'model', created: 1715367049, owned_by: 'system' })),
      });
    }
    if (req.method === 'POST' && path === '/v1/embeddings') {
      if (!this.models.includes(String(body.model))) return this.modelMissing(res, String(body.model));
      const input = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
      return this.json(res, 200, {
        object: 'list',
        data: input.map((s, index) => ({ object: 'embedding', index, embedding: [s.length, 0.1, 0.2] })),
        model: body.model,
        usage: { prompt_tokens: input.length * 3, total_tokens: input.length * 3 },
      });
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') return this.chat(body, res);
    return this.error(res, 404, `Unknown request URL: ${req.method} ${path}`, 'invalid_request_error', 'unknown_url');
  }

  private chat(body: Record<string, unknown>, res: ServerResponse): void {
    if (this.failNext && this.failNext.count > 0) {
      this.failNext.count -= 1;
      const status = this.failNext.status;
      return status === 429
        ? this.error(res, 429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded')
        : this.error(res, status, 'The server had an error while processing your request.', 'server_error', null);
    }
    // OpenAI's own check on function names, as it answers it.
    const names: [string, unknown][] = [
      ...((body.tools as { function?: { name?: unknown } }[] | undefined) ?? []).map((t, i): [string, unknown] => [`tools[${i}].function.name`, t.function?.name]),
      ...((body.messages as { tool_calls?: { function?: { name?: unknown } }[] }[] | undefined) ?? []).flatMap((m, i) =>
        (m.tool_calls ?? []).map((tc, j): [string, unknown] => [`messages[${i}].tool_calls[${j}].function.name`, tc.function?.name]),
      ),
    ];
    for (const [where, name] of names) {
      if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
        return this.error(res, 400, `Invalid '${where}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, 'invalid_request_error', 'invalid_value');
      }
    }
    const model = String(body.model);
    if (!this.models.includes(model)) return this.modelMissing(res, model);
    const reply = this.replies.shift();
    if (!reply) return this.error(res, 500, 'FakeOpenAIServer: no scripted reply left', 'server_error', null);
    const id = `chatcmpl-${Math.random().toString(36).slice(2, 10)}`;
    const created = Math.floor(Date.now() / 1000);
    const toolCalls = reply.toolCalls?.map((tc, i) => ({
      id: tc.id ?? `call_${id.slice(-6)}${i}`,
      type: 'function' as const,
      function: { name: tc.name, arguments: typeof tc.arguments === 'string' ? tc.arguments : JSON.stringify(tc.arguments) },
    }));
    const finish = toolCalls ? 'tool_calls' : (reply.finishReason ?? 'stop');
    const usage = {
      prompt_tokens: reply.promptTokens ?? 30,
      completion_tokens: reply.completionTokens ?? 12,
      total_tokens: (reply.promptTokens ?? 30) + (reply.completionTokens ?? 12),
    };
    if (!body.stream) {
      return this.json(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: `${model}-2024-07-18`,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: toolCalls ? null : (reply.content ?? ''), ...(toolCalls ? { tool_calls: toolCalls } : {}), refusal: null },
            logprobs: null,
            finish_reason: finish,
          },
        ],
        usage,
      });
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: `${model}-2024-07-18`, choices, ...extra })}\n\n`);
    send([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    for (const piece of (reply.content ?? '').match(/.{1,5}/gs) ?? []) send([{ index: 0, delta: { content: piece }, finish_reason: null }]);
    for (const [index, call] of (toolCalls ?? []).entries()) {
      // The id and name first with empty arguments, then the arguments in fragments.
      send([{ index: 0, delta: { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }, finish_reason: null }]);
      for (const fragment of call.function.arguments.match(/.{1,7}/gs) ?? []) {
        send([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: fragment } }] }, finish_reason: null }]);
      }
    }
    send([{ index: 0, delta: {}, finish_reason: finish }]);
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage) send([], { usage });
    res.end('data: [DONE]\n\n');
  }

  private modelMissing(res: ServerResponse, model: string): void {
    this.error(res, 404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
  }

  private error(res: ServerResponse, status: number, message: string, type: string, code: string | null): void {
    this.json(res, status, { error: { message, type, param: null, code } });
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(value));
  }
}
