// What the two record-info endpoints answer: the task's truth at this moment, camelCase, as
// https://docs.kie.ai/suno-api/get-vocal-separation-details and the music task details page describe.
import { camelUrlKey, recordInfoStemKeys } from './stems.js';
import { isRevealed, type SimFile, type SimTask } from './tasks.js';

/** The id originData gives a separated track; a MIDI request names a stem by it (follow-ups.ts). */
export const originIdOf = (task: SimTask, file: SimFile): string => `${task.id}-${file.key}`;

export type SeparationFlag = 'PENDING' | 'SUCCESS' | 'CREATE_TASK_FAILED' | 'GENERATE_AUDIO_FAILED' | 'CALLBACK_EXCEPTION';
export type GenerationStatus =
  | 'PENDING'
  | 'TEXT_SUCCESS'
  | 'FIRST_SUCCESS'
  | 'SUCCESS'
  | 'CREATE_TASK_FAILED'
  | 'GENERATE_AUDIO_FAILED'
  | 'CALLBACK_EXCEPTION'
  | 'SENSITIVE_WORD_ERROR';

/** Refusals (bad input, key, credits, length) fail at creation; download, maintenance and server faults while generating. */
function failedFlag(task: SimTask): 'CREATE_TASK_FAILED' | 'GENERATE_AUDIO_FAILED' | 'SENSITIVE_WORD_ERROR' {
  const code = task.failure!.code;
  if (code === 400 && task.family === 'generation') return 'SENSITIVE_WORD_ERROR';
  return [400, 401, 402, 413, 429].includes(code) ? 'CREATE_TASK_FAILED' : 'GENERATE_AUDIO_FAILED';
}

export function separationRecord(task: SimTask): Record<string, unknown> {
  const flag: SeparationFlag = task.failure ? failedFlag(task) as SeparationFlag : task.progress === 'complete' ? 'SUCCESS' : 'PENDING';
  let response: Record<string, unknown> | null = null;
  if (task.progress === 'complete') {
    response = { originUrl: null };
    for (const key of recordInfoStemKeys) response[camelUrlKey(key)] = null;
    const present = task.files.filter((f) => isRevealed(task, f));
    for (const f of present) response[camelUrlKey(f.key)] = f.url;
    response.originData = present.map((f) => ({ audio_url: f.url, stem_type_group_name: f.label, id: originIdOf(task, f), duration: f.durationSec }));
  }
  return {
    taskId: task.id,
    musicId: task.params.audioId ?? null,
    callbackUrl: task.callBackUrl,
    audioId: task.params.audioId ?? null,
    type: task.kind,
    completeTime: task.completedAt ?? null,
    response,
    successFlag: flag,
    createTime: task.createdAt,
    errorCode: task.failure?.code ?? null,
    errorMessage: task.failure?.msg ?? null,
  };
}

const statusOf = { pending: 'PENDING', text: 'TEXT_SUCCESS', first: 'FIRST_SUCCESS', complete: 'SUCCESS' } as const;

export function generationRecord(task: SimTask): Record<string, unknown> {
  const status: GenerationStatus = task.failure ? failedFlag(task) : statusOf[task.progress];
  const sunoData = task.tracks
    .filter((t) => isRevealed(task, t.file))
    .map((t) => ({
      id: t.id,
      audioUrl: t.file.url,
      sourceAudioUrl: t.sourceAudioUrl,
      streamAudioUrl: t.streamAudioUrl,
      imageUrl: t.imageUrl,
      prompt: t.prompt,
      modelName: t.modelName,
      title: t.title,
      tags: t.tags,
      createTime: t.createTime,
      duration: t.file.durationSec,
    }));
  return {
    taskId: task.id,
    parentMusicId: '',
    param: JSON.stringify(task.params),
    response: task.progress === 'pending' ? null : { taskId: task.id, sunoData },
    status,
    type: task.kind === 'add_vocals' ? 'ADD_VOCALS' : 'ADD_INSTRUMENTAL',
    operationType: task.kind,
    createTime: task.createdAt,
    completeTime: task.completedAt ?? null,
    errorCode: task.failure?.code ?? null,
    errorMessage: task.failure?.msg ?? null,
  };
}
