// A fake core (JobsApi) for the playground tests: it records the commands it is given and, for each one,
// drives the REAL PlaygroundChat the way the outbox worker would — status card, thread, stage edits, then
// the stems (or a failure notice) — so the routes and the page have something true to show.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlaygroundChat } from '../../src/chat/playground/chat-port.js';
import { describeFailure, kindLabels } from '../../src/core/messages.js';
import { systemClock, type Clock, type JobsApi, type SubmitRefusal } from '../../src/core/ports.js';
import { statusView } from '../../src/core/status-view.js';
import type { Command, Job, Platform } from '../../src/core/types.js';
import { jobFrom } from './fixtures.js';

export class FakeJobs implements JobsApi {
  readonly commands: Command[] = [];
  readonly redeliveries: { jobId: string; userId: string }[] = [];
  readonly jobs = new Map<string, Job>();
  /** When set, `submit` refuses with it (caps, rate limits). */
  refusal: SubmitRefusal | null = null;
  private readonly work: Promise<void>[] = [];

  constructor(
    private readonly chat: PlaygroundChat,
    /** The bytes of the stem the fake "delivers". */
    private readonly stem: Buffer,
    /** Where the fake writes its temp files (deleted after posting, as the outbox does). */
    private readonly scratchDir: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async submit(command: Command): Promise<{ ok: true; job: Job } | SubmitRefusal> {
    this.commands.push(command);
    if (this.refusal) return this.refusal;
    const job = jobFrom(command, `job-${this.commands.length}`, this.clock.now());
    this.jobs.set(job.id, job);
    this.work.push(this.drive(job));
    return { ok: true, job };
  }

  async get(jobId: string): Promise<Job | undefined> {
    return this.jobs.get(jobId);
  }

  async listForUser(platform: Platform, userId: string, limit: number): Promise<Job[]> {
    return [...this.jobs.values()].filter((j) => j.platform === platform && j.userId === userId).slice(0, limit);
  }

  async redeliver(jobId: string, userId: string): Promise<{ ok: true } | { ok: false; message: string }> {
    this.redeliveries.push({ jobId, userId });
    return this.jobs.has(jobId) ? { ok: true } : { ok: false, message: 'There is no such job to deliver again.' };
  }

  async cancel(jobId: string): Promise<{ ok: true; message: string } | { ok: false; message: string }> {
    return this.jobs.has(jobId) ? { ok: true, message: 'Cancelled.' } : { ok: false, message: 'There is no such job to cancel.' };
  }

  async credits(): Promise<string> {
    return 'You: 0 credits today, 0 credits this month.';
  }

  async resubmit(jobId: string): Promise<{ ok: true } | { ok: false; message: string }> {
    return { ok: false, message: `Job ${jobId} is not waiting for a decision.` };
  }

  /** Resolves once every job submitted so far has been driven to its end. */
  async settled(): Promise<void> {
    await Promise.all(this.work);
  }

  private async drive(job: Job): Promise<void> {
    // Let the HTTP answer go out first, as the real outbox works after the 202.
    await nextTurn();
    const posted = must(await this.chat.postStatus(job, statusView(job, this.clock.now())));
    job.statusMessageId = posted.messageId;
    job.threadId = must(await this.chat.openThread(job, posted.messageId, `${kindLabels[job.kind]}: ${job.inputName}`)).threadId;
    await this.move(job, 'submitted');
    job.taskId = `task-${job.id}`;
    await nextTurn();
    if (job.input.type === 'url' && job.input.url.includes('#sim=fail-451')) {
      job.failure = { code: 'KIE_SOURCE_DOWNLOAD_FAILED', kieCode: 451 };
      await this.move(job, 'failed');
      const text = `**${kindLabels[job.kind]} failed** for ${job.inputName}. ${describeFailure('KIE_SOURCE_DOWNLOAD_FAILED')}`;
      must(await this.chat.post(job, job.threadId, { text, mention: true }, `${job.id}:failure`));
      return;
    }
    job.files = [
      { key: 'vocal', label: 'Vocals', url: 'https://kie.example/vocals.wav' },
      { key: 'instrumental', label: 'Instrumental', url: 'https://kie.example/instrumental.wav' },
    ];
    await this.move(job, 'complete');
    const temp = join(this.scratchDir, `${job.id}-vocals.wav`);
    await writeFile(temp, this.stem);
    must(
      await this.chat.post(
        job,
        job.threadId,
        {
          text: `Stems for ${job.inputName}:`,
          files: [{ path: temp, name: `${job.inputName.replace(/\.\w+$/, '')} - Vocals.wav`, bytes: this.stem.length, mimeType: 'audio/wav' }],
          links: [{ label: 'Instrumental.wav', url: 'https://kie.example/instrumental.wav' }],
          actions: [{ id: 'split_stems', label: 'Split into 12 stems', jobId: job.id }],
        },
        `${job.id}:r0:files`,
      ),
    );
    await rm(temp); // the outbox deletes its temp files once `post` returns
  }

  private async move(job: Job, state: Job['state']): Promise<void> {
    job.state = state;
    if (state === 'complete' || state === 'failed') job.finishedAt = this.clock.now();
    must(await this.chat.editStatus(job, job.statusMessageId!, statusView(job, this.clock.now())));
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function must<T>(result: { ok: true; value: T } | { ok: false; code: string; detail?: string }): T {
  if (!result.ok) throw new Error(`chat refused: ${result.code} ${result.detail ?? ''}`);
  return result.value;
}
