import type { Job } from './types.js';

/** A URL's file name, as a person would name the song: `…/River%20Song.mp3?x=1` → `River Song.mp3`; the host
 *  when the path says nothing. Every chat adapter names URL inputs with this. */
export function nameFromUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'audio';
  }
  const last = parsed.pathname.split('/').filter(Boolean).pop();
  if (!last) return parsed.hostname;
  try {
    return decodeURIComponent(last).slice(0, 200);
  } catch {
    return last.slice(0, 200);
  }
}

// The demo simulator picks a scenario from a title starting with `[sim:<name>]` (src/sim/scenarios.ts); the tag
// is an instruction, not part of the song's name, so nothing a person reads shows it.
const simTag = /^\s*\[sim:[a-z0-9-]+\]\s*/i;

/** A title as people should read it: without the simulator's `[sim:…]` tag. */
export function displayTitle(title: string): string {
  return title.replace(simTag, '').trim() || title.trim();
}

/**
 * The name a follow-up job (a "Separate stems" or "Split into 12 stems" button) gives its input: the song's
 * title from the job the button belongs to, so its stems are "River Song - Vocals.wav", not a Kie id.
 * For a generated track, the take is named when the job made several.
 */
export function followUpInputName(parent: Pick<Job, 'params' | 'inputName' | 'files'>, audioId?: string): string {
  if (parent.params.kind === 'separate') return displayTitle(parent.inputName);
  const take = audioId === undefined ? -1 : parent.files.findIndex((f) => f.audioId === audioId);
  return `${displayTitle(parent.params.title)}${parent.files.length > 1 && take >= 0 ? ` (take ${take + 1})` : ''}`;
}
