// Kie as seen by stembot, for tests of the submission round trip: every request passes to the simulator; while
// `hold` is on, a submission is applied there (Kie accepts and charges) and its answer is kept back.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request } from 'undici';

const submitPaths = ['/api/v1/vocal-removal/generate', '/api/v1/generate/add-vocals', '/api/v1/generate/add-instrumental'];

export class HoldingProxy {
  hold = false;
  /** While > 0, that many submissions are answered 503 without reaching Kie (a refusal: Kie certainly did not take them). */
  refuseSubmissions = 0;
  private held: ServerResponse[] = [];
  private onHeld: (() => void) | undefined;
  private server!: Server;
  url = '';
  /** `target`: the simulator's URL (may be set after start, before the first request that matters). */
  constructor(public target: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.forward(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  /** Resolves when a submission has reached Kie and its answer is being held. */
  nextHeld(): Promise<void> {
    return new Promise((r) => (this.onHeld = r));
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.refuseSubmissions > 0 && submitPaths.some((p) => req.url?.startsWith(p))) {
      this.refuseSubmissions--;
      for await (const _ of req) void _;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length', 'transfer-encoding'].includes(k))) as Record<string, string>;
    let up: Awaited<ReturnType<typeof request>>;
    try {
      up = await request(`${this.target}${req.url}`, { method: req.method as 'GET' | 'POST', headers, body: chunks.length ? Buffer.concat(chunks) : null });
    } catch {
      res.writeHead(502).end();
      return;
    }
    const body = Buffer.from(await up.body.arrayBuffer());
    if (this.hold && submitPaths.some((p) => req.url?.startsWith(p))) {
      this.held.push(res);
      this.onHeld?.();
      return;
    }
    res.writeHead(up.statusCode, { 'content-type': String(up.headers['content-type'] ?? 'application/json') }).end(body);
  }

  async close(): Promise<void> {
    for (const r of this.held) r.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

