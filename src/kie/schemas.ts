// zod schemas of what stembot sends to Kie (strict: Kie charges nothing for a refusal, but a clear local
// sentence beats its 400) and of what Kie answers (liberal: extra keys pass, null is fine where Kie may send
// it). Limits from docs/kie-api.md "Submitting work"; callbacks live in callbacks.ts.
import { z } from 'zod';
import { kieLimits } from '../core/kie-vocabulary.js';
import { STEMS } from './stems.js';

const httpUrl = (name: string) =>
  z.string({ error: `${name} is required` }).refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), {
    error: `${name} must be an http(s) URL`,
  });
const text = (name: string, max: number, min = 1) =>
  z
    .string({ error: `${name} is required` })
    .min(min, { error: `${name} is required` })
    .max(max, { error: `${name} must be at most ${max} characters` });
const weight = (name: string) => z.number().min(0, { error: `${name} must be between 0 and 1` }).max(1, { error: `${name} must be between 0 and 1` });

const modelSchema = z.enum(['V4_5PLUS', 'V5', 'V5_5']);
const separationTypeSchema = z.enum(['separate_vocal', 'split_stem', 'split_stem_advanced']);

// ───────────── requests ─────────────

const separationCommon = {
  type: separationTypeSchema,
  // Any short name, not the enum: Kie owns the list (see src/core/kie-vocabulary.ts).
  stemName: text('stem', 100).optional(),
  callBackUrl: httpUrl('callBackUrl'),
};

/** Kie's oneOf: `audioUrl`, or `taskId` + `audioId`, never both. One object (not a union) so that a
 *  refusal names the field that is wrong instead of "invalid input". */
export const separationRequestSchema = z
  .strictObject({
    audioUrl: httpUrl('audioUrl').optional(),
    taskId: text('taskId', 128).optional(),
    audioId: text('audioId', 128).optional(),
    ...separationCommon,
  })
  .superRefine((b, ctx) => {
    const byTrack = b.taskId !== undefined || b.audioId !== undefined;
    if ((b.audioUrl !== undefined) === byTrack) {
      ctx.addIssue({ code: 'custom', message: 'give either an audio URL or a Kie task_id + audio_id, not both', path: [] });
    } else if (byTrack && (b.taskId === undefined || b.audioId === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'task_id and audio_id go together', path: [] });
    }
    if ((b.type === 'split_stem_advanced') !== (b.stemName !== undefined)) {
      ctx.addIssue({ code: 'custom', message: 'stem is required for single-instrument separation, and only there', path: ['stemName'] });
    }
  });

const generationCommon = {
  uploadUrl: httpUrl('uploadUrl'),
  // Kie has no title limit on these endpoints; other Kie endpoints cap at 80–100, so 80 is safe.
  title: text('title', kieLimits.title),
  // Required by Kie, and may be empty.
  negativeTags: text('negative tags', kieLimits.negativeTags, 0),
  model: modelSchema.optional(),
  styleWeight: weight('style weight').optional(),
  weirdnessConstraint: weight('weirdness').optional(),
  audioWeight: weight('audio weight').optional(),
  callBackUrl: httpUrl('callBackUrl'),
};

export const addVocalsRequestSchema = z.strictObject({
  ...generationCommon,
  prompt: text('prompt', kieLimits.prompt),
  style: text('style', kieLimits.style),
  vocalGender: z.enum(['m', 'f']).optional(),
});

export const addInstrumentalRequestSchema = z.strictObject({ ...generationCommon, tags: text('tags', kieLimits.tags) });

export type SeparationRequest = z.infer<typeof separationRequestSchema>;
export type AddVocalsRequest = z.infer<typeof addVocalsRequestSchema>;
export type AddInstrumentalRequest = z.infer<typeof addInstrumentalRequestSchema>;

// ───────────── responses ─────────────

const str = z.string().nullish();
const num = z.number().nullish();
/** Kie's `errorCode` has been seen as null, a number and a numeric string. */
const codeLike = z.union([z.number(), z.string()]).nullish();

export const envelopeSchema = z.looseObject({
  code: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  msg: str,
  // Optional: error envelopes often carry no data at all.
  data: z.unknown().optional(),
});

export const submitDataSchema = z.looseObject({ taskId: z.string().min(1) });

const originDataSchema = z.looseObject({ audio_url: str, stem_type_group_name: str, id: str, duration: num });

const stemUrlFields = Object.fromEntries(STEMS.map((s) => [s.camel, str]));

export const separationRecordSchema = z.looseObject({
  taskId: str,
  successFlag: z.string(),
  response: z.looseObject({ ...stemUrlFields, originUrl: str, originData: z.array(originDataSchema).nullish() }).nullish(),
  errorCode: codeLike,
  errorMessage: str,
  createTime: codeLike,
  completeTime: codeLike,
});

const sunoTrackSchema = z.looseObject({
  id: str,
  audioUrl: str,
  streamAudioUrl: str,
  imageUrl: str,
  title: str,
  tags: str,
  duration: num,
});

export const generationRecordSchema = z.looseObject({
  taskId: str,
  status: z.string(),
  response: z.looseObject({ sunoData: z.array(sunoTrackSchema).nullish() }).nullish(),
  errorCode: codeLike,
  errorMessage: str,
});

export const creditsDataSchema = z.number();

export const uploadDataSchema = z.looseObject({
  downloadUrl: z.string().min(1),
  fileName: str,
  filePath: str,
  fileSize: num,
  mimeType: str,
  uploadedAt: str,
});

export type SubmitData = z.infer<typeof submitDataSchema>;
export type SeparationRecord = z.infer<typeof separationRecordSchema>;
export type GenerationRecord = z.infer<typeof generationRecordSchema>;
export type SunoTrack = z.infer<typeof sunoTrackSchema>;
export type UploadData = z.infer<typeof uploadDataSchema>;
