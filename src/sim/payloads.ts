// Callback bodies in Kie's exact wire format (snake_case, as in test/fixtures/kie/*.json):
// https://docs.kie.ai/suno-api/separate-vocals-callbacks and the add-vocals / add-instrumental pages.
import { followUpCallback } from './follow-ups.js';
import type { SimTask, SimTrack } from './tasks.js';

export type CallbackStage = 'text' | 'first' | 'complete' | 'failed';

export interface CallbackBody {
  code: number;
  msg: string;
  data: { task_id: string } & Record<string, unknown>;
}

const generationMessages = {
  text: 'Text generation completed successfully.',
  first: 'First track generated successfully.',
  complete: 'All generated successfully.',
} as const;

function trackPayload(track: SimTrack): Record<string, unknown> {
  return {
    id: track.id,
    audio_url: track.file.url,
    source_audio_url: track.sourceAudioUrl,
    stream_audio_url: track.streamAudioUrl,
    image_url: track.imageUrl,
    prompt: track.prompt,
    model_name: track.modelName,
    title: track.title,
    tags: track.tags,
    createTime: track.createTime,
    duration: track.file.durationSec,
  };
}

/** One callback per separation: every stem as `<key>_url` (`""` when empty) and `origin_url: ""`. */
function separationBody(task: SimTask): CallbackBody {
  const info: Record<string, string> = { origin_url: '' };
  for (const f of task.files) info[`${f.key}_url`] = f.empty ? '' : f.url;
  // The older page names the object vocal_removal_info and words the message differently.
  const msg = task.infoKey === 'vocal_removal_info' ? 'vocal Removal generated successfully.' : 'vocal separation generated successfully.';
  return { code: 200, msg, data: { task_id: task.id, [task.infoKey]: info } };
}

/** text → no tracks yet, first → track 1, complete → both tracks. */
function generationBody(task: SimTask, stage: 'text' | 'first' | 'complete'): CallbackBody {
  const tracks = stage === 'text' ? [] : stage === 'first' ? task.tracks.slice(0, 1) : task.tracks;
  return {
    code: 200,
    msg: generationMessages[stage],
    data: { callbackType: stage, task_id: task.id, data: tracks.map(trackPayload) },
  };
}

function failureBody(task: SimTask, code: number, msg: string): CallbackBody {
  if (task.family === 'separation') return { code, msg, data: { task_id: task.id } };
  return { code, msg, data: { callbackType: 'failed', task_id: task.id, data: null } };
}

/** The body for a stage; `null` when the task's family has no such callback (separation text/first). */
export function callbackBody(task: SimTask, stage: CallbackStage, failure?: { code: number; msg: string }): CallbackBody | null {
  // MIDI / WAV: one callback, in the spelling the scenario picked (its task id may sit outside `data`).
  if (task.family === 'midi' || task.family === 'wav') return stage === 'complete' || stage === 'failed' ? (followUpCallback(task, stage === 'failed' ? (failure ?? { code: 500, msg: 'Server Error - please try again later' }) : undefined) as unknown as CallbackBody) : null;
  if (stage === 'failed') return failureBody(task, failure?.code ?? 500, failure?.msg ?? 'Server Error - please try again later');
  if (task.family === 'separation') return stage === 'complete' ? separationBody(task) : null;
  return generationBody(task, stage);
}
