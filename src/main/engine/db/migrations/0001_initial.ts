// Brands, accounts, posts, and knowledge chunks with a pgvector HNSW index.
export default /* sql */ `
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE brands (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name             text NOT NULL,
  description      text NOT NULL DEFAULT '',
  voice            text NOT NULL DEFAULT '',
  audience         text NOT NULL DEFAULT '',
  content_pillars  text[] NOT NULL DEFAULT '{}',
  banned_words     text[] NOT NULL DEFAULT '{}',
  default_hashtags text[] NOT NULL DEFAULT '{}',
  timezone         text NOT NULL DEFAULT 'UTC',
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX brands_name_unique ON brands (lower(name));

-- Tokens are never stored here: they live in the OS keychain.
CREATE TABLE accounts (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id      uuid NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
  platform      text NOT NULL CHECK (platform IN ('x','linkedin','instagram','facebook','tiktok','youtube','reddit','bluesky','mastodon')),
  handle        text NOT NULL,
  display_name  text NOT NULL DEFAULT '',
  status        text NOT NULL DEFAULT 'connected' CHECK (status IN ('connected','needs_reconnect','disconnected')),
  status_reason text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (brand_id, platform, handle)
);

CREATE TABLE posts (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id            uuid NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
  account_id          uuid REFERENCES accounts(id) ON DELETE SET NULL,
  platform            text NOT NULL CHECK (platform IN ('x','linkedin','instagram','facebook','tiktok','youtube','reddit','bluesky','mastodon')),
  text                text NOT NULL DEFAULT '',
  media               jsonb NOT NULL DEFAULT '[]',
  status              text NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft','in_review','approved','scheduled','publishing','published','failed')),
  -- The instant in UTC, plus the IANA zone it was chosen in.
  scheduled_at        timestamptz,
  scheduled_time_zone text,
  published_at        timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((scheduled_at IS NULL) = (scheduled_time_zone IS NULL))
);
CREATE INDEX posts_brand_created ON posts (brand_id, created_at DESC);
CREATE INDEX posts_status_scheduled ON posts (status, scheduled_at);

-- Brand knowledge for retrieval; 768 dimensions matches nomic-embed-text, the
-- default local embedding model. The model name is kept per row.
CREATE TABLE knowledge_chunks (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id        uuid NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
  source          text NOT NULL,
  content         text NOT NULL,
  embedding       vector(768) NOT NULL,
  embedding_model text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX knowledge_chunks_embedding ON knowledge_chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX knowledge_chunks_brand ON knowledge_chunks (brand_id);
`;
