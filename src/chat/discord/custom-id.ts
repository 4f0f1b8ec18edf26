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

/** The custom_id of an Action; null when it cannot be encoded (the caller leaves the button out). */
export function encodeAction(action: Action, fileIndex?: number): string | null {
  if (!safe.test(action.jobId)) return null;
  let id: string | null = null;
  if (action.id === 'split_stems') id = `${prefix}:split:${action.jobId}`;
  else if (action.id === 'redeliver') id = `${prefix}:rd:${action.jobId}`;
  else if (action.id === 'cancel') id = `${prefix}:cancel:${action.jobId}`;
  else if (action.id === 'midi') id = `${prefix}:midi:${action.jobId}`;
  else if (action.id === 'wav') id = action.take && action.take > 0 ? `${prefix}:wav:${action.jobId}:${action.take}` : null;
  else if (action.id === 'resubmit') id = `${prefix}:rs:${action.jobId}`;
  else if (action.audioId && safe.test(action.audioId)) id = `${prefix}:sep:${action.jobId}:${action.audioId}`;
  if (action.id === 'separate_track' && (id === null || id.length > discordDefaults.maxCustomIdChars) && fileIndex !== undefined && fileIndex >= 0) {
    id = `${prefix}:sepi:${action.jobId}:${fileIndex}`;
  }
  return id && id.length <= discordDefaults.maxCustomIdChars ? id : null;
}

export function decodeAction(customId: string): ButtonAction | null {
  const [p, verb, jobId, extra, ...rest] = customId.split(':');
  if (p !== prefix || !jobId || !safe.test(jobId) || rest.length > 0) return null;
  if (verb === 'split' && extra === undefined) return { id: 'split_stems', jobId };
  if (verb === 'rd' && extra === undefined) return { id: 'redeliver', jobId };
  if (verb === 'cancel' && extra === undefined) return { id: 'cancel', jobId };
  if (verb === 'midi' && extra === undefined) return { id: 'midi', jobId };
  if (verb === 'mids' && extra && safe.test(extra)) return { id: 'midi_stem', jobId, stem: extra };
  if (verb === 'wav' && extra && /^\d{1,2}$/.test(extra) && Number(extra) > 0) return { id: 'wav', jobId, take: Number(extra) };
  if (verb === 'rs' && extra === undefined) return { id: 'resubmit', jobId };
  if (verb === 'sep' && extra && safe.test(extra)) return { id: 'separate_track', jobId, audioId: extra };
  if (verb === 'sepi' && extra && /^\d{1,3}$/.test(extra)) return { id: 'separate_track', jobId, index: Number(extra) };
  return null;
}
