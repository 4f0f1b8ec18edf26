// An open-loop load generator: requests leave on a fixed schedule whether or not earlier ones were answered
// — the way Kie's callbacks arrive — and each one's latency counts from when it was DUE, so a server that
// falls behind is charged for the queue it built (no coordinated omission). autocannon's closed loop cannot
// overload a server this way (it waits for answers) and does not split latency by status, which is the
// whole question here: how fast are the ACCEPTED callbacks, and do the refused ones carry Retry-After?
//
// Raw keep-alive sockets with one request in flight each, and a FIFO of due requests waiting for a free
// one (where a real sender's requests would wait in the server's accept queue). It is written for cost:
// the load runs on the same cores as the server, and an HTTP client costing ~50 µs a request (undici with a
// timer per request) took most of a core at 3× stembot's capacity and measured its own lag as lateness.
// A request still waiting when its 15 s are up is given up unsent, as Kie gives up; one answered after its
// 15 s counts as timed out, not as accepted or refused.
import { connect, type Socket } from 'node:net';
import type { CallbackRequest } from './callbacks.js';
import { summarize, type Summary } from './stats.js';

export interface OpenLoopOptions {
  url: string;
  ratePerSec: number;
  seconds: number;
  connections: number;
  /** Kie gives a callback 15 s; a request unanswered by then counts as timed out. */
  timeoutMs: number;
  next: () => CallbackRequest;
}

export interface OpenLoopResult {
  due: number;
  byStatus: Record<string, number>;
  acceptedMs: Summary;
  /** Accepted requests due in the first and in the last third of the run: flat when bounded, rising when not. */
  acceptedFirstThirdMs: Summary;
  acceptedLastThirdMs: Summary;
  refusedMs: Summary;
  refusedWithRetryAfter: number;
  timedOut: number;
  errors: number;
  /** CPU the generator itself used, in cores (it shares the machine with the server). */
  generatorCores: number;
}

