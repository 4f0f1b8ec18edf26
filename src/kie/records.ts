// record-info reads → the same JobEvent a callback would give (source 'poll'), or null while Kie is still
// working. Shapes and flags from docs/kie-api.md "Polling" and docs.kie.ai get-vocal-separation-details.
import type { FailureCode, JobEvent, ResultFile } from '../core/types.js';
import { mapKieCode } from './errors.js';
import type { GenerationRecord, SeparationRecord, SunoTrack } from './schemas.js';
import { STEMS, stemFilesFromOriginData, stemFilesFromRecord, withOriginIds } from './stems.js';

const source = 'poll' as const;
const FAILURE = /FAIL|ERROR|EXCEPTION/;

type Failed = Extract<JobEvent, { stage: 'failed' }>;

function failed(taskId: string, status: string, errorCode: unknown, errorMessage: string | null | undefined, fallback?: FailureCode): Failed {
  const detail = errorMessage?.trim() || status;
  const n = typeof errorCode === 'number' ? errorCode : typeof errorCode === 'string' && /^\d+$/.test(errorCode) ? Number(errorCode) : undefined;
  // Kie gives a numeric errorCode only sometimes; without one the status and message must speak.
  const code = n !== undefined && n >= 400 ? mapKieCode(n, detail, 'poll') : (fallback ?? mapKieCode(0, detail, 'poll'));
  const event: Failed = { taskId, source, stage: 'failed', code, detail };
  if (n !== undefined && n !== 0) event.kieCode = n;
  return event;
}

const complete = (taskId: string, files: ResultFile[]): JobEvent => ({ taskId, source, stage: 'complete', files });

/** Separation record: `successFlag` PENDING | SUCCESS | CREATE_TASK_FAILED | GENERATE_AUDIO_FAILED | CALLBACK_EXCEPTION. */
export function separationRecordToEvent(taskId: string, record: SeparationRecord | null): JobEvent | null {
  if (!record) return null;
  const flag = record.successFlag.trim().toUpperCase();
  const response = record.response ?? {};
  let files = stemFilesFromRecord(response as Record<string, unknown>);
  // originData duplicates the URL fields; use it only when they are all absent.
  const hasUrlFields = STEMS.some((s) => typeof (response as Record<string, unknown>)[s.camel] === 'string');
  if (files.length === 0 && !hasUrlFields) files = stemFilesFromOriginData(record.response?.originData ?? []);
  else files = withOriginIds(files, record.response?.originData ?? []);

  // CALLBACK_EXCEPTION means Kie could not reach our callback URL; if the stems exist the work succeeded.
  if ((flag === 'SUCCESS' || flag === 'CALLBACK_EXCEPTION') && files.length > 0) return complete(taskId, files);
  if (flag === 'SUCCESS') return failed(taskId, flag, null, 'Kie reported success but returned no stems', 'KIE_GENERATION_FAILED');
  if (flag === 'PENDING') return null;
  if (FAILURE.test(flag)) return failed(taskId, flag, record.errorCode, record.errorMessage);
  return null; // an in-between flag we do not know yet: keep waiting
}

function trackFiles(tracks: readonly SunoTrack[], allowStream: boolean): ResultFile[] {
  const files: ResultFile[] = [];
  tracks.forEach((t, i) => {
    const url = t.audioUrl?.trim() || (allowStream ? t.streamAudioUrl?.trim() : '') || '';
    if (!url) return;
    const file: ResultFile = { key: `track-${i + 1}`, label: t.title?.trim() || `Track ${i + 1}`, url };
    if (t.id) file.audioId = t.id;
    if (typeof t.duration === 'number' && Number.isFinite(t.duration) && t.duration >= 0) file.durationSec = t.duration;
    files.push(file);
  });
  return files;
}

/** Generation record (add vocals / add instrumental): `status` PENDING → TEXT_SUCCESS → FIRST_SUCCESS → SUCCESS, or a failure. */
export function generationRecordToEvent(taskId: string, record: GenerationRecord | null): JobEvent | null {
  if (!record) return null;
  const status = record.status.trim().toUpperCase();
  const tracks = record.response?.sunoData ?? [];
  switch (status) {
    case 'PENDING':
      return null;
    case 'TEXT_SUCCESS':
      return { taskId, source, stage: 'text', files: trackFiles(tracks, false) };
    case 'FIRST_SUCCESS':
      return { taskId, source, stage: 'first', files: trackFiles(tracks, true) };
    case 'SUCCESS':
    case 'CALLBACK_EXCEPTION': {
      const files = trackFiles(tracks, false);
      if (files.length > 0) return complete(taskId, files);
      if (status === 'SUCCESS') return failed(taskId, status, null, 'Kie reported success but returned no audio', 'KIE_GENERATION_FAILED');
      return failed(taskId, status, record.errorCode, record.errorMessage);
    }
    case 'SENSITIVE_WORD_ERROR':
      // The status itself names the cause, whatever numeric code comes with it.
      return { ...failed(taskId, status, record.errorCode, record.errorMessage), code: 'KIE_CONTENT_VIOLATION' };
  }
  return FAILURE.test(status) ? failed(taskId, status, record.errorCode, record.errorMessage) : null;
}
