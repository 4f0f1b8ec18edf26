// The composer's `/midi` and `/wav` (docs/kie-midi-wav.md): a job id (and a stem, or a take) instead of a song.
// The same rules as the buttons (src/core/follow-ups.ts): only the job's requester, only a finished job.
import { z } from 'zod';
import { startFollowUp } from '../../core/follow-ups.js';
import type { JobsApi } from '../../core/ports.js';
import type { Origin } from '../../core/types.js';

const blank = (v: unknown) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim()) : v);
const fields = z
  .object({
    command: z.enum(['midi', 'wav']),
    id: z.preprocess(blank, z.string({ error: 'id (the job id) is required' }).max(40)),
    stem: z.preprocess(blank, z.string().max(200).optional()),
    /** The composer's name for `stem` (its /separate form has a `stem` field of its own). */
    midi_stem: z.preprocess(blank, z.string().max(200).optional()),
    take: z.preprocess(blank, z.coerce.number({ error: 'take must be a whole number from 1' }).int().min(1).max(10).optional()),
  })
  .strict();

export const isFollowUpCommand = (command: unknown): boolean => command === 'midi' || command === 'wav';

export async function followUpFromFields(raw: Record<string, unknown>, jobs: JobsApi, origin: Origin): Promise<{ status: 202 | 400 | 429; body: { jobId?: string; code?: string; message?: string } }> {
  const parsed = fields.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message = issue?.code === 'unrecognized_keys' ? `/midi and /wav take only id, stem or midi_stem (midi) and take (wav).` : (issue?.message ?? 'Some options are missing or not valid.');
    return { status: 400, body: { code: 'INPUT_INVALID', message } };
  }
  const f = parsed.data;
  const stem = f.stem ?? f.midi_stem;
  const r = await startFollowUp(jobs, f.command === 'midi' ? { kind: 'midi', jobId: f.id, ...(stem ? { stem } : {}) } : { kind: 'wav', jobId: f.id, take: f.take ?? 1 }, origin);
  if (r.ok) return { status: 202, body: { jobId: r.job.id } };
  return { status: r.code === 'USER_CAP' || r.code === 'WORKSPACE_CAP' || r.code === 'KIE_RATE_LIMITED' ? 429 : 400, body: { code: r.code ?? 'INPUT_INVALID', message: r.message } };
}
