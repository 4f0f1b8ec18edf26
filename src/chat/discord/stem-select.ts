// "MIDI of one stem" on Discord: a string select of the separated tracks under the result buttons
// (docs/kie-midi-wav.md). Its custom_id names the job; the chosen value is the stem's key, so it keeps working
// after a restart. https://discord.com/developers/docs/interactions/message-components#string-select
import type { Action } from '../../core/ports.js';
import { discordDefaults as d } from './settings.js';

const safe = /^[A-Za-z0-9_-]+$/;
/** Discord: at most 25 options, labels and values of at most 100 characters. */
const MAX_OPTIONS = 25;

export interface StemSelectRow {
  type: 1;
  components: [{ type: 3; custom_id: string; placeholder: string; options: { label: string; value: string }[] }];
}

/** One row per `midi` action that lists stems (a select takes a whole row). */
export function stemSelectRows(actions: Action[]): StemSelectRow[] {
  const rows: StemSelectRow[] = [];
  for (const a of actions) {
    if (a.id !== 'midi' || !a.stems || a.stems.length < 2 || !safe.test(a.jobId)) continue;
    const customId = `sb1:mids:${a.jobId}`;
    const options = a.stems.filter((s) => safe.test(s.key) && s.key.length <= 100).slice(0, MAX_OPTIONS).map((s) => ({ label: s.label.slice(0, 100), value: s.key }));
    // The chosen key is appended to the custom_id on the way back: it must still fit Discord's limit.
    if (options.length < 2 || customId.length + 1 + Math.max(...options.map((o) => o.value.length)) > d.maxCustomIdChars) continue;
    rows.push({ type: 1, components: [{ type: 3, custom_id: customId, placeholder: 'MIDI of one stem…', options }] });
  }
  return rows;
}
