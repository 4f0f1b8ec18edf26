// Small things the playground tests share: a temp data dir, a real (tiny) WAV file, a Job built from a
// Command, and a multipart body serialised the way a browser would send it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, Job } from '../../src/core/types.js';
import { jobFromCommand } from '../support/job.js';

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'stembot-playground-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A mono 16-bit PCM WAV of a 440 Hz tone: real audio a browser can decode. */
export function wav(seconds = 0.5, sampleRate = 8000): Buffer {
  const samples = Math.floor(seconds * sampleRate);
  const out = Buffer.alloc(44 + samples * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) out.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 8000), 44 + i * 2);
  return out;
}

export function jobFrom(command: Command, id: string, now: number): Job {
  return jobFromCommand(command, id, now);
}

/** A multipart/form-data body as a browser's FormData would produce it (undici serialises it for us). */
export async function multipart(fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('audio', new Blob([file.bytes], { type: file.type ?? 'audio/wav' }), file.name);
  const request = new Request('http://127.0.0.1/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type')! },
  };
}
