// One row per model call (success or failure), so usage and cost are counted
// for every agent and sub-agent, and each fallback says why it happened.
export default /* sql */ `
CREATE TABLE model_calls (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Insertion order, for listing a run's calls in the order they happened.
  seq               bigint GENERATED ALWAYS AS IDENTITY,
  run_id            text,
  step_path         text,
  agent_id          text NOT NULL,
  provider          text NOT NULL,
  model             text NOT NULL,
  prompt_tokens     integer NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
  completion_tokens integer NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
  latency_ms        integer NOT NULL CHECK (latency_ms >= 0),
  -- NULL when the price is unknown; 0 for local models.
  cost_usd          numeric(12, 6),
  error_kind        text,
  error_message     text,
  -- Why the previous entry of the chain was skipped to reach this one.
  fallback_reason   text,
  template_made     boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX model_calls_run ON model_calls (run_id, seq);
CREATE INDEX model_calls_agent_created ON model_calls (agent_id, created_at DESC);
`;
