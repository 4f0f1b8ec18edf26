// Test-only routes of the chaos / benchmark stembot process (never part of src/): submit a job as a chat
// adapter would, read progress, and read the process's peak RSS. Submission is idempotent per `ref`, so
// the runner can simply retry a submit whose answer was lost to a SIGKILL.
import type { FastifyInstance } from 'fastify';
import type { Command, JobParams } from '../../src/core/types.js';
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

export function commandFor(b: SubmitBody): Command {
  return {
    // One channel and one "user" per job: the fake chat server's records group by channel.
    origin: { platform: 'discord', workspaceId: 'chaos', channelId: b.ref, userId: b.ref, userName: b.ref, meta: {} },
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
    const [existing] = await bot.store.listJobsByUser('discord', b.ref, 1);
    if (existing) return { jobId: existing.id, again: true };
    const r = await bot.service.submit(commandFor(b));
    return r.ok ? { jobId: r.job.id, again: false } : reply.code(422).send({ error: r.code, message: r.message });
  });
  app.get('/__test/progress', async () => ({
    active: await bot.store.countActive({ platform: 'discord' }),
    outbox: await bot.store.outboxDepth(),
  }));
  app.post('/__test/rss/reset', async () => {
    rss.reset();
    return { baseline: rss.baseline };
  });
  app.get('/__test/rss', async () => ({ baseline: rss.baseline, peak: rss.peak, now: process.memoryUsage().rss }));
}
