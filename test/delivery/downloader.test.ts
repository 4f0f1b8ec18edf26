// The guarded downloader against a real server on 127.0.0.1.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUrlSyntax, AllowList, guardedLookup, isPrivateAddress } from '../../src/delivery/address-guard.js';
import { Downloader } from '../../src/delivery/downloader.js';
import { sha256 as sha } from '../support/hash.js';

let server: Server;
let host = '';
const hits: string[] = [];
const body = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/song.mp3') return void res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': body.length }).end(body);
    if (req.url === '/chunked') {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      res.write(body);
      return void res.end(body);
    }
    if (req.url === '/redirect-out') return void res.writeHead(302, { location: 'http://127.0.0.2:9/secret' }).end();
    if (req.url === '/redirect-in') return void res.writeHead(302, { location: '/song.mp3' }).end();
    // This server plays stembot in demo mode: simulator files under /kie-sim/, and other routes beside them.
    if (req.url === '/kie-sim/files/t1/vocals.mp3') return void res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': body.length }).end(body);
    if (req.url === '/kie-sim/files/t1/to-metrics.mp3') return void res.writeHead(302, { location: '/metrics' }).end();
    if (req.url === '/metrics') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('# HELP stembot_jobs_total\nstembot_jobs_total 3\n');
    if (req.url === '/bad-location-bracket') return void res.writeHead(302, { location: 'http://[::1' }).end();
    if (req.url === '/bad-location-escape') return void res.writeHead(302, { location: 'http://%zz/x.mp3' }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));


describe('guarded downloader', () => {
  it('GIVEN an allow-listed host WHEN a stem is downloaded THEN its exact bytes land in a temp file', async () => {
    const d = new Downloader({ allowHosts: [host], timeoutMs: 5_000 });
    const r = await d.download(`http://${host}/song.mp3`, { maxBytes: 1_000_000 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.bytes).toBe(body.length);
    expect(sha(readFileSync(r.value.path))).toBe(sha(body));
    expect(r.value.contentType).toBe('audio/mpeg');
    await r.value.cleanup();
    expect(existsSync(r.value.path)).toBe(false);
    await d.close();
  });

  it('GIVEN a loopback URL that is not allow-listed WHEN downloaded THEN it is refused and never fetched', async () => {
    const d = new Downloader({ allowHosts: [], timeoutMs: 5_000 });
    const before = hits.length;
    for (const url of [`http://${host}/song.mp3`, `https://${host}/song.mp3`, 'https://10.1.2.3/a.mp3', 'https://169.254.169.254/latest/meta-data', 'file:///etc/passwd', 'https://[::1]/a.mp3', 'https://localhost./a.mp3']) {
      const r = await d.download(url, { maxBytes: 1_000 });
      expect(r).toMatchObject({ ok: false, code: 'BLOCKED' });
    }
    expect(hits.length).toBe(before);
    await d.close();
  });

  it('GIVEN a host name that resolves to a private address WHEN connecting THEN the lookup refuses it', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup('localhost', {}, (e) => resolve(e)));
    expect(err?.code).toBe('ESSRF');
    expect(isPrivateAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2606:4700::1111')).toBe(false);
  });

  it('GIVEN stems over the cap WHEN downloaded THEN TOO_LARGE, with or without Content-Length, and nothing left on disk', async () => {
    const d = new Downloader({ allowHosts: [host], timeoutMs: 5_000 });
    expect(await d.download(`http://${host}/song.mp3`, { maxBytes: 1_000 })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(await d.download(`http://${host}/chunked`, { maxBytes: body.length + 10 })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    await d.close();
  });

  it('GIVEN a redirect WHEN followed THEN the new address is checked again', async () => {
    const d = new Downloader({ allowHosts: [host], timeoutMs: 5_000 });
    expect(await d.download(`http://${host}/redirect-out`, { maxBytes: 1_000_000 })).toMatchObject({ ok: false, code: 'BLOCKED' });
    const ok = await d.download(`http://${host}/redirect-in`, { maxBytes: 1_000_000 });
    expect(ok.ok && ok.value.bytes).toBe(body.length);
    if (ok.ok) await ok.value.cleanup();
    expect(await d.download(`http://${host}/missing`, { maxBytes: 1_000 })).toMatchObject({ ok: false, code: 'HTTP_ERROR' });
    await d.close();
  });

  it('GIVEN public https URLs WHEN checked syntactically THEN they pass, and credentials in URLs do not', () => {
    const allow = new AllowList([]);
    expect(checkUrlSyntax('https://file.aiquickdraw.com/s/x_Vocals.mp3', allow)).toEqual({ ok: true });
    expect(checkUrlSyntax('https://user:pw@file.aiquickdraw.com/x.mp3', allow).ok).toBe(false);
    expect(checkUrlSyntax('http://file.aiquickdraw.com/x.mp3', allow).ok).toBe(false);
  });

  it('GIVEN only /kie-sim/ of a host is allowed WHEN other paths of it are asked for, directly or by redirect THEN they are refused and never fetched', async () => {
    const d = new Downloader({ allowHosts: [], timeoutMs: 5_000 });
    d.allowHostPath(host, '/kie-sim/');
    const ok = await d.download(`http://${host}/kie-sim/files/t1/vocals.mp3`, { maxBytes: 1_000_000 });
    expect(ok.ok && ok.value.bytes).toBe(body.length);
    if (ok.ok) await ok.value.cleanup();
    const before = hits.length;
    for (const path of ['/metrics', '/kie-sim', '/kie-sim/../metrics', '/kie-sim/%2e%2e/metrics', '/kie-sim/..%2fmetrics', '/kie-sim/%2F..%2Fmetrics', '/kie-sim/..%5cmetrics', '/playground/api/messages']) {
      expect(await d.download(`http://${host}${path}`, { maxBytes: 1_000_000 }), path).toMatchObject({ ok: false, code: 'BLOCKED' });
    }
    expect(hits.slice(before)).toEqual([]);
    // The simulator's path answers with a redirect to /metrics: the next hop is checked and refused.
    expect(await d.download(`http://${host}/kie-sim/files/t1/to-metrics.mp3`, { maxBytes: 1_000_000 })).toMatchObject({ ok: false, code: 'BLOCKED' });
    expect(hits.slice(before)).toEqual(['/kie-sim/files/t1/to-metrics.mp3']);
    await d.close();
  });

  it('GIVEN a redirect with an unparseable Location WHEN downloaded THEN a coded failure comes back (no throw) and no temp folder stays', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'stembot-dl-tmp-'));
    try {
      const d = new Downloader({ allowHosts: [host], timeoutMs: 5_000, tmpDir: tmp });
      for (const path of ['/bad-location-bracket', '/bad-location-escape']) {
        const r = await d.download(`http://${host}${path}`, { maxBytes: 1_000_000 });
        expect(r, path).toMatchObject({ ok: false, code: 'HTTP_ERROR', detail: 'HTTP 302 to an unparseable Location' });
      }
      // A body cut off by the cap, and one refused by its declared size: nothing stays either.
      expect(await d.download(`http://${host}/chunked`, { maxBytes: 1000 })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
      expect(readdirSync(tmp)).toEqual([]);
      await d.close();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
