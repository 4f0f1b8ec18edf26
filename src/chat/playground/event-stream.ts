// `GET /playground/api/events`: every channel change as a server-sent event. The page refetches the whole
// channel whenever the stream (re)opens, so events need no ids and a dropped connection loses nothing.
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { PlaygroundChat } from './chat-port.js';

export interface EventStreamOptions {
  chat: PlaygroundChat;
  /** A comment line this often keeps proxies and browsers from closing an idle stream. */
  heartbeatMs: number;
}

export function registerEventStream(app: FastifyInstance, opts: EventStreamOptions): void {
  const open = new Set<ServerResponse>();

  app.get('/playground/api/events', (req, reply) => {
    // The stream outlives the handler, so Fastify hands the socket over to us.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers responses unless told otherwise, which would hold events back.
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n: connected\n\n');
    open.add(res);

    const unsubscribe = opts.chat.subscribe((change) => {
      res.write(`data: ${JSON.stringify(change)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), opts.heartbeatMs);
    heartbeat.unref();

    const cleanup = () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(res);
    };
    req.raw.on('close', cleanup);
    res.on('close', cleanup);
    res.on('error', cleanup);
  });

  // Open streams would hold `close()` (graceful shutdown) forever: end them before the server waits on them.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
    open.clear();
  });
}
