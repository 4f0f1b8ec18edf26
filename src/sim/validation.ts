// Request bodies of the three submit endpoints, checked the way Kie documents them. A refusal names the
// field (`{code:400,msg:"callBackUrl is required"}`); a field over its length limit is Kie's 413.
import { z } from 'zod';
import type { TaskKind } from './options.js';

const isHttpUrl = (v: string) => /^https?:\/\//i.test(v) && URL.canParse(v);
const text = (field: string) => z.string({ error: `${field} is required` }).trim().min(1, `${field} is required`);
const httpUrl = (field: string) => text(field).refine(isHttpUrl, `${field} must be an http(s) URL`);
const unit = (field: string) =>
  z.number({ error: `${field} must be a number between 0 and 1` }).min(0, `${field} must be between 0 and 1`).max(1, `${field} must be between 0 and 1`);

const generationOptions = {
  callBackUrl: httpUrl('callBackUrl'),
  uploadUrl: httpUrl('uploadUrl'),
  title: text('title'),
  negativeTags: z.string({ error: 'negativeTags is required' }),
  model: z.enum(['V4_5PLUS', 'V5', 'V5_5'], { error: 'model must be V4_5PLUS, V5 or V5_5' }).optional(),
  styleWeight: unit('styleWeight').optional(),
  weirdnessConstraint: unit('weirdnessConstraint').optional(),
  audioWeight: unit('audioWeight').optional(),
};

const separation = z
  .object({
    callBackUrl: httpUrl('callBackUrl'),
    taskId: text('taskId').optional(),
    audioId: text('audioId').optional(),
    audioUrl: httpUrl('audioUrl').optional(),
    type: z
      .enum(['separate_vocal', 'split_stem', 'split_stem_advanced'], { error: 'type must be separate_vocal, split_stem or split_stem_advanced' })
      .default('separate_vocal'),
    stemName: text('stemName').optional(),
  })
  .superRefine((b, ctx) => {
    const track = b.taskId !== undefined || b.audioId !== undefined;
    // Kie's newer schema is a oneOf: a generated track (taskId + audioId) or any audio (audioUrl), never both.
    if (track && b.audioUrl !== undefined) ctx.addIssue({ code: 'custom', message: 'send either taskId + audioId or audioUrl, not both' });
    else if (!track && b.audioUrl === undefined) ctx.addIssue({ code: 'custom', message: 'audioUrl or taskId + audioId is required' });
    else if (track && b.taskId === undefined) ctx.addIssue({ code: 'custom', message: 'taskId is required with audioId' });
    else if (track && b.audioId === undefined) ctx.addIssue({ code: 'custom', message: 'audioId is required with taskId' });
    if (b.type === 'split_stem_advanced' && b.stemName === undefined) ctx.addIssue({ code: 'custom', message: 'stemName is required for split_stem_advanced' });
  });

const addVocals = z.object({
  ...generationOptions,
  prompt: text('prompt'),
  style: text('style'),
  vocalGender: z.enum(['m', 'f'], { error: 'vocalGender must be m or f' }).optional(),
});

const addInstrumental = z.object({ ...generationOptions, tags: text('tags') });

/** Length limits from Kie's request schemas (prompt: Suno's own custom-mode limit). */
const maxLength: Record<string, number> = { prompt: 5000, style: 1000, tags: 1000, negativeTags: 200 };

export type Endpoint = 'separation' | 'add_vocals' | 'add_instrumental';

export type Parsed =
  | { ok: true; kind: TaskKind; params: Record<string, unknown>; callBackUrl: string }
  | { ok: false; code: 400 | 413; msg: string };

export function parseSubmission(endpoint: Endpoint, body: unknown): Parsed {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, code: 400, msg: 'request body must be a JSON object' };
  const schema = endpoint === 'separation' ? separation : endpoint === 'add_vocals' ? addVocals : addInstrumental;
  const result = schema.safeParse(body);
  if (!result.success) return { ok: false, code: 400, msg: result.error.issues[0]?.message ?? 'invalid request' };
  const params = result.data as Record<string, unknown>;
  for (const [field, max] of Object.entries(maxLength)) {
    const value = params[field];
    if (typeof value === 'string' && value.length > max) return { ok: false, code: 413, msg: `${field} exceeds ${max} characters` };
  }
  const kind: TaskKind = endpoint === 'separation' ? (params.type as TaskKind) : endpoint;
  return { ok: true, kind, params, callBackUrl: params.callBackUrl as string };
}
