import type { AddressInfo } from 'node:net';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { FormData, request } from 'undici';
import { loadConfig } from '../../src/config.js';
import { createSimulatorControl, simulatorPlugin } from '../../src/sim/index.js';
import { mountSimulator } from '../../src/sim/mount.js';
import { AUTH, download, parseWav, signatureValid, startReceiver, type Receiver } from './helpers.js';
import { waitFor } from '../support/wait.js';

let host: FastifyInstance | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await host?.close();
  await receiver?.close();
  host = receiver = undefined;
});

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function post(url: string, body: unknown) {
  const res = await request(url, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.statusCode, json: (await res.body.json()) as any };
}

describe('simulator mounted in a host app (demo mode)', () => {
  it('GIVEN a host with its own multipart and routes WHEN the plugin is mounted under /kie-sim THEN Kie works under the prefix and the host is untouched', async () => {
    receiver = await startReceiver();
    host = Fastify();
    await host.register(multipart);
    host.get('/healthz', async () => ({ ok: true }));
    let base = '';
    const control = createSimulatorControl({ speed: 50, stemDurationSec: 0.5, publicBaseUrl: () => base && `${base}/kie-sim` });
    await host.register(simulatorPlugin, { prefix: '/kie-sim', control });
    base = await listen(host);

    const submitted = await post(`${base}/kie-sim/api/v1/vocal-removal/generate`, { audioUrl: 'https://example.com/a.mp3', callBackUrl: `${receiver.url}/cb/demo` });
    const taskId = submitted.json.data.taskId as string;
    const [cb] = await waitFor('the callbacks', () => receiver!.forTask(taskId).length > 0 && receiver!.forTask(taskId));
    const vocalUrl = cb!.body.data.vocal_separation_info.vocal_url as string;
    expect(vocalUrl).toBe(`${base}/kie-sim/files/${taskId}/vocal.wav`);
    expect(parseWav((await download(vocalUrl)).bytes).dataBytes).toBe(0.5 * 22_050 * 2);

    const form = new FormData();
    form.append('file', new Blob([Buffer.from('hello')]), 'a.mp3');
    form.append('uploadPath', 'demo');
    const up = await request(`${base}/kie-sim/api/file-stream-upload`, { method: 'POST', headers: AUTH, body: form });
    expect(((await up.body.json()) as any).data.downloadUrl).toBe(`${base}/kie-sim/uploads/demo/a.mp3`);

    expect((await download(`${base}/kie-sim/__sim/stats`)).status).toBe(404);
    const missing = await download(`${base}/kie-sim/nope`);
    expect(JSON.parse(missing.bytes.toString())).toMatchObject({ code: 404, data: null });
    expect(JSON.parse((await download(`${base}/healthz`)).bytes.toString())).toEqual({ ok: true });
    expect(control.tasks().map((t) => t.taskId)).toEqual([taskId]);
  });

  it('GIVEN no publicBaseUrl WHEN a job is submitted THEN its URLs use the host and prefix the request arrived on', async () => {
    receiver = await startReceiver();
    host = Fastify();
    await host.register(simulatorPlugin, { prefix: '/sim', speed: 50 });
    const base = await listen(host);
    const res = await post(`${base}/sim/api/v1/generate/add-instrumental`, {
      uploadUrl: 'https://example.com/v.mp3', title: 'T', tags: 'lofi', negativeTags: '', callBackUrl: `${receiver.url}/cb/x`,
    });
    const done = await waitFor('the callbacks', () => receiver!.forTask(res.json.data.taskId).find((c) => c.body.data.callbackType === 'complete'));
    expect(done.body.data.data[0].audio_url).toBe(`${base}/sim/files/${res.json.data.taskId}/track-1.wav`);
  });

  it('GIVEN stembot config with an HMAC key WHEN mountSimulator attaches THEN the API URL carries the prefix and callbacks are signed with that key', async () => {
    const loaded = loadConfig({ KIE_WEBHOOK_HMAC_KEY: 'demo-secret' });
    if (!loaded.ok) throw new Error(loaded.message);
    host = Fastify();
    // Demo mode calls back only the host's own callback route, so the recorder lives there.
    const received: { headers: Record<string, unknown>; body: any }[] = [];
    host.post('/callbacks/kie/:token', async (req) => {
      received.push({ headers: req.headers, body: req.body });
      return { status: 'received' };
    });
    const sim = await mountSimulator(host, loaded.config, { speed: 50 });
    const base = await listen(host);
    const apiUrl = sim.attach(base);
    expect(apiUrl).toBe(`${base}/kie-sim`);
    const res = await post(`${apiUrl}/api/v1/vocal-removal/generate`, { audioUrl: 'https://example.com/a.mp3', callBackUrl: `${base}/callbacks/kie/x` });
    const cb = await waitFor('the callbacks', () => received.find((r) => r.body?.data?.task_id === res.json.data.taskId));
    expect(signatureValid('demo-secret', cb.headers as never, res.json.data.taskId)).toBe(true);
    expect(cb.body.data.vocal_separation_info.vocal_url.startsWith(`${apiUrl}/files/`)).toBe(true);
    expect((await download(`${apiUrl}/__sim/stats`)).status).toBe(404);
  });
});
