// Buttons carry what they do in their `custom_id` (≤ 100 characters), so they keep working after a restart:
// the action, the job, and for "Separate stems" the Kie track. The job row (durable) holds the rest.
// https://discord.com/developers/docs/interactions/message-components#custom-id
import type { Action } from '../../core/ports.js';
import { discordDefaults } from './settings.js';

const prefix = 'sb1';
const safe = /^[A-Za-z0-9_-]+$/;

export type ButtonAction =
  | { id: 'separate_track'; jobId: string; audioId: string }
  /** The n-th result of the job, when its audioId would not fit. */
  | { id: 'separate_track'; jobId: string; index: number }
  | { id: 'split_stems'; jobId: string }
  | { id: 'redeliver'; jobId: string }
  | { id: 'cancel'; jobId: string }
  | { id: 'midi'; jobId: string }
  /** The stem menu (stem-select.ts): the intake appends the chosen stem's key to the select's custom_id. */
  | { id: 'midi_stem'; jobId: string; stem: string }
  | { id: 'wav'; jobId: string; take: number }
  | { id: 'resubmit'; jobId: string };

/** The actions that carry nothing but the job, and their verbs (custom_ids already sent must keep decoding). */
const jobOnlyVerbs = { split_stems: 'split', redeliver: 'rd', cancel: 'cancel', midi: 'midi', resubmit: 'rs' } as const;
type JobOnly = keyof typeof jobOnlyVerbs;
const jobOnlyByVerb = new Map(Object.entries(jobOnlyVerbs).map(([id, verb]) => [verb as string, id as JobOnly]));

/** The custom_id of an Action; null when it cannot be encoded (the caller leaves the button out). */
export function encodeAction(action: Action, fileIndex?: number): string | null {
  if (!safe.test(action.jobId)) return null;
  let id: string | null = null;
  if (action.id in jobOnlyVerbs) id = `${prefix}:${jobOnlyVerbs[action.id as JobOnly]}:${action.jobId}`;
  else if (action.id === 'wav') id = action.take && action.take > 0 ? `${prefix}:wav:${action.jobId}:${action.take}` : null;
  else if (action.audioId && safe.test(action.audioId)) id = `${prefix}:sep:${action.jobId}:${action.audioId}`;
  if (action.id === 'separate_track' && (id === null || id.length > discordDefaults.maxCustomIdChars) && fileIndex !== undefined && fileIndex >= 0) {
    id = `${prefix}:sepi:${action.jobId}:${fileIndex}`;
  }
  return id && id.length <= discordDefaults.maxCustomIdChars ? id : null;
}

export function decodeAction(customId: string): ButtonAction | null {
  const [p, verb, jobId, extra, ...rest] = customId.split(':');
  if (p !== prefix || !jobId || !safe.test(jobId) || rest.length > 0) return null;
  const jobOnly = verb === undefined ? undefined : jobOnlyByVerb.get(verb);
  if (jobOnly) return extra === undefined ? { id: jobOnly, jobId } : null;
  if (verb === 'mids' && extra && safe.test(extra)) return { id: 'midi_stem', jobId, stem: extra };
  if (verb === 'wav' && extra && /^\d{1,2}$/.test(extra) && Number(extra) > 0) return { id: 'wav', jobId, take: Number(extra) };
  if (verb === 'sep' && extra && safe.test(extra)) return { id: 'separate_track', jobId, audioId: extra };
  if (verb === 'sepi' && extra && /^\d{1,3}$/.test(extra)) return { id: 'separate_track', jobId, index: Number(extra) };
  return null;
}
