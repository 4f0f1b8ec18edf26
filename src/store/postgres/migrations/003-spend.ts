// Spend control (issue 12): each job's cost in Kie credits (counted against budgets), who cancelled it,
// and once-only admin notices shared by every instance on the database.
export const m003Spend = `
ALTER TABLE jobs ADD COLUMN cost INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN cancelled_by TEXT;
CREATE INDEX jobs_spend_workspace ON jobs (platform, workspace_id, created_at);
CREATE INDEX jobs_queued ON jobs (created_at, id) WHERE state = 'queued';
CREATE TABLE spend_notices (
  key TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL
);
`;
