// Follow-ups on a finished job (docs/kie-midi-wav.md): MIDI of a separation (all of it, or one stem) and WAV of
// a generated take. Every platform's button and command comes here, so the rules read the same everywhere: the
// parent must be finished, on the same platform, and (unless the adapter already allowed someone acting for the
// requester) asked for by its requester. The new job is an ordinary job: its own status, thread, cost, failures.
import type { JobsApi, SubmitRefusal } from './ports.js';
import type { Command, Job, Origin } from './types.js';

export type FollowUpRequest =
  | { kind: 'midi'; jobId: string; /** one stem: its audioId, key or label ("Bass") */ stem?: string }
  | { kind: 'wav'; jobId: string; /** 1-based */ take: number };

export type FollowUpOutcome = { ok: true; job: Job } | { ok: false; message: string; code?: SubmitRefusal['code'] };

/** The song's name as people know it (the input's name without its extension). */
const songName = (job: Job): string => (job.params.kind === 'add_vocals' || job.params.kind === 'add_instrumental' ? job.params.title : job.inputName.replace(/\.[a-z0-9]{2,4}$/i, '')).trim() || 'Untitled';

export function followUpCommand(parent: Job | undefined, req: FollowUpRequest, origin: Origin, opts: { requesterChecked?: boolean } = {}): { ok: true; command: Command } | { ok: false; message: string } {
  if (!parent || parent.platform !== origin.platform || parent.workspaceId !== origin.workspaceId) return { ok: false, message: `There is no job \`${req.jobId.slice(0, 40)}\` here.` };
  if (!opts.requesterChecked && parent.userId !== origin.userId) return { ok: false, message: 'Only the person who started this job can ask for its MIDI or WAV.' };
  if (parent.state !== 'complete' || !parent.taskId) return { ok: false, message: 'This job has not finished yet; ask again once its files have arrived.' };
  if (req.kind === 'midi') {
    if (parent.kind !== 'separate') return { ok: false, message: 'MIDI comes from a stem separation. Use it on a `/separate` job.' };
    let stem: { audioId: string; label: string; key: string } | undefined;
    if (req.stem?.trim()) {
      const want = req.stem.trim().toLowerCase();
      const file = parent.files.find((f) => f.audioId?.toLowerCase() === want || f.key === want || f.label.toLowerCase() === want);
      if (!file) return { ok: false, message: `That job has no stem “${req.stem.trim().slice(0, 40)}”. Its stems: ${parent.files.map((f) => f.label).join(', ')}.` };
      // Kie's id of the track when known; otherwise the submit step looks it up by key (src/delivery/steps.ts).
      stem = { audioId: file.audioId ?? '', label: file.label, key: file.key };
    }
    const title = songName(parent);
    return {
      ok: true,
      command: {
        origin,
        input: { type: 'kie_track', taskId: parent.taskId, audioId: stem?.audioId ?? '', name: stem ? `${title} (${stem.label})` : title },
        params: { kind: 'midi', parentJobId: parent.id, title, ...(stem ? { ...(stem.audioId ? { audioId: stem.audioId } : {}), stemLabel: stem.label, stemKey: stem.key } : {}) },
      },
    };
  }
  if (parent.kind !== 'add_vocals' && parent.kind !== 'add_instrumental') return { ok: false, message: 'WAV is made from a generated track. Use it on an `/add-vocals` or `/add-instrumental` job.' };
  const file = Number.isInteger(req.take) && req.take >= 1 ? parent.files[req.take - 1] : undefined;
  if (!file?.audioId) return { ok: false, message: `That job has no take ${req.take}; it has ${parent.files.length}.` };
  const title = songName(parent);
  return {
    ok: true,
    command: {
      origin,
      input: { type: 'kie_track', taskId: parent.taskId, audioId: file.audioId, name: `${title} (take ${req.take})` },
      params: { kind: 'wav', parentJobId: parent.id, title, audioId: file.audioId, take: req.take },
    },
  };
}

/** Look the parent up, build the follow-up and submit it. */
export async function startFollowUp(jobs: JobsApi, req: FollowUpRequest, origin: Origin, opts: { requesterChecked?: boolean } = {}): Promise<FollowUpOutcome> {
  const built = followUpCommand(await jobs.get(req.jobId), req, origin, opts);
  if (!built.ok) return built;
  const r = await jobs.submit(built.command);
  return r.ok ? { ok: true, job: r.job } : { ok: false, message: r.message, code: r.code };
}
