// Small shared notes with an expiry (e.g. "Kie refused audioUrl, remembered for an hour"), seen by every
// instance on the database. Times are epoch milliseconds.
export const m002Kv = `
CREATE TABLE kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`;
