// Durable workflows. A run is a row with a lease; each step attempt, each
// journaled effect (model call, tool call, clock read, id, side effect) and
// each event is its own small row, so progress is appended, never a whole-run
// snapshot rewritten. Approvals are suspend points with an audit trail.
export default /* sql */ `
CREATE TABLE workflow_runs (
  id               uuid PRIMARY KEY,
  workflow_id      text NOT NULL,
  workflow_version integer NOT NULL,
  brand_id         uuid NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
  trigger          text NOT NULL CHECK (trigger IN ('ui','cli','schedule','mcp')),
  input            jsonb NOT NULL,
  status           text NOT NULL CHECK (status IN ('running','waiting','paused','succeeded','failed','cancelled','interrupted')),
  output           jsonb,
  error            text,
  -- Which host works on it, until when; a lapsed lease means the host died.
  lease_owner      text,
  lease_expires_at timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
CREATE INDEX workflow_runs_created ON workflow_runs (created_at DESC);
CREATE INDEX workflow_runs_open ON workflow_runs (status) WHERE status IN ('running','waiting','paused');

CREATE TABLE workflow_step_attempts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id      uuid NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
  path        text NOT NULL,
  kind        text NOT NULL,
  label       text NOT NULL,
  attempt     integer NOT NULL CHECK (attempt >= 1),
  status      text NOT NULL CHECK (status IN ('running','succeeded','failed','skipped','waiting','cancelled')),
  input       jsonb,
  output      jsonb,
  error       text,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  duration_ms double precision,
  UNIQUE (run_id, path, attempt)
);

-- Append-only: nothing updates or deletes a run's events.
CREATE TABLE workflow_events (
  run_id  uuid NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
  seq     integer NOT NULL,
  type    text NOT NULL,
  path    text,
  message text,
  at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (run_id, seq)
);

-- What already happened, under a key that is the same when the run is replayed.
CREATE TABLE workflow_journal (
  run_id  uuid NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
  key     text NOT NULL,
  kind    text NOT NULL CHECK (kind IN ('model','tool','clock','id','effect')),
  value   jsonb NOT NULL,
  -- The host incarnation that wrote it (tests check nothing is done twice).
  owner   text NOT NULL,
  at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (run_id, key)
);

CREATE TABLE approvals (
  id           uuid PRIMARY KEY,
  run_id       uuid REFERENCES workflow_runs(id) ON DELETE CASCADE,
  path         text,
  brand_id     uuid NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
  post_id      uuid REFERENCES posts(id) ON DELETE SET NULL,
  status       text NOT NULL CHECK (status IN ('pending','approved','rejected','expired')),
  draft        jsonb NOT NULL,
  problems     jsonb NOT NULL DEFAULT '[]',
  voice_score  real,
  voice_issues jsonb NOT NULL DEFAULT '[]',
  reasoning    text NOT NULL DEFAULT '',
  -- What the person changed when editing before approving.
  edit         jsonb,
  comment      text NOT NULL DEFAULT '',
  expires_at   timestamptz,
  on_timeout   text NOT NULL DEFAULT 'reject' CHECK (on_timeout IN ('reject','fail')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  decided_at   timestamptz,
  UNIQUE (run_id, path)
);
CREATE INDEX approvals_pending ON approvals (created_at) WHERE status = 'pending';

-- Who decided what and when; append-only.
CREATE TABLE approval_decisions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  approval_id uuid NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
  action      text NOT NULL CHECK (action IN ('approved','edited_and_approved','rejected','expired')),
  actor       text NOT NULL,
  via         text NOT NULL,
  comment     text NOT NULL DEFAULT '',
  changes     jsonb NOT NULL DEFAULT '{}',
  at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX approval_decisions_approval ON approval_decisions (approval_id, id);

CREATE TABLE workflow_settings (
  brand_id   uuid PRIMARY KEY REFERENCES brands(id) ON DELETE CASCADE,
  settings   jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Model calls and agent runs (with their tool calls) made under a workflow step.
ALTER TABLE model_calls ADD COLUMN workflow_run_id uuid, ADD COLUMN workflow_step text;
CREATE INDEX model_calls_workflow ON model_calls (workflow_run_id, workflow_step) WHERE workflow_run_id IS NOT NULL;
ALTER TABLE agent_runs ADD COLUMN workflow_run_id uuid, ADD COLUMN workflow_step text;
CREATE INDEX agent_runs_workflow ON agent_runs (workflow_run_id) WHERE workflow_run_id IS NOT NULL;

ALTER TABLE post_events DROP CONSTRAINT post_events_kind_check;
ALTER TABLE post_events ADD CONSTRAINT post_events_kind_check CHECK (kind IN (
  'created','edited','submitted','approved','rejected','scheduled','rescheduled','unscheduled',
  'attempt','published','retry','failed','held','paused','resumed','recovered'));
`;
