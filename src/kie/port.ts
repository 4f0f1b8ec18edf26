// KiePort (core/ports.ts) over the real client: neutral JobParams in, Kie request bodies out; record-info
// reads back as the same JobEvent a callback gives.
import { randomBytes } from 'node:crypto';
import { basename, extname } from 'node:path';
import type { z } from 'zod';
import type { KiePort, KieSource } from '../core/ports.js';
import { fail, ok, type FailureCode, type JobParams, type Result } from '../core/types.js';
import { costOf, type CostTable } from '../core/costs.js';
import type { KieClient } from './client.js';
import { midiRecordToEvent, midiRequestSchema, wavRecordToEvent, wavRequestSchema } from './follow-ups.js';
import { generationRecordToEvent, separationRecordToEvent } from './records.js';
import { addInstrumentalRequestSchema, addVocalsRequestSchema, separationRequestSchema } from './schemas.js';

export interface KiePortOptions {
  /** Folder on Kie's File Upload host. */
  uploadPath?: string;
  /** Unique prefix for uploaded names (injected in tests). */
  randomId?: () => string;
  /** The configured prices (KIE_COSTS): a submission's cost tells an envelope 429 "rate limited" from "out of credits". Defaults when absent. */
  costs?: CostTable;
}

const separationType = { vocals: 'separate_vocal', stems: 'split_stem', single: 'split_stem_advanced' } as const;

/** Kie documents weights in steps of 0.01. */
const step = (w: number | undefined) => (w === undefined ? undefined : Math.round(w * 100) / 100);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A zod refusal as the words after "Some options are missing or not valid." */
function invalid(error: z.ZodError): Result<never> {
  const issue = error.issues[0];
  return fail('INPUT_INVALID', issue ? issue.message : 'the request is not valid');
}

// Upload failures read as "the upload failed" (and are retried), except the ones an admin must act on.
const keepOnUpload = new Set<FailureCode>(['KIE_UNAUTHORIZED', 'KIE_RATE_LIMITED']);

export function createKiePort(client: KieClient, opts: KiePortOptions = {}): KiePort {
  const uploadPath = opts.uploadPath ?? 'stembot';
  const randomId = opts.randomId ?? (() => randomBytes(8).toString('hex'));
  const costs = opts.costs;

  function submit(params: JobParams, source: KieSource, callBackUrl: string, hooks: Parameters<KiePort['submit']>[3] = {}): Promise<Result<{ taskId: string }>> | Result<never> {
    const opts = { cost: costOf(params, costs), ...hooks };
    if (params.kind === 'separate') {
      const body = separationRequestSchema.safeParse(
        defined({ ...source, type: separationType[params.mode], stemName: params.mode === 'single' ? params.stem : undefined, callBackUrl }),
      );
      return body.success ? client.submitSeparation(body.data, opts) : invalid(body.error);
    }
    // MIDI of a separation (one track or all of it), WAV of a generated track: both name a Kie task.
    if (params.kind === 'midi' || params.kind === 'wav') {
      if (!('taskId' in source)) return fail('INPUT_INVALID', 'a MIDI or WAV job works on a finished Kie task');
      if (params.kind === 'midi') {
        const body = midiRequestSchema.safeParse(defined({ taskId: source.taskId, audioId: source.audioId || undefined, callBackUrl }));
        return body.success ? client.submitMidi(body.data, opts) : invalid(body.error);
      }
      const body = wavRequestSchema.safeParse({ taskId: source.taskId, audioId: source.audioId, callBackUrl });
      return body.success ? client.submitWav(body.data, opts) : invalid(body.error);
    }
    // Add vocals / add instrumental start from an audio file Kie can fetch, never from a Kie track.
    if (!('audioUrl' in source)) return fail('INPUT_INVALID', 'this command needs an audio file or link, not a Kie track');
    const common = {
      uploadUrl: source.audioUrl,
      title: params.title,
      // Kie requires negativeTags on these endpoints, even empty.
      negativeTags: params.negativeTags ?? '',
      model: params.model,
      styleWeight: step(params.styleWeight),
      weirdnessConstraint: step(params.weirdness),
      audioWeight: step(params.audioWeight),
      callBackUrl,
    };
    if (params.kind === 'add_vocals') {
      const body = addVocalsRequestSchema.safeParse(defined({ ...common, prompt: params.prompt, style: params.style, vocalGender: params.vocalGender }));
      return body.success ? client.submitAddVocals(body.data, opts) : invalid(body.error);
    }
    const body = addInstrumentalRequestSchema.safeParse(defined({ ...common, tags: params.tags }));
    return body.success ? client.submitAddInstrumental(body.data, opts) : invalid(body.error);
  }

  return {
    async submit(params, source, callBackUrl, opts) {
      const r = await submit(params, source, callBackUrl, opts);
      return r.ok ? ok({ taskId: r.value.taskId }) : r;
    },

    async uploadFile(file) {
      // Kie overwrites an existing name, so every upload gets its own; the extension helps Kie sniff the format.
      const ext = extname(file.name).toLowerCase().replace(/[^a-z0-9.]/g, '').slice(0, 10);
      const stem = basename(file.name, extname(file.name)).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 60);
      const name = `${randomId()}-${stem || 'audio'}${ext}`;
      const r = await client.uploadFileStream({ path: file.path, name, uploadPath, ...(file.mimeType ? { mimeType: file.mimeType } : {}) });
      if (r.ok) return ok({ downloadUrl: r.value.downloadUrl });
      if (keepOnUpload.has(r.code) || r.code === 'UPLOAD_FAILED') return r;
      return fail('UPLOAD_FAILED', r.detail ? `${r.code}: ${r.detail}` : r.code, r.retryAfterMs);
    },

    async poll(kind, taskId) {
      if (kind === 'separate') {
        const r = await client.getSeparationRecord(taskId);
        return r.ok ? ok(separationRecordToEvent(taskId, r.value)) : r;
      }
      if (kind === 'midi') {
        const m = await client.getMidiRecord(taskId);
        return m.ok ? ok(midiRecordToEvent(taskId, m.value)) : m;
      }
      if (kind === 'wav') {
        const w = await client.getWavRecord(taskId);
        return w.ok ? ok(wavRecordToEvent(taskId, w.value)) : w;
      }
      const r = await client.getGenerationRecord(taskId);
      return r.ok ? ok(generationRecordToEvent(taskId, r.value)) : r;
    },

    credits: () => client.getCredits(),
  };
}
