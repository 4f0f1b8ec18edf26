// Versions before 5 kept the Slack bot token in a Slack file job's input (`authHeader`; Discord's was ''). It is
// never read any more: the token is added at download time for the input's `provider`. This removes it, and
// marks the rows that held a real one as Slack's so an in-flight job can still fetch its file.
export const m005ScrubCredentials = `
UPDATE jobs SET input = (input - 'authHeader') || '{"provider":"slack"}'::jsonb
  WHERE jsonb_typeof(input -> 'authHeader') = 'string' AND input ->> 'authHeader' <> '';
UPDATE jobs SET input = input - 'authHeader' WHERE input ? 'authHeader';
`;
