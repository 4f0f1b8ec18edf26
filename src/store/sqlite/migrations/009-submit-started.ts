// When a submission to Kie began and when stembot found one that may or may not have reached Kie: Kie has no
// idempotency key, so such a job is not sent again without the requester's "Submit again" (README "Kie submissions").
export const m009SubmitStarted = `
ALTER TABLE jobs ADD COLUMN submit_started_at INTEGER;
ALTER TABLE jobs ADD COLUMN submit_unconfirmed_at INTEGER;
`;
