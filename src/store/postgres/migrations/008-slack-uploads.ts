// Files stembot uploaded to Slack for one post, recorded before they are shared: Slack has no idempotency key,
// so a retry after a lost answer looks the first file up (files.info) instead of sharing the batch twice.
// See docs/slack-uploads.md.
export const m008SlackUploads = `
CREATE TABLE IF NOT EXISTS slack_uploads (
  post_key TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  files JSONB NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS slack_uploads_job ON slack_uploads (job_id);
`;
