// `/jobs` and `/job <id>` in the playground, as on Discord and Slack: a person's own jobs in words (the core's
// status view and failure sentence), with where to find each one (its status card, by message id) and
// whether "Deliver again" applies. The cap refusal lists the same running jobs.
import { describeFailure } from '../../core/messages.js';
import type { JobsApi } from '../../core/ports.js';
import { statusView } from '../../core/status-view.js';
import { isTerminal } from '../../core/state-machine.js';
import type { Job, Origin } from '../../core/types.js';

export interface PlaygroundJobView {
  id: string;
  /** "Stem separation · vocals + instrumental", "Add vocals · “River Song”". */
  title: string;
  inputName: string;
  state: Job['state'];
  stageLine: string;
  steps: ReturnType<typeof statusView>['steps'];
  createdAt: number;
  /** The playground message id of the job's status card (its thread hangs under it); null before it is posted. */
  statusMessageId: string | null;
  /** What went wrong, in the core's words, for a failed job. */
  failure: string | null;
  fileCount: number;
  canDeliverAgain: boolean;
}

/** How many jobs `/jobs` lists. */
export const jobsListLimit = 10;

export function jobView(job: Job, now: number): PlaygroundJobView {
  const v = statusView(job, now);
  return {
    id: job.id,
    title: v.title,
    inputName: v.inputName,
    state: job.state,
    stageLine: v.stageLine,
    steps: v.steps,
    createdAt: job.createdAt,
    statusMessageId: job.statusMessageId,
    failure: job.failure ? describeFailure(job.failure.code, job.failure.detail, job.kind) : null,
    fileCount: job.files.length,
    canDeliverAgain: job.state === 'complete' && job.files.length > 0,
  };
}

/** The person's own playground jobs, newest first. */
export async function listJobs(jobs: JobsApi, origin: Origin, now: number, limit = jobsListLimit): Promise<PlaygroundJobView[]> {
  const mine = await jobs.listForUser('playground', origin.userId, limit);
  return mine.map((j) => jobView(j, now));
}

/** One of the person's own jobs; undefined for an unknown id or someone else's job. */
export async function findJob(jobs: JobsApi, origin: Origin, id: string, now: number): Promise<PlaygroundJobView | undefined> {
  const job = await jobs.get(id);
  if (!job || job.platform !== 'playground' || job.userId !== origin.userId) return undefined;
  return jobView(job, now);
}

/** The cap refusal, followed by the jobs that are holding the places ("Running now: …"). */
export async function capMessage(message: string, jobs: JobsApi, origin: Origin, now: number): Promise<{ message: string; running: PlaygroundJobView[] }> {
  // The core's refusal already names the running jobs in words (core/cap-message.ts); the page also gets them
  // as data, with the stage line each card shows.
  const running = (await jobs.listForUser('playground', origin.userId, 50)).filter((j) => !isTerminal(j.state)).map((j) => jobView(j, now));
  return { message, running };
}
