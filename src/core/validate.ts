// Checks a command before a job exists, so a bad one is answered privately and costs nothing.
import { open } from 'node:fs/promises';
import { notAudioExtensions, sniffAudio } from './audio-sniff.js';
import type { Command, FailureCode } from './types.js';

export type Invalid = { ok: false; code: FailureCode; detail?: string };
const invalid = (code: FailureCode, detail?: string): Invalid => ({ ok: false, code, ...(detail ? { detail } : {}) });

// Kie's documented limits (docs/kie-api.md): style/tags ≤ 1000, negativeTags ≤ 200, title 80 (safe cap).
export const kieLimits = { title: 80, style: 1000, tags: 1000, negativeTags: 200, prompt: 5000, stem: 60 } as const;

function checkText(name: string, value: string | undefined, max: number, required: boolean): Invalid | null {
  if (value === undefined || value.trim() === '') return required ? invalid('INPUT_INVALID', `${name} is required`) : null;
  if (value.length > max) return invalid('KIE_TOO_LONG', `${name} is ${value.length} characters; the limit is ${max}`);
  return null;
}

function checkWeight(name: string, v: number | undefined): Invalid | null {
  if (v === undefined) return null;
  return Number.isFinite(v) && v >= 0 && v <= 1 ? null : invalid('INPUT_INVALID', `${name} must be between 0 and 1`);
}

async function readHead(path: string): Promise<Uint8Array | null> {
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(16);
      const { bytesRead } = await fh.read(buf, 0, 16, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

export async function validateCommand(cmd: Command, maxInputBytes: number): Promise<{ ok: true } | Invalid> {
  const { input, params } = cmd;
  if (input.type === 'kie_track') {
    if (params.kind !== 'separate') return invalid('INPUT_INVALID', 'task_id + audio_id can only be separated; attach a file or give a URL');
    if (!input.taskId.trim() || !input.audioId.trim()) return invalid('INPUT_INVALID', 'both task_id and audio_id are required');
  }
  if (input.type === 'url' || input.type === 'private_url') {
    if (!URL.canParse(input.url) || !/^https?:$/.test(new URL(input.url).protocol)) return invalid('INPUT_INVALID', 'the url must be an http(s) link');
    const ext = new URL(input.url).pathname.split('.').pop()?.toLowerCase() ?? '';
    if (notAudioExtensions.has(ext)) return invalid('INPUT_NOT_AUDIO');
  }
  if ((input.type === 'file' || input.type === 'private_url') && input.bytes !== undefined && input.bytes > maxInputBytes) {
    return invalid('INPUT_TOO_LARGE');
  }
  if (input.type === 'file') {
    const head = await readHead(input.path);
    if (!head) return invalid('INPUT_UNREADABLE');
    if (!sniffAudio(head)) return invalid('INPUT_NOT_AUDIO');
  }
  if (params.kind === 'separate') {
    if (params.mode === 'single') return checkText('stem', params.stem, kieLimits.stem, true) ?? { ok: true };
    return { ok: true };
  }
  const common =
    checkText('title', params.title, kieLimits.title, true) ??
    checkText('negative_tags', params.negativeTags, kieLimits.negativeTags, false) ??
    checkWeight('style_weight', params.styleWeight) ??
    checkWeight('weirdness', params.weirdness) ??
    checkWeight('audio_weight', params.audioWeight);
  if (common) return common;
  if (params.kind === 'add_vocals') {
    return checkText('prompt', params.prompt, kieLimits.prompt, true) ?? checkText('style', params.style, kieLimits.style, true) ?? { ok: true };
  }
  return checkText('tags', params.tags, kieLimits.tags, true) ?? { ok: true };
}
