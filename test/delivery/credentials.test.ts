// A platform credential is added only for that platform's own origin (scheme, host and port), and a redirect
// never carries it to another origin. Real servers on 127.0.0.1, told apart by their ports.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadCredentials } from '../../src/delivery/credentials.js';
import { Downloader } from '../../src/delivery/downloader.js';

const TOKEN = 'Bearer xoxb-credential-test';

/** A server that records the headers it receives; `/hop?to=<url>` redirects there, anything else is a file. */
async function recorder(): Promise<{ server: Server; origin: string; host: string; seen: { url: string; headers: IncomingHttpHeaders }[] }> {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    if (to) return void res.writeHead(302, { location: to }).end();
    res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': '4' }).end('RIFF');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, origin: `http://${host}`, host, seen };
}

let slack: Awaited<ReturnType<typeof recorder>>;
let other: Awaited<ReturnType<typeof recorder>>;
beforeAll(async () => {
  [slack, other] = await Promise.all([recorder(), recorder()]);
});
afterAll(async () => {
  await Promise.all([slack, other].map((s) => new Promise<void>((r) => s.server.close(() => r()))));
});

describe('download credentials', () => {
  it('GIVEN a registered provider THEN its credential is offered for its own origins only, compared with scheme and port', () => {
    const c = new DownloadCredentials();
    c.register('slack', { origins: ['https://files.slack.com', slack.origin], headers: () => ({ authorization: TOKEN }) });
    expect(c.forDownload('slack', 'https://files.slack.com/files-pri/T-F/song.wav')).toEqual({ ok: true, headers: { authorization: TOKEN } });
    expect(c.forDownload('slack', `${slack.origin}/files-pri/x`)).toEqual({ ok: true, headers: { authorization: TOKEN } });
    for (const foreign of [
      'http://files.slack.com/files-pri/T-F/song.wav', // scheme
      'https://files.slack.com:8443/files-pri/T-F/song.wav', // port
      'https://files.slack.com.evil.example/x', // look-alike host
      'https://evil.example/https://files.slack.com/x',
      `${other.origin}/files-pri/x`, // same address, other port
      'not a url',
    ]) {
      expect(c.forDownload('slack', foreign)).toMatchObject({ ok: false });
    }
    // No provider named: no credential; an unknown provider: refused rather than guessed.
    expect(c.forDownload(undefined, `${other.origin}/x`)).toEqual({ ok: true });
    expect(c.forDownload('teams', `${other.origin}/x`)).toMatchObject({ ok: false });
  });

  it('GIVEN a credentialed download WHEN the server redirects to another origin THEN the credential stays behind; within its origin it goes along', async () => {
    const d = new Downloader({ allowHosts: [slack.host, other.host], timeoutMs: 5_000 });
    const out = await d.download(`${slack.origin}/hop?to=${encodeURIComponent(`${other.origin}/landed`)}`, { maxBytes: 1_000, headers: { authorization: TOKEN } });
    expect(out.ok).toBe(true);
    if (out.ok) await out.value.cleanup();
    expect(slack.seen.at(-1)!.headers.authorization).toBe(TOKEN);
    expect(other.seen.map((s) => s.url)).toEqual(['/landed']);
    expect(other.seen[0]!.headers.authorization).toBeUndefined();

    const within = await d.download(`${slack.origin}/hop?to=${encodeURIComponent('/file')}`, { maxBytes: 1_000, headers: { authorization: TOKEN } });
    if (within.ok) await within.value.cleanup();
    expect(slack.seen.at(-1)).toMatchObject({ url: '/file', headers: { authorization: TOKEN } });
    await d.close();
  });
});
