// Serves a stored file the way audio players like it: a length, single byte ranges (seeking), and a
// Content-Disposition carrying the download name. Multi-range requests get the whole file (RFC 9110 §14.2
// lets a server ignore Range).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isInlineSafe } from './audio-mime.js';
import { asciiFallback } from './safe-name.js';

export interface StoredFile {
  path: string;
  name: string;
  mimeType: string;
}

export async function sendStoredFile(req: FastifyRequest, reply: FastifyReply, file: StoredFile): Promise<FastifyReply> {
  const size = await stat(file.path).then((s) => s.size, () => -1);
  if (size < 0) return reply.code(404).send({ code: 'NOT_FOUND', message: 'That file is no longer stored here.' });

  // Only media is shown inline; anything else downloads, so a stored file can never act as a page of ours.
  const inline = isInlineSafe(file.mimeType);
  reply
    .header('content-type', inline ? file.mimeType : 'application/octet-stream')
    .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${asciiFallback(file.name)}"; filename*=UTF-8''${encodeURIComponent(file.name)}`)
    .header('accept-ranges', 'bytes')
    .header('x-content-type-options', 'nosniff')
    // Even if a browser were talked into rendering it, a stored file runs no script and loads nothing.
    .header('content-security-policy', "sandbox; default-src 'none'")
    // Files of a message never change once posted.
    .header('cache-control', 'private, max-age=86400, immutable');

  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${size}`).send();
  }
  if (range) {
    const [start, end] = range;
    reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`).header('content-length', end - start + 1);
    return reply.send(createReadStream(file.path, { start, end }));
  }
  reply.header('content-length', size);
  return reply.send(size === 0 ? '' : createReadStream(file.path));
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range, clamped to the file; null means "send everything". */
export function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null; // several ranges or another unit: allowed to ignore
  const [, from, to] = match as unknown as [string, string, string];
  if (from === '' && to === '') return null;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}
