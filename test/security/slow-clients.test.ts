// Slow clients cannot hold the server: a body (or headers) dripped a byte at a time is cut off within the
// configured timeout, while normal requests and a slow-but-steady upload on an upload route still succeed.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { Tuning } from '../../src/config.js';
import type { Stembot } from '../../src/stembot.js';
import { tempStembot, type TempStembot } from '../support/temp-stembot.js';

const tuning: Partial<Tuning> = {
  shedEventLoopDelayMs: 0,
  httpRequestTimeoutMs: 800,
  httpUploadTimeoutMs: 5_000,
  httpHeadersTimeoutMs: 800,
  httpTimeoutCheckIntervalMs: 100,
  httpMaxConnections: 64,
};

let bot: Stembot | undefined;
let running: TempStembot | undefined;
afterEach(async () => {
  await running?.dispose();
  running = bot = undefined;
});

async function start(): Promise<{ port: number; base: string }> {
  running = await tempStembot('stembot-slow-', {}, tuning);
  bot = running.bot;
  const base = await bot.start(0);
  return { port: Number(new URL(base).port), base };
}

/** Writes `head`, then one byte of `drip` every `everyMs`; answers when the server closes (or after `giveUpMs`). */
function dripper(port: number, head: string, drip: string, everyMs: number, giveUpMs: number) {
  return new Promise<{ closed: boolean; afterMs: number; response: string }>((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let response = '';
    let i = 0;
    const timer = setInterval(() => {
      if (i < drip.length && socket.writable) socket.write(drip[i++]!);
    }, everyMs);
    const finish = (closed: boolean) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closed, afterMs: Date.now() - started, response });
    };
    const giveUp = setTimeout(() => finish(false), giveUpMs);
    socket.on('data', (d) => (response += d.toString()));
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
    socket.write(head);
  });
}

describe('slow clients cannot hold the server', () => {
  it('GIVEN a client that sends headers then drips its body WHEN the request timeout passes THEN it gets 408 and the socket is closed', async () => {
    const { port } = await start();
    const body = JSON.stringify({ code: 200, msg: 'x', data: { task_id: 't', callbackType: 'complete' } }).padEnd(400, ' ');
    const head = `POST /callbacks/kie/some-token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const cut = await dripper(port, head, body, 100, 6_000);
    expect(cut.closed).toBe(true);
    expect(cut.afterMs).toBeLessThan(2_500);
    expect(cut.response).toMatch(/^HTTP\/1\.1 408/);
  });

  it('GIVEN a client that drips its headers WHEN the headers timeout passes THEN the socket is closed', async () => {
    const { port } = await start();
    const cut = await dripper(port, 'GET /healthz HTTP/1.1\r\n', 'X-Slow: ' + 'a'.repeat(200), 100, 6_000);
    expect(cut.closed).toBe(true);
    expect(cut.afterMs).toBeLessThan(2_500);
  });

  it('GIVEN the timeouts WHEN normal clients call THEN they are served; a slow-but-steady upload within the upload timeout succeeds', async () => {
    const { base, port } = await start();
    expect(bot!.app.server.maxConnections).toBe(64);
    const health = await request(`${base}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();

    // A multipart upload to the simulator's file-stream-upload, dripped over ~2 s: longer than the ordinary
    // request timeout (0.8 s), well within the upload timeout (5 s).
    const wav = Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt '), Buffer.alloc(20, 1)]).toString('latin1');
    const body =
      '--b\r\nContent-Disposition: form-data; name="uploadPath"\r\n\r\nslow\r\n' +
      `--b\r\nContent-Disposition: form-data; name="file"; filename="slow.wav"\r\nContent-Type: audio/wav\r\n\r\n${wav}\r\n--b--\r\n`;
    const head = `POST /kie-sim/api/file-stream-upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer k\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n`;
    const steady = await dripper(port, head + body.slice(0, body.length - 20), body.slice(body.length - 20), 100, 6_000);
    expect(steady.response).toMatch(/^HTTP\/1\.1 200/);
    expect(steady.response).toContain('"success":true');
    expect(steady.afterMs).toBeGreaterThan(1_500);
    expect(bot!.sim!.control.uploads().map((u) => u.filePath)).toEqual(['slow/slow.wav']);
  });
});
