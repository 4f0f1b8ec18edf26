// The `deliver` step of a MIDI job: Kie sends notes, not a file, so stembot writes the .mid (midi-file.ts) and
// its piano-roll picture (piano-roll.ts) to a temporary folder and posts both in one message. Safe to run
// again: what was recorded as delivered in this round is not posted twice.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatPort, JobStore } from '../core/ports.js';
import type { Job } from '../core/types.js';
import { noteCount } from '../kie/follow-ups.js';
import { midiFileBytes } from './midi-file.js';
import { sanitize, songTitle } from './naming.js';
import { pianoRollPng } from './piano-roll.js';
import { chatFail, type StepResult } from './step-result.js';

export interface MidiDeliverDeps {
  store: JobStore;
  now: () => number;
}

/** "River Song - MIDI.mid", or "River Song - Bass MIDI.mid" for one stem. */
export function midiFileName(job: Job, ext: 'mid' | 'png'): string {
  const stem = job.params.kind === 'midi' && job.params.stemLabel ? `${sanitize(job.params.stemLabel)} ` : '';
  return `${songTitle(job)} - ${stem}MIDI${ext === 'png' ? ' piano roll' : ''}.${ext}`;
}

export async function deliverMidi(deps: MidiDeliverDeps, chat: ChatPort, job: Job): Promise<StepResult> {
  const round = job.deliveryRound;
  const keyBase = `${job.id}:r${round}`;
  if (job.delivered.some((d) => d.round === round && d.key === 'midi')) return { ok: true };
  const midi = job.files.find((f) => f.midi)?.midi;
  if (!midi || noteCount(midi) === 0) {
    const text = `Kie finished the MIDI for **${songTitle(job)}**, but it found no notes in it — nothing to put in a MIDI file. This happens with some 12-stem separations; try the MIDI button on a vocals + instrumental separation, or on one stem.`;
    const r = await chat.post(job, job.threadId || null, { text, mention: true }, `${keyBase}:midi-empty`);
    if (!r.ok) return chatFail(r);
    await deps.store.addDelivered(job.id, [{ key: 'midi', name: 'no notes', as: 'skipped', round, messageId: r.value.messageId }], deps.now());
    return { ok: true };
  }
  const dir = await mkdtemp(join(tmpdir(), 'stembot-midi-'));
  try {
    const title = songTitle(job);
    const mid = Buffer.from(midiFileBytes(midi, title));
    const png = pianoRollPng(midi, `${title}${job.params.kind === 'midi' && job.params.stemLabel ? ` - ${job.params.stemLabel}` : ''}`);
    const midName = midiFileName(job, 'mid');
    const pngName = midiFileName(job, 'png');
    await writeFile(join(dir, 'notes.mid'), mid);
    await writeFile(join(dir, 'roll.png'), png);
    const names = midi.instruments.filter((i) => i.notes.length > 0).map((i) => `${i.name} (${i.notes.length})`);
    const text = `**${title}** — MIDI for ${job.userName}: ${names.length} instrument${names.length === 1 ? '' : 's'}, ${noteCount(midi)} notes — ${names.join(', ')}`;
    const r = await chat.post(
      job,
      job.threadId || null,
      {
        text,
        files: [
          { path: join(dir, 'notes.mid'), name: midName, bytes: mid.length, mimeType: 'audio/midi' },
          { path: join(dir, 'roll.png'), name: pngName, bytes: png.length, mimeType: 'image/png' },
        ],
      },
      `${keyBase}:midi`,
    );
    if (!r.ok) return chatFail(r);
    await deps.store.addDelivered(
      job.id,
      [
        { key: 'midi', name: midName, as: 'attachment', bytes: mid.length, round, messageId: r.value.messageId },
        { key: 'midi-roll', name: pngName, as: 'attachment', bytes: png.length, round, messageId: r.value.messageId },
      ],
      deps.now(),
    );
    return { ok: true };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
