// Repeats of a callback (a stage the job already has, or any callback on a finished job) are counted on the
// job instead of each writing an event row: how many came, and when the last one came.
export const m006Intake = `
ALTER TABLE jobs ADD COLUMN repeat_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN last_repeat_at INTEGER;
`;
