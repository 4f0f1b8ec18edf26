// Test-only routes of the chaos / benchmark stembot process (never part of src/): submit a job as a chat
// adapter would, read progress, and read the process's peak RSS. Submission is idempotent per `ref`, so
// the runner can simply retry a submit whose answer was lost to a SIGKILL.
import type { FastifyInstance } from 'fastify';
import type { Command, JobParams, Platform } from '../../src/core/types.js';
import type { Stembot } from '../../src/stembot.js';

export type ChaosKind = 'vocals' | 'stems' | 'single' | 'add_vocals' | 'add_instrumental';
export interface SubmitBody {
  ref: string;
  kind: ChaosKind;
  /** Simulator scenario, passed as `?sim=` on the audio URL (src/sim/README.md). */
  scenario: string;
}

function paramsFor(kind: ChaosKind, ref: string): JobParams {
  if (kind === 'add_vocals') return { kind, title: `Song ${ref}`, prompt: 'a folk song about rivers', style: 'Folk' };
  if (kind === 'add_instrumental') return { kind, title: `Song ${ref}`, tags: 'folk, acoustic' };
  return kind === 'single' ? { kind: 'separate', mode: 'single', stem: 'Piano' } : { kind: 'separate', mode: kind };
}

/** Which platform's jobs the run makes (CHAOS_PLATFORM, default discord): the chat port registered for it takes them. */
export const chaosPlatform = (process.env.CHAOS_PLATFORM ?? 'discord') as Platform;

export function commandFor(b: SubmitBody): Command {
  return {
    // One channel and one "user" per job: the fake chat server's records group by channel.
    origin: { platform: chaosPlatform, workspaceId: 'chaos', channelId: b.ref, userId: b.ref, userName: b.ref, meta: {} },
    input: { type: 'url', url: `https://audio.example/songs/${b.ref}.mp3?sim=${b.scenario}`, name: `${b.ref}.mp3` },
    params: paramsFor(b.kind, b.ref),
  };
}

/** Samples RSS often enough to catch a peak while a stem passes through. */
class RssSampler {
  baseline = process.memoryUsage().rss;
  peak = this.baseline;
  constructor(everyMs: number) {
    setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage().rss)), everyMs).unref();
  }
  reset(): void {
    this.baseline = process.memoryUsage().rss;
    this.peak = this.baseline;
  }
}

export async function testRoutes(app: FastifyInstance, bot: Stembot): Promise<void> {
  const rss = new RssSampler(10);
  app.post<{ Body: SubmitBody }>('/__test/submit', async (req, reply) => {
    const b = req.body;
    const [existing] = await bot.store.listJobsByUser(chaosPlatform, b.ref, 1);
    if (existing) return { jobId: existing.id, again: true };
    const r = await bot.service.submit(commandFor(b));
    return r.ok ? { jobId: r.job.id, again: false } : reply.code(422).send({ error: r.code, message: r.message });
  });
  app.get('/__test/progress', async () => ({
    active: await bot.store.countActive({ platform: chaosPlatform }),
    outbox: await bot.store.outboxDepth(),
  }));
  // The requester pressing "Submit again" on jobs whose submission may or may not have reached Kie (stembot was
  // killed in that round trip) and that no callback has completed for `olderThanMs`.
  app.post<{ Body: { refs: string[]; olderThanMs: number } }>('/__test/resubmit', async (req) => {
    const pressed: string[] = [];
    const now = Date.now();
    for (const ref of req.body.refs) {
      const [job] = await bot.store.listJobsByUser(chaosPlatform, ref, 1);
      if (!job || job.state !== 'queued' || job.taskId || !job.submitUnconfirmedAt || now - job.submitUnconfirmedAt < req.body.olderThanMs) continue;
      if ((await bot.service.resubmit(job.id, job.userId)).ok) pressed.push(ref);
    }
    return { pressed };
  });
  app.post('/__test/rss/reset', async () => {
    rss.reset();
    return { baseline: rss.baseline };
  });
  app.get('/__test/rss', async () => ({ baseline: rss.baseline, peak: rss.peak, now: process.memoryUsage().rss }));
}
