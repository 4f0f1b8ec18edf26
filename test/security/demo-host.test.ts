// Demo mode runs the Kie simulator on stembot's own server, and the simulator accepts any bearer: these
// tests attack it over a real port the way anyone who reaches the server could.
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { FormData, request } from 'undici';
import { loadConfig } from '../../src/config.js';
import type { Stembot } from '../../src/stembot.js';
import { tempStembot, type TempStembot } from '../support/temp-stembot.js';

const AUTH = { authorization: 'Bearer anything-goes' };
let running: TempStembot | undefined;
let extra: FastifyInstance | undefined;
afterEach(async () => {
  await running?.dispose();
  await extra?.close();
  running = extra = undefined;
});

async function demo(env: Record<string, string> = {}): Promise<{ bot: Stembot; base: string }> {
  running = await tempStembot('stembot-demo-sec-', env);
  const base = await running.bot.start(0);
  return { bot: running.bot, base };
}

async function post(url: string, body: unknown, headers: Record<string, string> = AUTH) {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.statusCode, json: (await res.body.json()) as any };
}

describe('demo mode cannot be turned against the host', () => {
  it('GIVEN demo mode and no HOST WHEN stembot starts THEN it listens on 127.0.0.1 only; HOST or a real key choose 0.0.0.0', async () => {
    const { bot: b } = await demo();
    expect(b.config.host).toBe('127.0.0.1');
    expect((b.app.server.address() as AddressInfo).address).toBe('127.0.0.1');
    const explicit = loadConfig({ HOST: '0.0.0.0' });
    const real = loadConfig({ KIE_API_KEY: 'k' });
    expect(explicit.ok && explicit.config.host).toBe('0.0.0.0');
    expect(real.ok && real.config.host).toBe('0.0.0.0');
  });

  it('WHEN file-url-upload names the server’s own /metrics or playground page THEN Kie’s error envelope, and no bytes of them are stored or served', async () => {
    const { bot: b, base } = await demo();
    for (const fileUrl of [`${base}/metrics`, `${base}/`, `${base}/kie-sim/../metrics`, `http://localhost:${new URL(base).port}/metrics`, 'http://169.254.169.254/latest/meta-data/']) {
      const res = await post(`${base}/kie-sim/api/file-url-upload`, { fileUrl, uploadPath: 'x', fileName: 'stolen.mp3' });
      expect(res.json, fileUrl).toMatchObject({ success: false, code: 400, data: null });
      expect(res.json.msg, fileUrl).toMatch(/^Failed to download file/);
    }
    expect(b.sim!.control.uploads()).toEqual([]);
    const served = await request(`${base}/kie-sim/uploads/x/stolen.mp3`);
    expect(served.statusCode).toBe(404);
    expect(await served.body.text()).not.toContain('stembot_');
  });

  it('WHEN file-url-upload names the simulator’s own uploaded audio THEN it is copied; its own uploaded HTML is refused as not audio', async () => {
    const { bot: b, base } = await demo();
    const wav = Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'), Buffer.alloc(64, 1)]);
    const up = await post(`${base}/kie-sim/api/file-base64-upload`, { base64Data: wav.toString('base64'), uploadPath: 'a', fileName: 'a.wav' });
    const page = await post(`${base}/kie-sim/api/file-base64-upload`, { base64Data: Buffer.from('<script>alert(1)</script>').toString('base64'), uploadPath: 'a', fileName: 'p.html' });
    const copied = await post(`${base}/kie-sim/api/file-url-upload`, { fileUrl: up.json.data.downloadUrl, uploadPath: 'b' });
    expect(copied.json).toMatchObject({ success: true, data: { fileName: 'a.wav', fileSize: wav.length } });
    const refused = await post(`${base}/kie-sim/api/file-url-upload`, { fileUrl: page.json.data.downloadUrl, uploadPath: 'b' });
    expect(refused.json).toMatchObject({ success: false, code: 400, msg: 'Failed to download file: not an audio file' });
    expect(b.sim!.control.uploads().map((u) => u.filePath)).toEqual(['a/a.wav', 'a/p.html', 'b/a.wav']);
  });

  it('GIVEN a recording server on another loopback port WHEN a submission names it as callBackUrl THEN Kie’s 400 envelope and it never receives a POST', async () => {
    const { bot: b, base } = await demo();
    extra = Fastify();
    const seen: string[] = [];
    extra.all('/*', async (req) => {
      seen.push(`${req.method} ${req.url}`);
      return { ok: true };
    });
    await extra.listen({ host: '127.0.0.1', port: 0 });
    const victim = `http://127.0.0.1:${(extra.server.address() as AddressInfo).port}`;
    for (const callBackUrl of [`${victim}/callbacks/kie/x`, `${victim}/admin/delete`, `${base}/metrics`, `${base}/callbacks/kie@127.0.0.1:1/x`]) {
      const res = await post(`${base}/kie-sim/api/v1/vocal-removal/generate`, { audioUrl: 'https://cdn.example.com/a.mp3', type: 'separate_vocal', callBackUrl });
      expect(res.status, callBackUrl).toBe(200);
      expect(res.json, callBackUrl).toMatchObject({ code: 400, data: null });
      expect(res.json.msg).toMatch(/callBackUrl/);
    }
    // Refused at submit: no task exists, so no callback can ever go out.
    expect(b.sim!.control.tasks()).toEqual([]);
    expect(b.sim!.control.callbacks()).toEqual([]);
    // The server's own callback route is still accepted (that is how demo mode works).
    const own = await post(`${base}/kie-sim/api/v1/vocal-removal/generate`, { audioUrl: 'https://cdn.example.com/a.mp3', type: 'separate_vocal', callBackUrl: `${base}/callbacks/kie/some-token` });
    expect(own.json).toMatchObject({ code: 200, data: { taskId: expect.any(String) } });
    expect(b.sim!.control.tasks().map((t) => t.callBackUrl)).toEqual([`${base}/callbacks/kie/some-token`]);
    expect(seen).toEqual([]);
  });

  it('WHEN an HTML file with a script is uploaded and fetched back THEN it is not served as HTML: octet-stream, nosniff, a sandboxing CSP, an attachment', async () => {
    const { base } = await demo();
    const form = new FormData();
    form.append('file', new Blob(['<html><script>fetch("/playground/api/commands",{method:"POST"})</script></html>'], { type: 'text/html' }), 'evil.html');
    form.append('uploadPath', 'x');
    const up = await request(`${base}/kie-sim/api/file-stream-upload`, { method: 'POST', headers: AUTH, body: form });
    const json = (await up.body.json()) as any;
    expect(json).toMatchObject({ success: true });
    const got = await request(json.data.downloadUrl);
    await got.body.dump();
    expect(got.headers['content-type']).toBe('application/octet-stream');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-security-policy']).toMatch(/sandbox/);
    expect(got.headers['content-disposition']).toMatch(/^attachment; filename="evil.html"/);

    // A stem the simulator generated is still audio, with the same protections.
    const wav = await post(`${base}/kie-sim/api/file-base64-upload`, { base64Data: Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE'), Buffer.alloc(8)]).toString('base64'), uploadPath: 'y', fileName: 'song.bin' });
    const audio = await request(wav.json.data.downloadUrl);
    await audio.body.dump();
    expect(audio.headers['content-type']).toBe('audio/wav');
    expect(audio.headers['x-content-type-options']).toBe('nosniff');
    expect(audio.headers['content-security-policy']).toMatch(/sandbox/);
  });
});
