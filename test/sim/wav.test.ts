import { describe, expect, it } from 'vitest';
import { seedFrom, wavBytesFor, wavDurationSec, wavHeader, wavStream, wavTotalBytes } from '../../src/sim/wav.js';
import { stemFreqHz, splitStems } from '../../src/sim/stems.js';
import { parseWav } from './helpers.js';

async function collect(stream: NodeJS.ReadableStream): Promise<{ bytes: Buffer; largestChunk: number }> {
  const chunks: Buffer[] = [];
  let largestChunk = 0;
  for await (const c of stream) {
    chunks.push(c as Buffer);
    largestChunk = Math.max(largestChunk, (c as Buffer).length);
  }
  return { bytes: Buffer.concat(chunks), largestChunk };
}

describe('wav', () => {
  it('GIVEN a duration WHEN the file is built THEN it is a valid 16-bit mono WAV of exactly that many samples', () => {
    const bytes = wavBytesFor({ seed: 1, freqHz: 440, bytes: wavTotalBytes({ durationSec: 1.5, sampleRate: 22_050 }), sampleRate: 22_050 });
    const wav = parseWav(bytes);
    expect(wav.sampleRate).toBe(22_050);
    expect(wav.dataBytes).toBe(1.5 * 22_050 * 2);
    expect(wavDurationSec(bytes.length, 22_050)).toBe(1.5);
  });

  it('GIVEN a byte target WHEN the file is built THEN its size is the target (whole samples) and not silent', () => {
    const bytes = wavBytesFor({ seed: 7, freqHz: 220, bytes: 10_001 });
    expect(bytes.length).toBe(10_000);
    parseWav(bytes);
    const peak = Math.max(...Array.from({ length: (bytes.length - 44) / 2 }, (_, i) => Math.abs(bytes.readInt16LE(44 + i * 2))));
    expect(peak).toBeGreaterThan(3_000);
    expect(peak).toBeLessThan(32_767);
  });

  it('GIVEN the same seed and pitch WHEN built twice THEN the bytes are identical; another stem differs', () => {
    const spec = { seed: seedFrom('task', 'drums'), freqHz: stemFreqHz('task', 'drums'), bytes: 20_000 };
    expect(wavBytesFor(spec).equals(wavBytesFor(spec))).toBe(true);
    const other = { seed: seedFrom('task', 'bass'), freqHz: stemFreqHz('task', 'bass'), bytes: 20_000 };
    expect(wavBytesFor(spec).equals(wavBytesFor(other))).toBe(false);
  });

  it('GIVEN the twelve split stems of one task THEN every stem has its own pitch', () => {
    const pitches = new Set(splitStems.map((k) => stemFreqHz('0123456789abcdef0123456789abcdef', k)));
    expect(pitches.size).toBe(12);
  });

  it('GIVEN a 9 MiB stem WHEN streamed THEN it arrives in bounded chunks equal to the in-memory file', async () => {
    const spec = { seed: 3, freqHz: 330, bytes: 9 * 1024 * 1024 };
    const { bytes, largestChunk } = await collect(wavStream(spec));
    expect(bytes.length).toBe(9 * 1024 * 1024);
    expect(largestChunk).toBeLessThanOrEqual(64 * 1024);
    expect(bytes.equals(wavBytesFor(spec))).toBe(true);
  });

  it('GIVEN odd byte ranges across the header and samples WHEN streamed THEN each equals the same slice of the whole file', async () => {
    const spec = { seed: 11, freqHz: 523, bytes: 200_000 };
    const whole = wavBytesFor(spec);
    for (const [start, end] of [[0, 0], [3, 50], [43, 44], [45, 131_117], [199_990, 199_999]] as const) {
      const { bytes } = await collect(wavStream({ ...spec, start, end }));
      expect(bytes.equals(whole.subarray(start, end + 1))).toBe(true);
    }
  });

  it('GIVEN a data size WHEN the header is built THEN it carries RIFF size, PCM format and byte rate', () => {
    const h = wavHeader(1000, 44_100);
    expect(h.length).toBe(44);
    expect(h.readUInt32LE(4)).toBe(1036);
    expect(h.readUInt32LE(28)).toBe(88_200);
    expect(h.readUInt32LE(40)).toBe(1000);
  });
});
