// Shared fixtures for the simulator suites: a simulator and a callback receiver, both real servers on
// 127.0.0.1, and a small HTTP client. No sleeps: `waitFor` polls an observable outcome with a deadline.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { request } from 'undici';
import { startSimulator, type RunningSimulator, type StartSimulatorOptions } from '../../src/sim/index.js';

export interface Received {
  tag: string;
  headers: IncomingHttpHeaders;
  body: any;
  /** Arrival time (ms since the epoch). */
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Callbacks received for one task, in arrival order. */
  forTask(taskId: string): Received[];
  close(): Promise<void>;
}

/** A stand-in for stembot's callback route. `status(n)` answers the n-th request (1-based). */
export async function startReceiver(status: (n: number) => number = () => 200): Promise<Receiver> {
  const app = Fastify();
  const received: Received[] = [];
  app.post<{ Params: { tag: string } }>('/cb/:tag', async (req, reply) => {
    received.push({ tag: req.params.tag, headers: req.headers, body: req.body, at: Date.now() });
    return reply.code(status(received.length)).send({ status: 'received' });
  });
  app.get('/song.mp3', async (_req, reply) => reply.type('audio/mpeg').send(Buffer.from('ID3-fake-mp3-bytes-for-url-upload')));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    forTask: (taskId) => received.filter((r) => r.body?.data?.task_id === taskId),
    close: () => app.close(),
  };
}

export interface Harness {
  sim: RunningSimulator;
  receiver: Receiver;
  callBackUrl: string;
  api(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: IncomingHttpHeaders }>;
  submit(path: string, body: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export const AUTH = { authorization: 'Bearer test-key' };
/** Fast enough that a whole scenario takes ~100 ms, slow enough that stages stay distinct. */
export const FAST = 50;

export async function startHarness(opts: StartSimulatorOptions = {}, status?: (n: number) => number): Promise<Harness> {
  const receiver = await startReceiver(status);
  const sim = await startSimulator({ speed: FAST, ...opts });
  const api: Harness['api'] = async (method, path, body, headers = AUTH) => {
    const res = await request(`${sim.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.statusCode, json, headers: res.headers };
  };
  const callBackUrl = `${receiver.url}/cb/kie`;
  return {
    sim,
    receiver,
    callBackUrl,
    api,
    async submit(path, body) {
      const res = await api('POST', path, { callBackUrl, ...body });
      if (res.json?.code !== 200) throw new Error(`submit refused: ${JSON.stringify(res.json)}`);
      return res.json.data.taskId as string;
    },
    async close() {
      await sim.close();
      await receiver.close();
    },
  };
}

/** The receiving side of Kie's signature rule, written independently of src/sim/signature.ts. */
export function signatureValid(key: string, headers: IncomingHttpHeaders, taskId: string): boolean {
  const ts = headers['x-webhook-timestamp'];
  const sig = headers['x-webhook-signature'];
  if (typeof ts !== 'string' || typeof sig !== 'string') return false;
  const expected = createHmac('sha256', key).update(`${taskId}.${ts}`).digest();
  const given = Buffer.from(sig, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; bytes: Buffer }> {
  const res = await request(url, { headers });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, bytes };
}

/** Checks a WAV the way a player would: RIFF/WAVE, PCM 16-bit mono, sizes consistent with the file. */
export function parseWav(bytes: Buffer): { sampleRate: number; dataBytes: number } {
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not RIFF/WAVE');
  if (bytes.readUInt32LE(4) !== bytes.length - 8) throw new Error('RIFF size does not match the file');
  if (bytes.readUInt16LE(20) !== 1 || bytes.readUInt16LE(22) !== 1 || bytes.readUInt16LE(34) !== 16) throw new Error('not PCM 16-bit mono');
  if (bytes.toString('ascii', 36, 40) !== 'data') throw new Error('no data chunk');
  const dataBytes = bytes.readUInt32LE(40);
  if (dataBytes !== bytes.length - 44) throw new Error('data size does not match the file');
  return { sampleRate: bytes.readUInt32LE(24), dataBytes };
}

/** A setTimer whose timers run only when the test says so. */
export function manualTimers() {
  const pending: { at: number; fn: () => void; cancelled: boolean }[] = [];
  return {
    setTimer: (fn: () => void, ms: number) => {
      const t = { at: ms, fn, cancelled: false };
      pending.push(t);
      return () => {
        t.cancelled = true;
      };
    },
    /** Runs the earliest pending timer. */
    runNext(): boolean {
      const live = pending.filter((t) => !t.cancelled).sort((a, b) => a.at - b.at);
      const next = live[0];
      if (!next) return false;
      next.cancelled = true;
      next.fn();
      return true;
    },
    get size() {
      return pending.filter((t) => !t.cancelled).length;
    },
  };
}
