// What a task will produce, decided at submission: stem or track files with their URLs, pitches and
// sizes. Deterministic for (taskId, key), so a test can rebuild the exact bytes it should download.
import { randomUUID } from 'node:crypto';
import type { SimulatorSettings, TaskKind } from './options.js';
import type { Scenario } from './scenarios.js';
import { stripSimTag } from './scenarios.js';
import { stemFreqHz, stemKeysFor, stemLabel, trackFreqHz, type SeparationType } from './stems.js';
import type { SimFile, SimTrack } from './tasks.js';
import { seedFrom, wavDurationSec, wavTotalBytes } from './wav.js';

export interface ResultInput {
  id: string;
  kind: TaskKind;
  params: Readonly<Record<string, unknown>>;
  baseUrl: string;
  createdAt: number;
  scenario: Scenario;
  settings: SimulatorSettings;
}

const modelNames: Record<string, string> = { V4_5PLUS: 'chirp-bluejay', V5: 'chirp-crow', V5_5: 'chirp-v5-5' };

function fileUrl(input: ResultInput, name: string): string {
  return `${input.baseUrl}/files/${input.id}/${name}`;
}

function sizeOf(input: ResultInput, durationSec: number): number {
  const { settings, scenario } = input;
  const targetBytes = scenario.stemBytes ?? settings.stemBytes;
  return wavTotalBytes(targetBytes !== undefined ? { targetBytes } : { durationSec, sampleRate: settings.sampleRate });
}

export function makeFile(input: ResultInput, key: string, label: string, freqHz: number, durationSec: number, revealAt: SimFile['revealAt']): SimFile {
  const bytes = sizeOf(input, durationSec);
  return {
    key,
    label,
    url: fileUrl(input, `${key}.wav`),
    seed: seedFrom(input.id, key),
    freqHz,
    bytes,
    sampleRate: input.settings.sampleRate,
    durationSec: wavDurationSec(bytes, input.settings.sampleRate),
    empty: (input.scenario.emptyStems ?? []).includes(key),
    revealAt,
  };
}

export function stemFiles(input: ResultInput): SimFile[] {
  const stemName = typeof input.params.stemName === 'string' ? input.params.stemName : undefined;
  return stemKeysFor(input.kind as SeparationType, stemName).map((key) =>
    makeFile(input, key, stemLabel(key, stemName), stemFreqHz(input.id, key), input.settings.stemDurationSec, 'complete'),
  );
}

/** `2025-01-01 12:00:00` (UTC), the way Kie's track objects show `createTime`. */
function kieDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** Two tracks, like Suno: the first appears with the `first` stage, both with `complete`. */
export function generatedTracks(input: ResultInput): SimTrack[] {
  const p = input.params;
  const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
  const title = stripSimTag(str('title'));
  return [1, 2].map((n) => {
    const key = `track-${n}`;
    const file = makeFile(input, key, `${title} (${n})`, trackFreqHz(input.id, n), input.settings.trackDurationSec, n === 1 ? 'first' : 'complete');
    return {
      id: randomUUID(),
      file,
      title,
      tags: input.kind === 'add_vocals' ? str('style') : str('tags'),
      prompt: input.kind === 'add_vocals' ? str('prompt') : '',
      modelName: modelNames[str('model') || 'V4_5PLUS'] ?? 'chirp-bluejay',
      imageUrl: fileUrl(input, `${key}.png`),
      streamAudioUrl: `${file.url}?stream=1`,
      sourceAudioUrl: str('uploadUrl'),
      createTime: kieDateTime(input.createdAt),
    };
  });
}
