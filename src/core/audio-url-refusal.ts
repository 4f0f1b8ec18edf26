// Kie's own separation pages document only a Kie-generated track (`taskId` + `audioId`); separating any file
// or link relies on the `audioUrl` field of its sibling API (docs/kie-api.md "Separation input"). When Kie
// refuses `audioUrl`, the refusal is remembered for a while in the store (shared by every instance), and the
// next `/separate` with a file or link is answered at once with the explanation and the `task_id` + `audio_id`
// alternative: nothing is spent and Kie is not asked again.
import type { JobStore } from './ports.js';
import type { Command, FailureCode } from './types.js';

const AUDIO_URL_REFUSED_NOTE = 'kie:audio-url-refused';

/**
 * Whether a refused separation submitted with `audioUrl` is Kie refusing the field itself (docs/kie-answers.md):
 * a bad-parameters answer (400 without content words, 404, 422…) whose message names how the source is given
 * (`audioUrl`, `taskId`, `audioId`). Other refusals are about the file, the options or the account.
 */
export function isAudioUrlRefusal(code: FailureCode, detail: string | undefined): boolean {
  return code === 'KIE_BAD_PARAMETERS' && /audio.?url|task.?id|audio.?id/i.test(detail ?? '');
}

/** A separation of a file or link: what Kie's refusal of `audioUrl` concerns. */
export function usesAudioUrl(command: Pick<Command, 'params' | 'input'>): boolean {
  return command.params.kind === 'separate' && command.input.type !== 'kie_track';
}

export async function rememberAudioUrlRefusal(store: JobStore, detail: string, now: number, forMs: number): Promise<void> {
  await store.setNote(AUDIO_URL_REFUSED_NOTE, detail, now + forMs);
}

/** Kie's words of the remembered refusal, while it is remembered. */
export function recentAudioUrlRefusal(store: JobStore, now: number): Promise<string | undefined> {
  return store.getNote(AUDIO_URL_REFUSED_NOTE, now);
}
