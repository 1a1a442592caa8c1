// Chorus as an MCP server (`chorus mcp`): other assistants read brands, the
// calendar and knowledge, and propose drafts, which land in the approval queue.
// Everything goes through the contract, so it works on a local engine and
// against a running `chorus serve` alike.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { IsoDateTime, Platform, type Brand, type Post, type Result } from '../../shared/contract';
import type { KnowledgeHit } from '../../shared/contract/schemas/mcp';
import { appVersion } from '../engine/system/packageInfo';

/** What the server needs: one contract call at a time (a CliSession fits). */
export interface ContractCaller {
  call(route: string, input: unknown): Promise<Result<unknown>>;
}

class ToolFailure extends Error {}

const ok = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
  structuredContent: { result: value },
});
const fail = (message: string): CallToolResult => ({ content: [{ type: 'text', text: message }], isError: true });

const BrandRef = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .describe('The brand’s id or its name (case-insensitive).');

export function createChorusMcpServer(session: ContractCaller, options: { source?: string } = {}): McpServer {
  const server = new McpServer(
    { name: 'chorus', version: appVersion() },
    { instructions: 'Chorus runs a brand’s social media. Drafts you create wait for a person’s approval; nothing is published by these tools.' },
  );

  async function call<T>(route: string, input: unknown): Promise<T> {
    const result = (await session.call(route, input)) as Result<T>;
    if (result.ok) return result.data;
    const issues = result.error.issues?.length
      ? ` (${result.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')})`
      : '';
    throw new ToolFailure(`${result.error.message}${issues}`);
  }

  async function brandOf(ref: string): Promise<Brand> {
    const brands = await call<Brand[]>('brands.list', {});
    const brand = brands.find((b) => b.id === ref) ?? brands.find((b) => b.name.toLowerCase() === ref.toLowerCase());
    if (!brand) {
      const names = brands.map((b) => `"${b.name}"`).join(', ') || 'none yet';
      throw new ToolFailure(`There is no brand "${ref}". Brands: ${names}.`);
    }
    return brand;
  }

  /** Contract errors become MCP tool errors with their text; anything else is a bug, said plainly. */
  const guarded =
    <A>(work: (args: A) => Promise<unknown>) =>
    async (args: A): Promise<CallToolResult> => {
      try {
        return ok(await work(args));
      } catch (error) {
        if (error instanceof ToolFailure) return fail(error.message);
        process.stderr.write(`[chorus mcp] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        return fail(`Chorus failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };

  server.registerTool(
    'list_brands',
    {
      title: 'List brands',
      description: 'Every brand Chorus manages: id, name, time zone, description, voice, audience and content pillars.',
      inputSchema: {},
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async () =>
      (await call<Brand[]>('brands.list', {})).map((b) => ({
        id: b.id,
        name: b.name,
        timezone: b.timezone,
        description: b.description,
        voice: b.voice,
        audience: b.audience,
        contentPillars: b.contentPillars,
      })),
    ),
  );

  server.registerTool(
    'read_calendar',
    {
      title: 'Read the calendar',
      description: 'Posts with a scheduled (or published) time in [from, to), oldest first. Times are ISO 8601 with an offset.',
      inputSchema: {
        brand: BrandRef.optional(),
        from: IsoDateTime.describe('Start, inclusive, e.g. 2025-03-01T00:00:00Z.'),
        to: IsoDateTime.describe('End, exclusive.'),
        limit: z.number().int().min(1).max(1000).default(200),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async ({ brand, from, to, limit }: { brand?: string; from: string; to: string; limit: number }) => {
      if (Date.parse(from) >= Date.parse(to)) throw new ToolFailure('"from" must be before "to".');
      const brandId = brand ? (await brandOf(brand)).id : undefined;
      const posts = await call<Post[]>('posts.list', { brandId, from, to, limit });
      return posts.map((p) => ({
        id: p.id,
        brandId: p.brandId,
        platform: p.platform,
        status: p.status,
        scheduledAt: p.scheduledAt,
        scheduledTimeZone: p.scheduledTimeZone,
        publishedAt: p.publishedAt,
        text: p.text,
      }));
    }),
  );

  server.registerTool(
    'search_knowledge',
    {
      title: 'Search brand knowledge',
      description: 'Full-text search of what Chorus knows about a brand (documents, FAQs, notes); best matches first.',
      inputSchema: {
        brand: BrandRef,
        query: z.string().trim().min(1).max(500),
        limit: z.number().int().min(1).max(50).default(5),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async ({ brand, query, limit }: { brand: string; query: string; limit: number }) => {
      const brandId = (await brandOf(brand)).id;
      return call<KnowledgeHit[]>('knowledge.search', { brandId, query, limit });
    }),
  );

  server.registerTool(
    'create_draft',
    {
      title: 'Propose a draft',
      description:
        'Proposes a post for a brand on one platform. It goes to Chorus’s approval queue (status in_review) for a person to review; it is never published by this tool.',
      inputSchema: {
        brand: BrandRef,
        platform: Platform,
        text: z.string().trim().min(1).max(70_000),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    guarded(async ({ brand, platform, text }: { brand: string; platform: string; text: string }) => {
      const brandId = (await brandOf(brand)).id;
      const source = `mcp:${options.source ?? (server.server.getClientVersion()?.name || 'unknown client')}`;
      const post = await call<Post>('drafts.submit', { brandId, platform, text, source });
      return { id: post.id, status: post.status, platform: post.platform, brandId: post.brandId, message: 'Waiting for approval in Chorus.' };
    }),
  );

  return server;
}
