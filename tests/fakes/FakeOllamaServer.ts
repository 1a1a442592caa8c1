// A loopback HTTP server speaking Ollama's native API as the real one does:
// /api/chat (JSON or NDJSON stream, tool calls with OBJECT arguments and no
// ids), /api/show (capabilities), /api/tags, /api/embed, /api/version. It
// records every request so tests can assert what the client sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OllamaReply {
  content?: string;
  toolCalls?: { name: string; arguments: Record<string, unknown> }[];
  promptEvalCount?: number;
  evalCount?: number;
  doneReason?: 'stop' | 'length';
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

export interface FakeOllamaOptions {
  /** Installed models and their /api/show capabilities. */
  models?: Record<string, { capabilities: string[]; contextLength?: number }>;
  /** Answers /api/chat from the request instead of the `replies` queue (deterministic whatever the call order). */
  respond?: (body: Record<string, unknown>) => OllamaReply;
  /** Delay before each /api/chat answer, in ms. */
  latencyMs?: number;
}

export class FakeOllamaServer {
  readonly requests: RecordedRequest[] = [];
  /** Replies to /api/chat, in order. */
  readonly replies: OllamaReply[] = [];
  readonly models: Record<string, { capabilities: string[]; contextLength?: number }>;
  private server: Server | undefined;
  url = '';

  private readonly respond: FakeOllamaOptions['respond'];
  private readonly latencyMs: number;

  constructor(options: FakeOllamaOptions = {}) {
    this.models = options.models ?? { 'llama3.2': { capabilities: ['completion', 'tools'], contextLength: 131072 } };
    this.respond = options.respond;
    this.latencyMs = options.latencyMs ?? 0;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Requests to one endpoint, e.g. '/api/chat'. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    if (text) {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return this.json(res, 400, { error: 'invalid JSON' });
      }
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.requests.push({ method: req.method ?? 'GET', path, body });

    if (req.method === 'GET' && path === '/api/version') return this.json(res, 200, { version: '0.12.0' });
    if (req.method === 'GET' && path === '/api/tags') {
      return this.json(res, 200, {
        models: Object.keys(this.models).map((name) => ({
          name: name.includes(':') ? name : `${name}:latest`,
          model: name.includes(':') ? name : `${name}:latest`,
          modified_at: '2025-01-01T00:00:00Z',
          size: 2019393189,
          digest: 'a80c4f17acd5',
          details: { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
        })),
      });
    }
    if (req.method === 'POST' && path === '/api/show') {
      const model = this.models[String(body.model)];
      if (!model) return this.json(res, 404, { error: `model '${String(body.model)}' not found` });
      return this.json(res, 200, {
        modelfile: '',
        parameters: '',
        template: '{{ .Prompt }}',
        details: { format: 'gguf', family: 'llama' },
        model_info: { 'general.architecture': 'llama', 'llama.context_length': model.contextLength ?? 8192 },
        capabilities: model.capabilities,
      });
    }
    if (req.method === 'POST' && path === '/api/embed') {
      if (!this.models[String(body.model)]) return this.json(res, 404, { error: `model "${String(body.model)}" not found, try pulling it first` });
      const input = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
      return this.json(res, 200, {
        model: body.model,
        embeddings: input.map((s) => [s.length, 0.5, -0.25]),
        total_duration: 1000,
        load_duration: 10,
        prompt_eval_count: input.join(' ').split(/\s+/).length,
      });
    }
    if (req.method === 'POST' && path === '/api/chat') {
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      return this.chat(body, res);
    }
    return this.json(res, 404, { error: 'not found' });
  }

  private chat(body: Record<string, unknown>, res: ServerResponse): void {
    const modelName = String(body.model);
    const model = this.models[modelName];
    if (!model) return this.json(res, 404, { error: `model "${modelName}" not found, try pulling it first` });
    if (Array.isArray(body.tools) && body.tools.length > 0 && !model.capabilities.includes('tools')) {
      return this.json(res, 400, { error: `registry.ollama.ai/library/${modelName} does not support tools` });
    }
    const reply = this.respond ? this.respond(body) : this.replies.shift();
    if (!reply) return this.json(res, 500, { error: 'FakeOllamaServer: no scripted reply left' });
    const created_at = new Date().toISOString();
    const toolCalls = reply.toolCalls?.map((tc) => ({ function: { name: tc.name, arguments: tc.arguments } }));
    const final = {
      model: modelName,
      created_at,
      done: true,
      done_reason: reply.doneReason ?? 'stop',
      total_duration: 5_000_000,
      load_duration: 1_000_000,
      prompt_eval_count: reply.promptEvalCount ?? 20,
      prompt_eval_duration: 1_000_000,
      eval_count: reply.evalCount ?? 10,
      eval_duration: 2_000_000,
    };
    if (body.stream === false) {
      return this.json(res, 200, {
        ...final,
        message: { role: 'assistant', content: reply.content ?? '', ...(toolCalls ? { tool_calls: toolCalls } : {}) },
      });
    }
    // Ollama streams by default: one JSON object per line.
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    const content = reply.content ?? '';
    const pieces = content.match(/.{1,4}/gs) ?? [];
    for (const piece of pieces) {
      res.write(`${JSON.stringify({ model: modelName, created_at, message: { role: 'assistant', content: piece }, done: false })}\n`);
    }
    if (toolCalls) {
      res.write(`${JSON.stringify({ model: modelName, created_at, message: { role: 'assistant', content: '', tool_calls: toolCalls }, done: false })}\n`);
    }
    res.end(`${JSON.stringify({ ...final, message: { role: 'assistant', content: '' } })}\n`);
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(value));
  }
}
