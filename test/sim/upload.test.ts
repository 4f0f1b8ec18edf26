import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FormData, request } from 'undici';
import { AUTH, download, startHarness, type Harness } from './helpers.js';
import { sha256 } from '../support/hash.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});


async function streamUpload(url: string, file: Buffer, fields: Record<string, string>, headers: Record<string, string> = AUTH) {
  const form = new FormData();
  form.append('file', new Blob([file], { type: 'audio/mpeg' }), 'original.mp3');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const res = await request(`${url}/api/file-stream-upload`, { method: 'POST', headers, body: form });
  return { status: res.statusCode, json: (await res.body.json()) as any };
}

describe('File Upload API', () => {
  it('GIVEN a multipart upload WHEN it is stored THEN the answer is Kie-shaped and the download URL serves the same bytes', async () => {
    h = await startHarness();
    const file = randomBytes(300_000);
    const res = await streamUpload(h.sim.url, file, { uploadPath: 'stembot/jobs', fileName: 'river song 100%.mp3' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      success: true,
      code: 200,
      data: { fileName: 'river song 100%.mp3', filePath: 'stembot/jobs/river song 100%.mp3', fileSize: 300_000, mimeType: 'audio/mpeg' },
    });
    expect(res.json.data.downloadUrl).toBe(`${h.sim.url}/uploads/stembot/jobs/river%20song%20100%25.mp3`);
    expect(Date.parse(res.json.data.uploadedAt)).not.toBeNaN();

    const got = await download(res.json.data.downloadUrl);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('audio/mpeg');
    expect(got.bytes.equals(file)).toBe(true);
    expect(h.sim.control.uploads()).toMatchObject([{ method: 'stream', fileName: 'river song 100%.mp3', bytes: 300_000, sha256: sha256(file) }]);
  });

  it('GIVEN base64 data (plain and data URL) WHEN uploaded THEN the decoded bytes are stored and served', async () => {
    h = await startHarness();
    const file = randomBytes(5_000);
    const plain = await h.api('POST', '/api/file-base64-upload', { base64Data: file.toString('base64'), uploadPath: 'b64', fileName: 'a.wav' });
    const dataUrl = await h.api('POST', '/api/file-base64-upload', { base64Data: `data:audio/ogg;base64,${file.toString('base64')}`, uploadPath: 'b64' });
    expect(plain.json.data).toMatchObject({ fileName: 'a.wav', mimeType: 'audio/wav', fileSize: 5_000 });
    expect(dataUrl.json.data.fileName).toMatch(/^[0-9a-f]{16}\.ogg$/);
    for (const r of [plain, dataUrl]) expect((await download(r.json.data.downloadUrl)).bytes.equals(file)).toBe(true);
    expect(h.sim.control.uploads().map((u) => [u.method, u.sha256])).toEqual([['base64', sha256(file)], ['base64', sha256(file)]]);
  });

  it('GIVEN a loopback file URL WHEN uploaded by URL THEN the simulator fetches it; a public URL gets a placeholder without any fetch', async () => {
    h = await startHarness();
    const local = await h.api('POST', '/api/file-url-upload', { fileUrl: `${h.receiver.url}/song.mp3`, uploadPath: 'u' });
    expect(local.json.data).toMatchObject({ fileName: 'song.mp3', mimeType: 'audio/mpeg' });
    expect((await download(local.json.data.downloadUrl)).bytes.toString()).toBe('ID3-fake-mp3-bytes-for-url-upload');

    const remote = await h.api('POST', '/api/file-url-upload', { fileUrl: 'https://cdn.example.invalid/x/track.wav', uploadPath: 'u', fileName: 'mine.wav' });
    expect(remote.json).toMatchObject({ success: true, data: { fileName: 'mine.wav', filePath: 'u/mine.wav' } });
    const placeholder = await download(remote.json.data.downloadUrl);
    expect(placeholder.bytes.toString('ascii', 0, 4)).toBe('RIFF');
    expect(h.sim.control.uploads()[1]).toMatchObject({ method: 'url', placeholder: true, sourceUrl: 'https://cdn.example.invalid/x/track.wav' });
  });

  it('GIVEN a 1 KB cap WHEN a larger file is uploaded THEN HTTP 413 with an envelope and nothing is stored', async () => {
    h = await startHarness({ maxUploadBytes: 1_000 });
    const big = randomBytes(2_000);
    const multipart = await streamUpload(h.sim.url, big, { uploadPath: 'x' });
    expect(multipart.status).toBe(413);
    expect(multipart.json).toMatchObject({ success: false, code: 413, data: null });
    const b64 = await h.api('POST', '/api/file-base64-upload', { base64Data: big.toString('base64'), uploadPath: 'x' });
    expect(b64.status).toBe(413);
    expect(h.sim.control.uploads()).toHaveLength(0);
  });

  it('GIVEN a missing uploadPath, file or bearer WHEN uploading THEN 400 / 401 envelopes', async () => {
    h = await startHarness();
    expect((await streamUpload(h.sim.url, Buffer.from('x'), {})).json).toMatchObject({ success: false, code: 400, msg: 'uploadPath is required' });
    expect((await h.api('POST', '/api/file-base64-upload', { uploadPath: 'x' })).json).toMatchObject({ code: 400, msg: 'base64Data is required' });
    expect((await h.api('POST', '/api/file-url-upload', { fileUrl: 'https://a.example/x.mp3', uploadPath: '../etc' })).json).toMatchObject({ code: 400 });
    const anon = await streamUpload(h.sim.url, Buffer.from('x'), { uploadPath: 'x' }, {});
    expect(anon.status).toBe(401);
    expect(anon.json).toMatchObject({ success: false, code: 401 });
  });
});
