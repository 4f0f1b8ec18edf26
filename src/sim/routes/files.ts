// Public file URLs, as Kie's CDN serves them (no bearer): result WAVs streamed with an exact
// Content-Length and byte ranges (so players can seek), cover PNGs, and uploaded files.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { coverPng } from '../cover.js';
import type { SimCore } from '../task-engine.js';
import { fail } from '../envelope.js';
import { isRevealed } from '../tasks.js';
import { wavStream } from '../wav.js';
import { fileHeaders, servedAudioType } from '../served-type.js';

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` → inclusive range, or null when absent or unsatisfiable. */
export function parseRange(header: string | undefined, total: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  const start = m[1] === '' ? Math.max(0, total - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? total - 1 : Math.min(Number(m[2]), total - 1);
  return start > end || start >= total ? 'invalid' : { start, end };
}

function notFound(reply: FastifyReply) {
  return reply.code(404).send(fail(404, 'File not found'));
}

export function fileRoutes(app: FastifyInstance, core: SimCore): void {
  app.get<{ Params: { taskId: string; name: string } }>('/files/:taskId/:name', async (req, reply) => {
    const task = core.tasks.get(req.params.taskId);
    const m = /^(.+)\.(wav|png)$/.exec(req.params.name);
    const file = m && task?.files.find((f) => f.key === m[1]);
    if (!task || !m || !file || !isRevealed(task, file)) return notFound(reply);
    if (m[2] === 'png') {
      if (task.family !== 'generation') return notFound(reply);
      return fileHeaders(reply.header('cache-control', 'public, max-age=86400'), 'image/png', `${file.key}.png`).send(coverPng(file.seed));
    }
    const total = file.bytes;
    const range = parseRange(req.headers.range, total);
    fileHeaders(reply.header('accept-ranges', 'bytes'), 'audio/wav', `${file.key}.wav`);
    if (range === 'invalid') return reply.code(416).header('content-range', `bytes */${total}`).send();
    const { start, end } = range ?? { start: 0, end: total - 1 };
    if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${total}`);
    reply.header('content-length', String(end - start + 1));
    return reply.send(wavStream({ seed: file.seed, freqHz: file.freqHz, bytes: file.bytes, sampleRate: file.sampleRate, start, end }));
  });

  app.get<{ Params: { '*': string } }>('/uploads/*', async (req, reply) => {
    const stored = core.uploads.get(req.params['*']); // Fastify has already percent-decoded the wildcard
    if (!stored) return notFound(reply);
    return fileHeaders(reply, servedAudioType(stored.data, stored.record.mimeType), stored.record.fileName)
      .header('content-length', String(stored.data.length))
      .send(stored.data);
  });
}
