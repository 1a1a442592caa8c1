// Agent runs and their steps, written as they happen, so a run is never lost
// in memory: team members are child runs (parent_run_id), and usage is summed
// from model_calls over the whole run tree.
export default /* sql */ `
CREATE TABLE agent_runs (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id      text NOT NULL,
  parent_run_id uuid REFERENCES agent_runs(id) ON DELETE CASCADE,
  brand_id      uuid REFERENCES brands(id) ON DELETE SET NULL,
  task          text NOT NULL,
  status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running','succeeded','failed','cancelled')),
  output        jsonb,
  template_made boolean NOT NULL DEFAULT false,
  error         text,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX agent_runs_started ON agent_runs (started_at DESC);
CREATE INDEX agent_runs_parent ON agent_runs (parent_run_id);
CREATE INDEX agent_runs_running ON agent_runs (status) WHERE status = 'running';

-- One row per tool-loop step, tool call and structured-output attempt.
CREATE TABLE agent_run_steps (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id      uuid NOT NULL REFERENCES agent_runs(id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('tool_call','final','repair','route')),
  name        text,
  input       jsonb,
  result      jsonb,
  is_error    boolean NOT NULL DEFAULT false,
  duration_ms integer NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_run_steps_run ON agent_run_steps (run_id, id);
`;
