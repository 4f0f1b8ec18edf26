// Queue position on status cards: "Queued — 3 ahead of you (about 10 s)" while jobs wait to be handed to Kie
// (its 20-per-10-s window, or the outbox's few submissions at a time). Every `tickMs` the waiting jobs are
// listed oldest first; a card whose place changed is edited, but one card at most once per `minEditMs`, so
// a moving queue never spends Discord's or Slack's edit rate limits.
//
// The edit goes straight to the chat (not through the outbox): a queued job's next outbox item is its
// `submit`, and a `status` item would wait behind it. So the job is read again after the edit, and if it
// moved on meanwhile a `status` item is enqueued to put the card right.
import { PeriodicPass } from '../core/periodic-pass.js';
import type { ChatPorts, Clock, JobStore } from '../core/ports.js';
import { statusView, type QueuePlace } from '../core/status-view.js';
import type { Job } from '../core/types.js';

export interface QueueRefresherOptions {
  store: JobStore;
  chat: ChatPorts;
  clock: Clock;
  tickMs: number;
  minEditMs: number;
  batch: number;
  /** Kie's submission window, for the time estimate. */
  perWindow: number;
  windowMs: number;
  log: { warn(obj: object, msg: string): void };
  onWork?: () => void;
}

/** Where the job `ahead` places from the front stands, and about how long until Kie gets it. */
function placeOf(ahead: number, perWindow: number, windowMs: number): QueuePlace {
  return { ahead, etaMs: Math.ceil((ahead + 1) / perWindow) * windowMs };
}

export class QueueRefresher {
  private readonly loop: PeriodicPass;
  /** What each card last showed, and when it was edited. */
  private readonly shown = new Map<string, { ahead: number; at: number }>();

  constructor(private readonly o: QueueRefresherOptions) {
    this.loop = new PeriodicPass(() => this.pass().catch((err) => this.o.log.warn({ err }, 'queue refresh failed')), o.tickMs);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  tick(): Promise<void> {
    return this.loop.tick();
  }

  private async pass(): Promise<void> {
    const queued = await this.o.store.listQueued(this.o.batch);
    const now = this.o.clock.now();
    const waiting = new Set(queued.map((j) => j.id));
    for (const id of this.shown.keys()) if (!waiting.has(id)) this.shown.delete(id);
    for (const [ahead, job] of queued.entries()) {
      const last = this.shown.get(job.id);
      // A card first posted shows no place (ahead 0 is the plain "handing it to Kie" line).
      const was = last?.ahead ?? 0;
      if (ahead === was || !job.statusMessageId) continue;
      if (last && now - last.at < this.o.minEditMs) continue;
      await this.edit(job, ahead, now);
    }
  }

  private async edit(job: Job, ahead: number, now: number): Promise<void> {
    const chat = this.o.chat[job.platform];
    if (!chat || !job.statusMessageId) return;
    this.shown.set(job.id, { ahead, at: now });
    const r = await chat.editStatus(job, job.statusMessageId, statusView(job, now, placeOf(ahead, this.o.perWindow, this.o.windowMs)));
    if (!r.ok) this.o.log.warn({ jobId: job.id, code: r.code }, 'queue position edit failed');
    const after = await this.o.store.getJob(job.id);
    if (after && after.state !== 'queued') {
      await this.o.store.enqueue(job.id, ['status'], this.o.clock.now());
      this.o.onWork?.();
    }
  }
}
