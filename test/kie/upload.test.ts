import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KieClient } from '../../src/kie/client.js';
import { createKiePort } from '../../src/kie/port.js';
import { KEY, kieTuning, mockedClient } from './helpers.js';

let dir: string;
let songPath: string;
const song = randomBytes(256 * 1024);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stembot-kie-test-'));
  songPath = join(dir, 'My Song (final).mp3');
  await writeFile(songPath, song);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const uploaded = (fileName: string) => ({
  success: true,
  code: 200,
  msg: 'File uploaded successfully',
  data: { fileName, filePath: `stembot/${fileName}`, downloadUrl: `https://tempfile.redpandaai.co/kieai/stembot/${fileName}`, fileSize: song.length, mimeType: 'audio/mpeg', uploadedAt: '2025-07-29T12:00:00.000Z' },
});

/** A fake upload host on loopback that parses what arrives as multipart/form-data. */
async function uploadHost() {
  const seen: { headers: IncomingHttpHeaders; raw: Buffer; parts: Map<string, { filename?: string; type?: string; body: Buffer }> }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const boundary = /boundary=(.+)$/.exec(String(req.headers['content-type']))?.[1] ?? '';
      const parts = new Map<string, { filename?: string; type?: string; body: Buffer }>();
      let at = raw.indexOf(`--${boundary}`);
      while (at >= 0) {
        const next = raw.indexOf(`\r\n--${boundary}`, at + 2);
        if (next < 0) break;
        const part = raw.subarray(raw.indexOf('\r\n', at) + 2, next);
        const split = part.indexOf('\r\n\r\n');
        const head = part.subarray(0, split).toString('utf8');
        const name = /name="([^"]+)"/.exec(head)?.[1] ?? '';
        parts.set(name, { filename: /filename="([^"]+)"/.exec(head)?.[1], type: /Content-Type: (.+)/i.exec(head)?.[1]?.trim(), body: part.subarray(split + 4) });
        at = next + 2;
      }
      seen.push({ headers: req.headers, raw, parts });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(uploaded(parts.get('fileName')?.body.toString() ?? 'none')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('KiePort.uploadFile — GIVEN a real temp file on disk', () => {
  it('WHEN uploaded THEN the multipart reaching Kie carries the file’s bytes, uploadPath and a unique fileName with the extension', async () => {
    const host = await uploadHost();
    const client = new KieClient({ apiUrl: host.base, uploadUrl: host.base, apiKey: KEY, ...kieTuning });
    const port = createKiePort(client, { uploadPath: 'stembot', randomId: () => 'f00dcafe' });
    try {
      const r = await port.uploadFile({ path: songPath, name: 'My Song (final).mp3', mimeType: 'audio/mpeg' });
      expect(r).toEqual({ ok: true, value: { downloadUrl: 'https://tempfile.redpandaai.co/kieai/stembot/f00dcafe-My_Song_final_.mp3' } });
      const [req] = host.seen;
      expect(req!.headers['authorization']).toBe(`Bearer ${KEY}`);
      expect(Number(req!.headers['content-length'])).toBe(req!.raw.length);
      expect(req!.parts.get('uploadPath')?.body.toString()).toBe('stembot');
      expect(req!.parts.get('fileName')?.body.toString()).toBe('f00dcafe-My_Song_final_.mp3');
      const file = req!.parts.get('file')!;
      expect([file.filename, file.type]).toEqual(['f00dcafe-My_Song_final_.mp3', 'audio/mpeg']);
      expect(file.body.equals(song)).toBe(true);
    } finally {
      await client.close();
      await host.close();
    }
  });

  it('WHEN two uploads have the same name THEN Kie is given two different file names', async () => {
    const host = await uploadHost();
    const client = new KieClient({ apiUrl: host.base, uploadUrl: host.base, apiKey: KEY, ...kieTuning });
    const port = createKiePort(client, { uploadPath: 'stembot' });
    try {
      await port.uploadFile({ path: songPath, name: 'take.wav' });
      await port.uploadFile({ path: songPath, name: 'take.wav' });
      const names = host.seen.map((r) => r.parts.get('fileName')?.body.toString() ?? '');
      expect(names).toHaveLength(2);
      expect(names[0]).not.toBe(names[1]);
      for (const n of names) expect(n).toMatch(/^[0-9a-f]{16}-take\.wav$/);
    } finally {
      await client.close();
      await host.close();
    }
  });

  it('WHEN the upload host refuses THEN UPLOAD_FAILED with Kie’s reason; a missing local file is UPLOAD_FAILED too', async () => {
    const { client, upload } = mockedClient();
    const port = createKiePort(client);
    upload.intercept({ path: '/api/file-stream-upload', method: 'POST' }).reply(500, { code: 500, msg: 'storage full' });
    expect(await port.uploadFile({ path: songPath, name: 'a.mp3' })).toEqual({ ok: false, code: 'UPLOAD_FAILED', detail: 'KIE_SERVER_ERROR: storage full' });
    expect(await port.uploadFile({ path: join(dir, 'gone.mp3'), name: 'gone.mp3' })).toMatchObject({ ok: false, code: 'UPLOAD_FAILED', detail: expect.stringContaining('ENOENT') });
    await client.close();
  });
});

describe('KieClient.uploadFileStream over a real socket — GIVEN a fake upload host on loopback', () => {
  it('WHEN a file is streamed THEN the server receives a multipart body holding the exact bytes (streamed from disk, same on Node 20 and 24)', async () => {
    let received = Buffer.alloc(0);
    let headers: IncomingHttpHeaders = {};
    const server = createServer((req, res) => {
      headers = req.headers;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received = Buffer.concat(chunks);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(uploaded('x-song.mp3')));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new KieClient({ apiUrl: base, uploadUrl: base, apiKey: KEY, ...kieTuning });
    try {
      const r = await client.uploadFileStream({ path: songPath, name: 'x-song.mp3', mimeType: 'audio/mpeg', uploadPath: 'stembot' });
      expect(r).toMatchObject({ ok: true, value: { downloadUrl: expect.stringContaining('x-song.mp3') } });
      expect(headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(headers['authorization']).toBe(`Bearer ${KEY}`);
      expect(received.includes(song)).toBe(true);
      expect(received.toString('latin1')).toMatch(/name="uploadPath"\r\n\r\nstembot\r\n/);
    } finally {
      await client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
