// Publishing: what happened to each post (post_events), the idempotency key
// and job that make a publish happen exactly once, where it landed, why it
// failed, and recurring series. Post status values are unchanged (0001's CHECK).
export default /* sql */ `
ALTER TABLE posts
  -- Stable per post: sent to platforms that accept one and used to find a post that may have gone through.
  ADD COLUMN idempotency_key  uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD COLUMN thread           text[] NOT NULL DEFAULT '{}',
  ADD COLUMN platform_post_id text,
  ADD COLUMN platform_url     text,
  -- The last failure: kind (auth | invalid | rate_limited | transient | unavailable | held) and the platform's words.
  ADD COLUMN failure_kind     text,
  ADD COLUMN failure_reason   text,
  ADD COLUMN attempts         integer NOT NULL DEFAULT 0,
  -- When the next attempt runs, if later than scheduled_at (backoff, rate limit).
  ADD COLUMN retry_at         timestamptz,
  -- The one pg-boss job allowed to publish this post; any other job for it is stale and does nothing.
  ADD COLUMN job_id           uuid,
  -- Recurring posts: every occurrence carries the rule, the series (first post) id and its index in the series.
  ADD COLUMN recurrence       jsonb,
  ADD COLUMN series_id        uuid,
  ADD COLUMN series_index     integer,
  ADD CONSTRAINT posts_attempts_nonnegative CHECK (attempts >= 0);

CREATE UNIQUE INDEX posts_idempotency_key ON posts (idempotency_key);
CREATE UNIQUE INDEX posts_series_occurrence ON posts (series_id, series_index) WHERE series_id IS NOT NULL;
CREATE INDEX posts_scheduled_due ON posts (scheduled_at) WHERE status IN ('scheduled', 'publishing');

CREATE TABLE post_events (
  id          bigserial PRIMARY KEY,
  post_id     uuid NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  kind        text NOT NULL CHECK (kind IN (
                'created','edited','submitted','approved','scheduled','rescheduled','unscheduled',
                'attempt','published','retry','failed','held','paused','resumed','recovered')),
  attempt     integer,
  error_kind  text CHECK (error_kind IS NULL OR error_kind IN ('auth','invalid','rate_limited','transient','unavailable','held')),
  message     text,
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX post_events_post ON post_events (post_id, id);
`;