interface Conn {
  socket: Socket;
  /** Due time of the request in flight on it, or undefined when idle. */
  due: number | undefined;
  buf: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One HTTP/1.1 response at the start of `buf`: its status, whether it said Retry-After, and its length. */
export function parseResponse(buf: Buffer): { status: number; retryAfter: boolean; length: number } | undefined {
  const end = buf.indexOf(HEADER_END);
  if (end < 0) return undefined;
  const head = buf.toString('latin1', 0, end).toLowerCase();
  const status = Number(head.slice(9, 12));
  const retryAfter = head.includes('\r\nretry-after:');
  if (/\r\ntransfer-encoding:[^\r]*chunked/.test(head)) {
    // Chunks until the last, empty one (no trailers are expected from these servers).
    for (let at = end + 4; ; ) {
      const lineEnd = buf.indexOf('\r\n', at, 'latin1');
      if (lineEnd < 0) return undefined;
      const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
      if (size === 0) return buf.length >= lineEnd + 4 ? { status, retryAfter, length: lineEnd + 4 } : undefined;
      at = lineEnd + 2 + size + 2;
      if (buf.length < at) return undefined;
    }
  }
  const m = /\r\ncontent-length:\s*(\d+)/.exec(head);
  const length = end + 4 + (m ? Number(m[1]) : 0);
  if (buf.length < length) return undefined;
  return { status, retryAfter, length };
}

export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const { hostname, port } = new URL(o.url);
  const accepted: number[] = [];
  const thirds: [number[], number[]] = [[], []];
  const refused: number[] = [];
  const byStatus: Record<string, number> = {};
  let retryAfter = 0;
  let timedOut = 0;
  let errors = 0;
  let answered = 0;
  const total = Math.round(o.ratePerSec * o.seconds);
  let start = 0;
  /** Due times of requests waiting for a free connection, oldest first; `waitingHead` is the next to send. */
  const waiting: number[] = [];
  let waitingHead = 0;
  const idle: Conn[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const settle = () => {
    answered++;
    if (answered === total) done();
  };
  const record = (due: number, status: number, hasRetryAfter: boolean) => {
    const ms = performance.now() - due;
    if (ms > o.timeoutMs) return void timedOut++;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (status === 200) {
      accepted.push(ms);
      const third = Math.floor(((due - start) / (o.seconds * 1000)) * 3);
      if (third === 0) thirds[0].push(ms);
      if (third >= 2) thirds[1].push(ms);
    } else if (status === 503) {
      refused.push(ms);
      if (hasRetryAfter) retryAfter++;
    }
  };
  const send = (c: Conn) => {
    // Requests whose sender has given up by now are never sent.
    while (waitingHead < waiting.length) {
      const due = waiting[waitingHead++]!;
      if (performance.now() - due > o.timeoutMs) {
        timedOut++;
        settle();
        continue;
      }
      const r = o.next();
      c.due = due;
      c.socket.write(`POST ${r.path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n${Object.entries(r.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}content-length: ${Buffer.byteLength(r.body)}\r\n\r\n${r.body}`);
      return;
    }
    if (waitingHead > 65_536) (waiting.splice(0, waitingHead), (waitingHead = 0));
    idle.push(c);
  };
  const open = () =>
    new Promise<Conn>((resolve, reject) => {
      const c: Conn = { socket: connect(Number(port), hostname), due: undefined, buf: Buffer.alloc(0) };
      c.socket.setNoDelay(true);
      c.socket.once('connect', () => resolve(c));
      c.socket.once('error', reject);
      c.socket.on('data', (d: Buffer) => {
        c.buf = c.buf.length === 0 ? d : Buffer.concat([c.buf, d]);
        for (let r = parseResponse(c.buf); r && c.due !== undefined; r = parseResponse(c.buf)) {
          c.buf = c.buf.subarray(r.length);
          record(c.due, r.status, r.retryAfter);
          c.due = undefined;
          settle();
          send(c);
        }
      });
      c.socket.on('close', () => {
        // A connection the server closed: its request failed; the rest go on over the others.
        if (c.due !== undefined) (errors++, (c.due = undefined), settle());
        const i = idle.indexOf(c);
        if (i >= 0) idle.splice(i, 1);
      });
    });
  // Connections opened first, as a busy sender's would be: 256 connects at once would otherwise measure the
  // kernel's accept backlog (SYN retries of 1, 3, 7 s) instead of the server.
  const conns = await Promise.all(Array.from({ length: o.connections }, open));
  for (const c of conns) c.socket.on('error', () => {});
  idle.push(...conns);
  const cpu0 = process.cpuUsage();
  start = performance.now();
  // Ticks of 5 ms: each makes every request due by now wait for a connection, stamped with its own due time.
  for (let queued = 0; queued < total; ) {
    const dueCount = Math.min(total, Math.floor(((performance.now() - start) / 1000) * o.ratePerSec));
    for (; queued < dueCount; queued++) waiting.push(start + (queued / o.ratePerSec) * 1000);
    while (idle.length > 0 && waitingHead < waiting.length) send(idle.pop()!);
    await new Promise((r) => setTimeout(r, 5));
  }
  // The last request's sender gives up 15 s after it was due: whatever is unanswered then has timed out.
  const deadline = setTimeout(done, Math.max(0, start + o.seconds * 1000 + o.timeoutMs + 100 - performance.now()));
  await finished;
  clearTimeout(deadline);
  if (answered < total) timedOut += total - answered;
  const cpu = process.cpuUsage(cpu0);
  const generatorCores = Math.round(((cpu.user + cpu.system) / 1000 / (performance.now() - start)) * 100) / 100;
  for (const c of conns) c.socket.destroy();
  return { due: total, byStatus, acceptedMs: summarize(accepted), acceptedFirstThirdMs: summarize(thirds[0]), acceptedLastThirdMs: summarize(thirds[1]), refusedMs: summarize(refused), refusedWithRetryAfter: retryAfter, timedOut, errors, generatorCores };
}
