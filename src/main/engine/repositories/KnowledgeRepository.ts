import type { Database } from '../db/Database';

export const EMBEDDING_DIMENSIONS = 768;

export interface KnowledgeMatch {
  id: string;
  source: string;
  content: string;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

function toVectorLiteral(embedding: readonly number[]): string {
  if (embedding.length !== EMBEDDING_DIMENSIONS) {
    throw new RangeError(`An embedding must have ${EMBEDDING_DIMENSIONS} dimensions, not ${embedding.length}.`);
  }
  if (!embedding.every(Number.isFinite)) throw new RangeError('An embedding holds only finite numbers.');
  return `[${embedding.join(',')}]`;
}

/** Brand knowledge chunks with embeddings (pgvector, HNSW, cosine distance). */
export class KnowledgeRepository {
  constructor(private readonly db: Database) {}

  async add(chunk: { brandId: string; source: string; content: string; embedding: readonly number[]; model: string }): Promise<string> {
    return this.db.write(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO knowledge_chunks (brand_id, source, content, embedding, embedding_model)
         VALUES ($1, $2, $3, $4::vector, $5) RETURNING id`,
        [chunk.brandId, chunk.source, chunk.content, toVectorLiteral(chunk.embedding), chunk.model],
      );
      return rows[0]!.id;
    });
  }

  async nearest(brandId: string, embedding: readonly number[], limit = 5): Promise<KnowledgeMatch[]> {
    return this.db.query<KnowledgeMatch>(
      `SELECT id, source, content, 1 - (embedding <=> $2::vector) AS similarity
       FROM knowledge_chunks WHERE brand_id = $1
       ORDER BY embedding <=> $2::vector LIMIT $3`,
      [brandId, toVectorLiteral(embedding), limit],
    );
  }
}
