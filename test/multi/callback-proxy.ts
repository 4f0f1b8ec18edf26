// The PUBLIC_URL of the instances under test: a load balancer on 127.0.0.1 that forwards each request (Kie's
// callbacks) to a random instance, sometimes to every instance at once (a duplicate arriving twice in
// parallel), and, like any load balancer, to another instance when the chosen one does not answer.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface CallbackProxy {
  url: string;
  setTargets(urls: string[]): void;
  /** Requests forwarded to each target, and how many were fanned out to all. */
  stats(): { byTarget: Record<string, number>; fannedOut: number; failedOver: number };
  close(): Promise<void>;
}

type Answer = { status: number; body: string } | { error: unknown };

export async function startCallbackProxy(opts: { fanOutRate: number }): Promise<CallbackProxy> {
  let targets: string[] = [];
  const byTarget: Record<string, number> = {};
  let fannedOut = 0;
  let failedOver = 0;

  const forward = async (target: string, req: IncomingMessage, body: Buffer): Promise<Answer> => {
    byTarget[target] = (byTarget[target] ?? 0) + 1;
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'x-webhook-timestamp', 'x-webhook-signature']) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    try {
      const res = await request(`${target}${req.url}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      return { status: res.statusCode, body: await res.body.text() };
    } catch (error) {
      return { error };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const order = [...targets].sort(() => Math.random() - 0.5);
    let answer: Answer;
    if (Math.random() < opts.fanOutRate) {
      fannedOut++;
      const all = await Promise.all(order.map((t) => forward(t, req, body)));
      answer = all.find((a) => 'status' in a && a.status < 300) ?? all.find((a) => 'status' in a) ?? all[0]!;
    } else {
      answer = await forward(order[0]!, req, body);
      // A dead instance refuses the connection: try the next one, as a load balancer would.
      for (const t of order.slice(1)) {
        if (!('error' in answer)) break;
        failedOver++;
        answer = await forward(t, req, body);
      }
    }
    if ('error' in answer) return res.writeHead(502).end('no instance answered');
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setTargets: (urls) => (targets = [...urls]),
    stats: () => ({ byTarget: { ...byTarget }, fannedOut, failedOver }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
