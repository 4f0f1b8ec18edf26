// Versions before 5 kept the Slack bot token in a Slack file job's input (`authHeader`; Discord's was ''). It is
// never read any more: the token is added at download time for the input's `provider`. This removes it, and
// marks the rows that held a real one as Slack's so an in-flight job can still fetch its file.
export const m005ScrubCredentials = `
UPDATE jobs SET input = json_set(json_remove(input, '$.authHeader'), '$.provider', 'slack')
  WHERE json_type(input, '$.authHeader') = 'text' AND json_extract(input, '$.authHeader') <> '';
UPDATE jobs SET input = json_remove(input, '$.authHeader') WHERE json_type(input, '$.authHeader') IS NOT NULL;
`;
