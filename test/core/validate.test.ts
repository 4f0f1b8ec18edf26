import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { statusView } from '../../src/core/status-view.js';
import type { Command, Job } from '../../src/core/types.js';
import { validateCommand } from '../../src/core/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'stembot-validate-'));
const origin = { platform: 'playground' as const, workspaceId: 'local', channelId: 'c', userId: 'u', userName: 'Ada' };
const file = (name: string, bytes: Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { type: 'file' as const, path, name, bytes: bytes.length };
};
const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt '), Buffer.alloc(32)]);

describe('command validation', () => {
  it('GIVEN real audio WHEN validated THEN accepted; GIVEN a PNG named .mp3 THEN INPUT_NOT_AUDIO', async () => {
    const good: Command = { origin, input: file('a.wav', wav), params: { kind: 'separate', mode: 'vocals' } };
    expect(await validateCommand(good, 1_000_000)).toEqual({ ok: true });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    expect(await validateCommand({ ...good, input: file('fake.mp3', png) }, 1_000_000)).toMatchObject({ ok: false, code: 'INPUT_NOT_AUDIO' });
  });

  it('GIVEN a file over the limit WHEN validated THEN INPUT_TOO_LARGE', async () => {
    const cmd: Command = { origin, input: file('b.wav', wav), params: { kind: 'separate', mode: 'stems' } };
    expect(await validateCommand(cmd, 10)).toMatchObject({ ok: false, code: 'INPUT_TOO_LARGE' });
  });

  it('GIVEN missing or over-long options WHEN validated THEN the option is named', async () => {
    const base = { origin, input: { type: 'url' as const, url: 'https://x.test/a.mp3', name: 'a.mp3' } };
    expect(await validateCommand({ ...base, params: { kind: 'separate', mode: 'single' } }, 1)).toMatchObject({ code: 'INPUT_INVALID', detail: 'stem is required' });
    expect(await validateCommand({ ...base, params: { kind: 'add_vocals', prompt: '', style: 's', title: 't' } }, 1)).toMatchObject({ detail: 'prompt is required' });
    expect(await validateCommand({ ...base, params: { kind: 'add_instrumental', tags: 'x'.repeat(1001), title: 't' } }, 1)).toMatchObject({ code: 'KIE_TOO_LONG' });
    expect(await validateCommand({ ...base, params: { kind: 'add_instrumental', tags: 'rock', title: 't', audioWeight: 2 } }, 1)).toMatchObject({ detail: 'audio_weight must be between 0 and 1' });
    expect(await validateCommand({ ...base, input: { type: 'url', url: 'https://x.test/cover.png', name: 'cover.png' }, params: { kind: 'separate', mode: 'vocals' } }, 1)).toMatchObject({ code: 'INPUT_NOT_AUDIO' });
    expect(await validateCommand({ ...base, input: { type: 'kie_track', taskId: 't', audioId: 'a', name: 'x' }, params: { kind: 'add_instrumental', tags: 'rock', title: 't' } }, 1)).toMatchObject({ code: 'INPUT_INVALID' });
  });
});

describe('status view', () => {
  it('GIVEN a generation job at first take WHEN rendered THEN earlier stages are done and the line says so', () => {
    const job = { id: 'j', kind: 'add_vocals', params: { kind: 'add_vocals', title: 'River Song', prompt: 'p', style: 's' }, state: 'first', inputName: 'demo.mp3', userId: 'u', userName: 'Ada', createdAt: 0, finishedAt: null, files: [], taskId: 't' } as unknown as Job;
    const v = statusView(job, 72_000);
    expect(v.title).toBe('Add vocals · “River Song”');
    expect(v.steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'current', 'todo']);
    expect(v.stageLine).toBe('First take ready — finishing the rest… (1m 12s)');
  });
});
