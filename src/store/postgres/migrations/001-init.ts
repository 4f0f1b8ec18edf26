// Mirrors sqlite/migrations/001-init.ts column for column, in Postgres types: BIGINT for epoch-ms times (so
// they outlive 2038 and match Date.now()), JSONB for JSON documents, BOOLEAN for flags. rows.ts reads both.
export const m001Init = `
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  platform TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  origin_meta JSONB NOT NULL DEFAULT '{}',
  kind TEXT NOT NULL,
  params JSONB NOT NULL,
  input JSONB NOT NULL,
  input_name TEXT NOT NULL,
  task_id TEXT UNIQUE,
  callback_token TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  files JSONB NOT NULL DEFAULT '[]',
  failure JSONB,
  status_message_id TEXT,
  thread_id TEXT,
  delivered JSONB NOT NULL DEFAULT '[]',
  delivery_round INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  submitted_at BIGINT,
  finished_at BIGINT,
  last_callback_at BIGINT,
  next_poll_at BIGINT
);
CREATE INDEX jobs_user ON jobs (platform, user_id, created_at DESC);
CREATE INDEX jobs_active ON jobs (platform, workspace_id, state);
CREATE INDEX jobs_poll ON jobs (next_poll_at) WHERE next_poll_at IS NOT NULL;

CREATE TABLE job_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs(id),
  stage TEXT NOT NULL,
  source TEXT NOT NULL,
  applied BOOLEAN NOT NULL,
  payload JSONB NOT NULL,
  received_at BIGINT NOT NULL
);
CREATE INDEX job_events_job ON job_events (job_id);

CREATE TABLE outbox (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs(id),
  kind TEXT NOT NULL,
  run_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  locked_by TEXT,
  locked_until BIGINT,
  last_error TEXT,
  done_at BIGINT,
  dead BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX outbox_pending ON outbox (job_id, id) WHERE done_at IS NULL AND NOT dead;
`;
