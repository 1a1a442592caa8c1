// Chorus's own tools, offered to agents like any MCP server's: the brand
// profile, platform rules, the posting queue and the brand's knowledge.
import { z } from 'zod';
import { PLATFORMS, rulesFor } from '../../../shared/platforms';
import type { Database } from '../db/Database';
import { searchKnowledgeText } from '../mcp/knowledgeSearch';
import type { BrandRepository } from '../repositories/BrandRepository';
import { EMBEDDING_DIMENSIONS, type KnowledgeRepository } from '../repositories/KnowledgeRepository';
import type { AgentTool, ToolCallContext, ToolResult, ToolSource } from './AgentTool';
import { jsonSchemaOf } from './outputSchemas';

export interface BuiltinToolDeps {
  db: Database;
  brands: BrandRepository;
  knowledge: KnowledgeRepository;
  /**
   * Embeds a search query with the model the brand's knowledge was embedded
   * with (as stored per row); null when that model is not reachable.
   */
  embedQuery?: (text: string, model: string, signal: AbortSignal) => Promise<number[] | null>;
}

function tool<S extends z.ZodObject>(
  name: string,
  description: string,
  input: S,
  run: (args: z.output<S>, context: ToolCallContext) => Promise<ToolResult>,
): AgentTool {
  return {
    name,
    description,
    inputSchema: jsonSchemaOf(input),
    effect: 'read',
    async call(args, context) {
      const parsed = input.safeParse(args);
      if (!parsed.success) return { content: `Invalid arguments: ${z.prettifyError(parsed.error)}`, isError: true };
      return run(parsed.data, context);
    },
  };
}

const noBrand: ToolResult = { content: 'This run has no brand, so there is no brand profile to read.', isError: true };

const ScheduledStatus = z.enum(['approved', 'scheduled', 'publishing', 'published', 'failed']);

export function builtinTools(deps: BuiltinToolDeps): AgentTool[] {
  return [
    tool(
      'chorus.brand_profile',
      "The brand's profile: description, voice, audience, content pillars, banned words, default hashtags and time zone.",
      z.object({}).strict(),
      async (_args, { brandId }) => {
        if (!brandId) return noBrand;
        const brand = await deps.brands.get(brandId);
        const data = {
          name: brand.name,
          description: brand.description,
          voice: brand.voice,
          audience: brand.audience,
          contentPillars: brand.contentPillars,
          bannedWords: brand.bannedWords,
          defaultHashtags: brand.defaultHashtags,
          timezone: brand.timezone,
        };
        const empty = Object.entries(data).filter(([, v]) => v === '' || (Array.isArray(v) && v.length === 0)).map(([k]) => k);
        const note = empty.length ? `\nNot filled in yet: ${empty.join(', ')} — do not guess them; say what is missing.` : '';
        return { content: JSON.stringify(data) + note, data };
      },
    ),
    tool(
      'chorus.platform_rules',
      "A platform's rules for a post: text length and how it is counted, hashtag and mention limits, whether links are clickable, title and media rules, threads.",
      z.object({ platform: z.enum(PLATFORMS) }).strict(),
      async ({ platform }) => {
        const rules = rulesFor(platform);
        return { content: JSON.stringify(rules), data: rules };
      },
    ),
    tool(
      'chorus.scheduled_posts',
      "The brand's posting queue: posts with a scheduled time (approved, scheduled, publishing, or recently published/failed), soonest first.",
      z
        .object({
          status: ScheduledStatus.optional().describe('Only posts in this state.'),
          days: z.number().int().min(1).max(90).default(14).describe('How many days ahead (and back, for published/failed) to look.'),
          limit: z.number().int().min(1).max(100).default(30),
        })
        .strict(),
      async ({ status, days, limit }, { brandId }) => {
        if (!brandId) return noBrand;
        const rows = await deps.db.query<{ id: string; platform: string; status: string; text: string; scheduled_at: Date; scheduled_time_zone: string }>(
          `SELECT id, platform, status, text, scheduled_at, scheduled_time_zone FROM posts
           WHERE brand_id = $1 AND scheduled_at IS NOT NULL
             AND scheduled_at BETWEEN now() - make_interval(days => $2) AND now() + make_interval(days => $2)
             AND ($3::text IS NULL OR status = $3)
           ORDER BY scheduled_at LIMIT $4`,
          [brandId, days, status ?? null, limit],
        );
        const posts = rows.map((r) => ({
          id: r.id,
          platform: r.platform,
          status: r.status,
          scheduledAt: new Date(r.scheduled_at).toISOString(),
          timeZone: r.scheduled_time_zone,
          text: r.text.length > 280 ? `${r.text.slice(0, 277)}…` : r.text,
        }));
        if (posts.length === 0) return { content: `No posts scheduled within ${days} days.`, data: [] };
        return { content: JSON.stringify(posts), data: posts };
      },
    ),
    tool(
      'chorus.search_knowledge',
      "Searches the brand's knowledge (documents, FAQs, past posts the user added) and returns the most relevant passages with their source.",
      z.object({ query: z.string().trim().min(2).max(500), limit: z.number().int().min(1).max(10).default(5) }).strict(),
      async ({ query, limit }, { brandId, signal }) => {
        if (!brandId) return noBrand;
        const [stored] = await deps.db.query<{ n: number; model: string | null }>(
          'SELECT count(*)::int AS n, min(embedding_model) AS model FROM knowledge_chunks WHERE brand_id = $1',
          [brandId],
        );
        if (!stored?.n) {
          return {
            content: 'No knowledge yet: this brand has no documents in its knowledge base. Work from the brand profile and say which facts need checking.',
            data: [],
          };
        }
        const embedding = deps.embedQuery && stored.model ? await deps.embedQuery(query, stored.model, signal).catch(() => null) : null;
        let matches: { source: string; content: string; score: number }[];
        if (embedding && embedding.length === EMBEDDING_DIMENSIONS) {
          matches = (await deps.knowledge.nearest(brandId, embedding, limit)).map((m) => ({ source: m.source, content: m.content, score: Number(m.similarity) }));
        } else {
          // No embedding model reachable: full-text rank still finds literal matches.
          matches = (await searchKnowledgeText(deps.db, { brandId, query, limit })).map((h) => ({ source: h.source, content: h.content, score: h.rank }));
        }
        if (matches.length === 0) return { content: `Nothing in the brand's knowledge matches "${query}".`, data: [] };
        return { content: JSON.stringify(matches), data: matches };
      },
    ),
  ];
}

export function builtinToolSource(deps: BuiltinToolDeps): ToolSource {
  const tools = builtinTools(deps);
  return { listTools: async () => tools };
}
