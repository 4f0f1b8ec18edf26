// Real, playable audio for the fake Kie: 16-bit PCM mono WAV, a plucked two-note figure per stem.
// Every sample is a pure function of its index, so a file can be streamed in chunks (a 30 MiB stem is
// never held in memory), served from any byte offset (Range requests, seeking in the playground), and
// rebuilt byte-for-byte by tests with `wavBytesFor`.
import { endianness } from 'node:os';
import { Readable } from 'node:stream';

export const WAV_HEADER_BYTES = 44;
export const DEFAULT_SAMPLE_RATE = 22_050;
/** Bytes of PCM rendered per stream chunk: bounds memory whatever the file size. */
const CHUNK_BYTES = 64 * 1024;

export interface WavSpec {
  /** Varies the figure (interval, note length); derive it with `seedFrom(taskId, stemKey)`. */
  seed: number;
  freqHz: number;
  /** Total file size including the 44-byte header (rounded down to whole samples). */
  bytes: number;
  sampleRate?: number;
}

/** FNV-1a over the parts: a stable 32-bit seed for (taskId, stemKey). */
export function seedFrom(...parts: string[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Total file bytes for a duration or a byte target (whole 16-bit samples, never below the header). */
export function wavTotalBytes(size: { durationSec?: number; targetBytes?: number; sampleRate?: number }): number {
  if (size.targetBytes !== undefined) return WAV_HEADER_BYTES + dataBytesOf(size.targetBytes);
  const rate = size.sampleRate ?? DEFAULT_SAMPLE_RATE;
  return WAV_HEADER_BYTES + 2 * Math.max(0, Math.round((size.durationSec ?? 0) * rate));
}

export function wavDurationSec(totalBytes: number, sampleRate = DEFAULT_SAMPLE_RATE): number {
  return Math.round((dataBytesOf(totalBytes) / 2 / sampleRate) * 100) / 100;
}

function dataBytesOf(totalBytes: number): number {
  return Math.max(0, Math.floor((totalBytes - WAV_HEADER_BYTES) / 2) * 2);
}

/** The canonical 44-byte RIFF/WAVE header for 16-bit PCM mono. */
export function wavHeader(dataBytes: number, sampleRate = DEFAULT_SAMPLE_RATE): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16); // fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28); // byte rate
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/**
 * A plucked figure alternating the root and an interval picked by the seed (10 ms attack, so no clicks).
 * Each note starts at phase 0, so the two-note figure repeats exactly: it is rendered once and copied.
 */
function figure(seed: number, freqHz: number, sampleRate: number): Int16Array {
  const intervals = [1.5, 4 / 3, 1.26, 2];
  const second = freqHz * intervals[seed % intervals.length]!;
  const noteSamples = Math.round(sampleRate * (0.4 + ((seed >>> 3) % 3) * 0.1));
  const out = new Int16Array(noteSamples * 2);
  for (let i = 0; i < out.length; i++) {
    const t = (i % noteSamples) / sampleRate;
    const phase = 2 * Math.PI * (i < noteSamples ? freqHz : second) * t;
    const env = Math.min(1, t / 0.01) * Math.exp(-3.5 * t);
    out[i] = Math.round(env * (0.7 * Math.sin(phase) + 0.3 * Math.sin(2 * phase)) * 0.35 * 32767);
  }
  return out;
}

// A few figures are reused by every chunk of a stream; keep the latest ones.
const figures = new Map<string, Int16Array>();
function cachedFigure(seed: number, freqHz: number, sampleRate: number): Int16Array {
  const key = `${seed}:${freqHz}:${sampleRate}`;
  let f = figures.get(key);
  if (!f) {
    f = figure(seed, freqHz, sampleRate);
    if (figures.size >= 64) figures.delete(figures.keys().next().value!);
    figures.set(key, f);
  }
  return f;
}

const littleEndian = endianness() === 'LE';

function renderPcm(pattern: Int16Array, first: number, count: number): Buffer {
  const samples = new Int16Array(count);
  for (let k = 0, j = first % pattern.length; k < count; k++, j = j + 1 === pattern.length ? 0 : j + 1) samples[k] = pattern[j]!;
  if (littleEndian) return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const buf = Buffer.allocUnsafe(count * 2);
  for (let k = 0; k < count; k++) buf.writeInt16LE(samples[k]!, k * 2);
  return buf;
}

/** Bytes [start, end] (inclusive) of the file, computed without touching the rest. */
function slice(spec: WavSpec, start: number, end: number): Buffer {
  const rate = spec.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const dataBytes = dataBytesOf(spec.bytes);
  const parts: Buffer[] = [];
  if (start < WAV_HEADER_BYTES) parts.push(wavHeader(dataBytes, rate).subarray(start, Math.min(WAV_HEADER_BYTES, end + 1)));
  const from = Math.max(start, WAV_HEADER_BYTES) - WAV_HEADER_BYTES;
  const to = end - WAV_HEADER_BYTES; // inclusive, within data
  if (to >= from) {
    const firstSample = Math.floor(from / 2);
    const pcm = renderPcm(cachedFigure(spec.seed, spec.freqHz, rate), firstSample, Math.floor(to / 2) - firstSample + 1);
    parts.push(pcm.subarray(from - firstSample * 2, to - firstSample * 2 + 1));
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** The whole file in memory: for small files and for tests computing the expected bytes. */
export function wavBytesFor(spec: WavSpec): Buffer {
  const total = WAV_HEADER_BYTES + dataBytesOf(spec.bytes);
  return slice(spec, 0, total - 1);
}

/** The file (or the inclusive byte range `start..end` of it) as a stream of bounded chunks. */
export function wavStream(spec: WavSpec & { start?: number; end?: number }): Readable {
  const total = WAV_HEADER_BYTES + dataBytesOf(spec.bytes);
  const end = Math.min(spec.end ?? total - 1, total - 1);
  let pos = Math.max(0, spec.start ?? 0);
  return new Readable({
    read() {
      if (pos > end) {
        this.push(null);
        return;
      }
      const last = Math.min(end, pos + CHUNK_BYTES - 1);
      const chunk = slice(spec, pos, last);
      pos = last + 1;
      this.push(chunk);
    },
  });
}
