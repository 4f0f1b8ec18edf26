// The shedding benchmark's instrument (bench/lib/open-loop.ts): its raw-socket sender must count what a
// server really answered — 200s, 503s with and without Retry-After, answers split over several TCP reads —
// and charge a server that falls behind for the time its requests were due, not sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openLoop, parseResponse } from '../../bench/lib/open-loop.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const request = () => ({ path: '/callbacks/kie/x', body: JSON.stringify({ code: 200 }), headers: { 'content-type': 'application/json' } });

describe('open-loop sender', () => {
  it('GIVEN a response split anywhere WHEN parsed THEN it is whole only once its body has arrived, with its status and Retry-After', () => {
    const first = 'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 4\r\n\r\nbusy';
    const raw = Buffer.from(`${first}HTTP/1.1 200 OK\r\n`);
    expect(parseResponse(raw.subarray(0, 40))).toBeUndefined();
    expect(parseResponse(raw.subarray(0, first.length - 1))).toBeUndefined();
    expect(parseResponse(raw)).toEqual({ status: 503, retryAfter: true, length: first.length });
    const plain = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}';
    expect(parseResponse(Buffer.from(plain))).toEqual({ status: 200, retryAfter: false, length: plain.length });
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n';
    expect(parseResponse(Buffer.from(chunked.slice(0, -2)))).toBeUndefined();
    expect(parseResponse(Buffer.from(`${chunked}HTTP`))).toEqual({ status: 200, retryAfter: false, length: chunked.length });
  });

  it('GIVEN a server that takes every third request and refuses the rest, some without Retry-After WHEN 300 requests are due over 1 s THEN every answer is counted by status', async () => {
    let n = 0;
    const url = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        n++;
        // Bodies of different sizes, and the 503 with Retry-After written in two pieces.
        if (n % 3 === 0) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'received', n }));
        if (n % 3 === 1) {
          res.writeHead(503, { 'retry-after': '5', 'content-length': '8' });
          res.write('overl');
          return void setTimeout(() => res.end('oad'), 2);
        }
        res.writeHead(503).end();
      });
    });
    const r = await openLoop({ url, ratePerSec: 300, seconds: 1, connections: 8, timeoutMs: 15_000, next: request });
    expect(r.due).toBe(300);
    expect(r.byStatus).toEqual({ 200: 100, 503: 200 });
    expect(r.refusedWithRetryAfter).toBe(100);
    expect([r.timedOut, r.errors]).toEqual([0, 0]);
    expect(r.acceptedMs.n).toBe(100);
  });

  it('GIVEN a server that answers one request at a time, 20 ms each WHEN 100 are due within 0.5 s over 4 connections THEN the queue it built counts: the last ones waited about 1.5 s from when they were due', async () => {
    let busyUntil = 0;
    const url = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        busyUntil = Math.max(busyUntil, Date.now()) + 20;
        setTimeout(() => res.writeHead(200, { 'content-length': '2' }).end('{}'), busyUntil - Date.now());
      });
    });
    const r = await openLoop({ url, ratePerSec: 200, seconds: 0.5, connections: 4, timeoutMs: 15_000, next: request });
    expect(r.byStatus).toEqual({ 200: 100 });
    // 100 × 20 ms = 2 s of work for 0.5 s of arrivals: the last due (at 0.5 s) is answered near 2 s.
    expect(r.acceptedMs.max).toBeGreaterThan(1_200);
    expect(r.acceptedLastThirdMs.p50).toBeGreaterThan(r.acceptedFirstThirdMs.p50 + 500);
  });

  it('GIVEN a server that never answers WHEN the timeout passes THEN every request counts as timed out, none as accepted', async () => {
    const url = await serve((req) => req.resume());
    const r = await openLoop({ url, ratePerSec: 100, seconds: 0.2, connections: 4, timeoutMs: 300, next: request });
    expect(r.due).toBe(20);
    expect(r.timedOut).toBe(20);
    expect(r.byStatus).toEqual({});
  });
});
