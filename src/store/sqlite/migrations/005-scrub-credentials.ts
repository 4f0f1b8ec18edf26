// Versions before 5 kept the Slack bot token in a Slack file job's input (`authHeader`). It is never read any
// more (the token is added at download time); this removes it from rows that still hold it.
export const m005ScrubCredentials = `
UPDATE jobs SET input = json_remove(input, '$.authHeader') WHERE json_type(input, '$.authHeader') IS NOT NULL;
`;
