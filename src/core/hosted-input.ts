// Kie keeps files uploaded through its File Upload API for 3 days (docs/kie-api.md "File Upload API"). A job's
// recorded input, once submitted, is that hosted copy; a follow-up button ("Split into 12 stems") reuses it.
// Past the retention the copy is gone: the original is hosted again when stembot still has it, otherwise the
// person is told plainly that the file is gone and to attach it again. The age comes from `hostedAt`, so no
// network call is needed to know.
import { stat } from 'node:fs/promises';
import type { AudioInput } from './types.js';

/** The input recorded after re-hosting `input` at `url`: when, and from what (without any credential). */
export function hostedInput(input: Extract<AudioInput, { type: 'file' | 'private_url' }>, url: string, now: number): AudioInput {
  const original =
    input.type === 'file'
      ? { type: 'file' as const, path: input.path, bytes: input.bytes, ...(input.mimeType ? { mimeType: input.mimeType } : {}) }
      : { type: 'private_url' as const, url: input.url, ...(input.provider ? { provider: input.provider } : {}), ...(input.bytes !== undefined ? { bytes: input.bytes } : {}) };
  return { type: 'url', url, name: input.name, hostedAt: now, original };
}

export type Refreshed = { ok: true; input: AudioInput } | { ok: false };

/**
 * The input a new job may use in place of `input`: itself while Kie's copy lives (or it was never a Kie
 * copy); past the retention the original file when it is still on disk, or a private URL original, fetched again with
 * its platform's credential added at download time (delivery/credentials.ts); otherwise nothing.
 */
export async function refreshHostedInput(input: AudioInput, now: number, retentionMs: number): Promise<Refreshed> {
  if (input.type !== 'url' || input.hostedAt === undefined || now - input.hostedAt < retentionMs) return { ok: true, input };
  const o = input.original;
  if (o?.type === 'file') {
    try {
      const st = await stat(o.path);
      if (st.isFile()) return { ok: true, input: { type: 'file', path: o.path, name: input.name, bytes: st.size, ...(o.mimeType ? { mimeType: o.mimeType } : {}) } };
    } catch {
      // gone from disk too
    }
    return { ok: false };
  }
  if (o?.type === 'private_url') return { ok: true, input: { type: 'private_url', url: o.url, name: input.name, ...(o.provider ? { provider: o.provider } : {}), ...(o.bytes !== undefined ? { bytes: o.bytes } : {}) } };
  return { ok: false };
}
