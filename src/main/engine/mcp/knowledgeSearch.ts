import type { KnowledgeHit } from '../../../shared/contract/schemas/mcp';
import type { Database } from '../db/Database';

/**
 * Full-text search of a brand's knowledge chunks, for `chorus mcp` and any
 * caller without an embedding model at hand: Postgres `websearch_to_tsquery`
 * (English stemming) ranked by `ts_rank`, plus a plain substring match so
 * names and codes that stemming mangles are still found.
 */
export async function searchKnowledgeText(
  db: Database,
  input: { brandId: string; query: string; limit: number },
): Promise<KnowledgeHit[]> {
  const like = `%${input.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db.query<KnowledgeHit>(
    `WITH q AS (SELECT websearch_to_tsquery('english', $2) AS query)
     SELECT k.id, k.source, k.content,
            (ts_rank(to_tsvector('english', k.content), q.query)
              + CASE WHEN k.content ILIKE $3 THEN 0.1 ELSE 0 END)::float8 AS rank
     FROM knowledge_chunks k, q
     WHERE k.brand_id = $1 AND (to_tsvector('english', k.content) @@ q.query OR k.content ILIKE $3)
     ORDER BY rank DESC, k.created_at DESC
     LIMIT $4`,
    [input.brandId, input.query, like, input.limit],
  );
}
