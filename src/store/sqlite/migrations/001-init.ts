export const m001Init = `
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  platform TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  origin_meta TEXT NOT NULL DEFAULT '{}',
  kind TEXT NOT NULL,
  params TEXT NOT NULL,
  input TEXT NOT NULL,
  input_name TEXT NOT NULL,
  task_id TEXT UNIQUE,
  callback_token TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  files TEXT NOT NULL DEFAULT '[]',
  failure TEXT,
  status_message_id TEXT,
  thread_id TEXT,
  delivered TEXT NOT NULL DEFAULT '[]',
  delivery_round INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  submitted_at INTEGER,
  finished_at INTEGER,
  last_callback_at INTEGER,
  next_poll_at INTEGER
);
CREATE INDEX jobs_user ON jobs (platform, user_id, created_at DESC);
CREATE INDEX jobs_active ON jobs (platform, workspace_id, state);
CREATE INDEX jobs_poll ON jobs (next_poll_at) WHERE next_poll_at IS NOT NULL;

CREATE TABLE job_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES jobs(id),
  stage TEXT NOT NULL,
  source TEXT NOT NULL,
  applied INTEGER NOT NULL,
  payload TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE INDEX job_events_job ON job_events (job_id);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES jobs(id),
  kind TEXT NOT NULL,
  run_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  locked_by TEXT,
  locked_until INTEGER,
  last_error TEXT,
  done_at INTEGER,
  dead INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (job_id, id) WHERE done_at IS NULL AND dead = 0;
`;
