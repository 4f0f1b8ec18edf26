// The simulator with a state folder survives a restart the way Kie does: a task submitted before it stops
// is still known after (record-info answers it), a step that fell due while it was down happens when it comes
// back (its callback goes out), a callback left unanswered is sent again, and uploads are served again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { AUTH, startReceiver, type Receiver } from './helpers.js';
import { sleep, waitFor } from '../support/wait.js';

const SEPARATE = '/api/v1/vocal-removal/generate';
let dir = '';
let sims: RunningSimulator[] = [];
let receiver: Receiver | undefined;

afterEach(async () => {
  for (const s of sims) await s.close();
  sims = [];
  await receiver?.close();
  receiver = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function start(clock?: () => number): Promise<RunningSimulator> {
  const sim = await startSimulator({ speed: 50, stateDir: dir, ...(clock ? { clock } : {}) });
  sims.push(sim);
  return sim;
}

async function call(sim: RunningSimulator, method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await request(`${sim.url}${path}`, {
    method,
    headers: body === undefined ? AUTH : { ...AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.body.json()) as { code: number; msg: string; data: any };
}

describe('simulator state folder', () => {
  it('GIVEN a task due while the simulator was down WHEN it starts again THEN the task completes and its callback arrives', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kie-sim-state-'));
    receiver = await startReceiver();
    const first = await start();
    // Complete 20 s after submission at speed 50 = 400 ms: the simulator is down by then.
    first.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 20_000 }] });
    const submitted = await call(first, 'POST', SEPARATE, { audioUrl: 'https://example.com/a.mp3', callBackUrl: `${receiver.url}/cb/kie` });
    const taskId = submitted.data.taskId as string;
    await first.close();
    sims = [];
    await sleep(500);
    expect(receiver.received).toHaveLength(0);

    const second = await start();
    const arrived = await waitFor('the callbacks', () => receiver!.forTask(taskId)[0]);
    expect(arrived.body).toMatchObject({ code: 200, data: { task_id: taskId, vocal_separation_info: { vocal_url: expect.any(String), instrumental_url: expect.any(String) } } });
    const record = await call(second, 'GET', `/api/v1/vocal-removal/record-info?taskId=${taskId}`);
    expect(record).toMatchObject({ code: 200, data: { taskId, successFlag: 'SUCCESS' } });
    // The credits spent before the restart stay spent.
    expect((await call(second, 'GET', '/api/v1/chat/credit')).data).toBe(10_000 - 10);
  });

  it('GIVEN a callback unanswered when the simulator stopped WHEN it starts again THEN the callback is sent again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kie-sim-state-'));
    let up = false;
    receiver = await startReceiver(() => (up ? 200 : 503));
    const first = await start();
    first.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 0 }] });
    const taskId = (await call(first, 'POST', SEPARATE, { audioUrl: 'https://example.com/a.mp3', callBackUrl: `${receiver.url}/cb/kie` })).data.taskId as string;
    await waitFor('the callbacks', () => receiver!.forTask(taskId).length === 1);
    await first.close(); // its first retry (1 minute / 50 = 1.2 s) never happens
    sims = [];
    up = true;
    await start();
    await waitFor('the callbacks', () => receiver!.forTask(taskId).length === 2);
    expect(receiver.forTask(taskId)[1]!.body).toEqual(receiver.forTask(taskId)[0]!.body);
  });

  it('GIVEN an uploaded file WHEN the simulator restarts THEN the same download URL path serves the same bytes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kie-sim-state-'));
    const first = await start();
    const data = Buffer.from('ID3 persisted upload bytes');
    const up = await call(first, 'POST', '/api/file-base64-upload', { base64Data: data.toString('base64'), uploadPath: 'stembot', fileName: 'keep.mp3' });
    expect(up.code).toBe(200);
    const path = new URL(up.data.downloadUrl as string).pathname;
    await first.close();
    sims = [];
    const second = await start();
    const res = await request(`${second.url}${path}`);
    expect(res.statusCode).toBe(200);
    expect(Buffer.from(await res.body.arrayBuffer())).toEqual(data);
  });

  it('GIVEN a task older than Kie’s 14-day retention WHEN the simulator restarts THEN record-info no longer knows it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kie-sim-state-'));
    receiver = await startReceiver();
    const t0 = Date.now();
    const first = await start(() => t0);
    const taskId = (await call(first, 'POST', SEPARATE, { audioUrl: 'https://example.com/a.mp3', callBackUrl: `${receiver.url}/cb/kie` })).data.taskId as string;
    await first.control.settled();
    await first.close();
    sims = [];
    const later = await start(() => t0 + 15 * 24 * 60 * 60_000);
    expect(await call(later, 'GET', `/api/v1/vocal-removal/record-info?taskId=${taskId}`)).toMatchObject({ code: 404, msg: `Task not found: ${taskId}` });
  });
});
