// Mirrors sqlite/migrations/002-kv.ts: small shared notes with an expiry, epoch-ms times as BIGINT.
export const m002Kv = `
CREATE TABLE kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
`;
