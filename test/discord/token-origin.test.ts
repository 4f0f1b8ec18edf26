// The Discord bot token goes only to DISCORD_API_URL. An attachment is fetched with no credential at all, even
// when a signed interaction names an attachment URL on some other server.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slashCommand } from '../fakes/discord-interactions.js';
import { alice, delivered, startStack, startedJobId, TOKEN, wavFile, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';

let s: Stack;
let evil: Server;
let evilOrigin = '';
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
const song = wavFile(3000);

beforeAll(async () => {
  evil = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': String(song.length) }).end(song);
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilOrigin = `http://127.0.0.1:${(evil.address() as { port: number }).port}`;
  s = await startStack({ allowHosts: [new URL(evilOrigin).host] });
});
afterAll(async () => {
  await s?.close();
  await new Promise<void>((r) => evil.close(() => r()));
});

describe('Discord bot token: only for Discord’s API', () => {
  it('GIVEN a signed /separate whose attachment URL is on another server THEN it is fetched without the bot token, and the job completes', async () => {
    // Expiring within the job's lifetime, so stembot fetches and re-hosts it itself.
    const ex = Math.floor((Date.now() + 60 * 60_000) / 1000).toString(16);
    const audio = { id: '1300000000000000009', filename: 'elsewhere.wav', size: song.length, url: `${evilOrigin}/attachments/9/elsewhere.wav?ex=${ex}`, proxy_url: `${evilOrigin}/p`, content_type: 'audio/wav' };
    const interaction = slashCommand('separate', { audio, mode: 'vocals' }, alice, s.place());
    await s.send(interaction);
    const reply = await waitFor('the private answer', () => s.discord.originalEdits.get(interaction.token)?.[0]);
    await delivered(s, startedJobId(reply));

    expect(seen.map((r) => r.url)).toEqual([`/attachments/9/elsewhere.wav?ex=${ex}`]);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain(TOKEN);
    // And on Discord's own CDN (same origin as the API here) attachments go without it too.
    expect(s.discord.attachmentGets.filter((g) => g.authorization !== undefined)).toEqual([]);
  });
});
