// The playground channel as a real ChatPort: the outbox worker posts here exactly as it posts to Discord or
// Slack, and the page shows what arrived. State lives in memory, rebuilt at start from an append-only log,
// and files are copied under the data dir because the caller deletes its temp files once `post` returns.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fail, ok, type Job } from '../../core/types.js';
import { systemClock, type ChatLimits, type ChatPort, type ChatResult, type Clock, type OutgoingMessage, type StatusView } from '../../core/ports.js';
import { ChannelLog } from './channel-log.js';
import { applyEvent, snapshot, type Channel } from './channel-state.js';
import { checkFiles, FileStore } from './file-store.js';
import type { LogEvent, PlaygroundChange, PlaygroundFile, PlaygroundMessage } from './message.js';

/** Lines of edits a log may carry beyond two per message before it is compacted at start. */
const compactionSlackLines = 200;

export interface PlaygroundChatOptions {
  /** stembot's data dir; the channel lives in `<dataDir>/playground/`. */
  dataDir: string;
  /** Largest file one message may carry; larger ones are refused with TOO_LARGE (the core links them instead). */
  maxFileBytes: number;
  maxFilesPerMessage?: number;
  clock?: Clock;
  /** URL path under which the routes serve stored files. */
  filesUrlPrefix?: string;
}

export type PlaygroundListener = (change: PlaygroundChange) => void;

export class PlaygroundChat implements ChatPort {
  readonly platform = 'playground' as const;
  private readonly channel: Channel = { messages: new Map(), byKey: new Map(), statusByJob: new Map() };
  private readonly log: ChannelLog;
  private readonly files: FileStore;
  private readonly listeners = new Set<PlaygroundListener>();
  private readonly clock: Clock;
  private readonly limitsValue: ChatLimits;
  /** Writes run one at a time, so an idempotency check and its append can never interleave with another. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(opts: PlaygroundChatOptions) {
    const dir = join(opts.dataDir, 'playground');
    this.log = new ChannelLog(join(dir, 'messages.jsonl'));
    this.files = new FileStore(join(dir, 'files'), (opts.filesUrlPrefix ?? '/playground/files').replace(/\/+$/, ''));
    this.clock = opts.clock ?? systemClock;
    this.limitsValue = { maxFileBytes: opts.maxFileBytes, maxFilesPerMessage: opts.maxFilesPerMessage ?? 10 };
    const events = this.log.replay();
    for (const event of events) applyEvent(this.channel, event);
    // Every stage of every status card is a line, and all of them are replayed at each start: when the log
    // holds well over a line per message, write it again as one line per message.
    if (events.length > 2 * this.channel.messages.size + compactionSlackLines) this.log.rewrite(snapshot(this.channel));
  }

  limits(_job: Job): ChatLimits {
    return { ...this.limitsValue };
  }

  postStatus(job: Job, view: StatusView): Promise<ChatResult<{ messageId: string }>> {
    return this.serial(async () => {
      // A retried `open` must not leave two status cards: one status message per job, keyed by its id.
      const existing = this.channel.statusByJob.get(job.id);
      if (existing) {
        await this.editNow(existing, view);
        return ok({ messageId: existing });
      }
      const message = this.newMessage(job, { kind: 'status', status: view, text: statusText(view) });
      await this.record({ type: 'post', message, key: `status:${job.id}` });
      return ok({ messageId: message.id });
    });
  }

  editStatus(_job: Job, messageId: string, view: StatusView): Promise<ChatResult<void>> {
    return this.serial(async () => {
      const found = this.channel.messages.get(messageId);
      if (!found || found.kind !== 'status') return fail('NOT_FOUND', `no status message ${messageId}`);
      await this.editNow(messageId, view);
      return ok(undefined);
    });
  }

  openThread(_job: Job, messageId: string, name: string): Promise<ChatResult<{ threadId: string }>> {
    return this.serial(async () => {
      const found = this.channel.messages.get(messageId);
      if (!found || found.kind !== 'status') return fail('NOT_FOUND', `no status message ${messageId}`);
      if (found.thread) return ok({ threadId: found.thread.id });
      // Derived from the message id, so a retry finds the same thread (one thread per message, as on Discord).
      const threadId = `t-${messageId}`;
      await this.record({ type: 'thread', id: messageId, threadId, name: name.slice(0, 100), at: this.clock.now() });
      return ok({ threadId });
    });
  }

  post(job: Job, threadId: string | null, message: OutgoingMessage, idempotencyKey: string): Promise<ChatResult<{ messageId: string }>> {
    return this.serial(async () => {
      const seen = this.channel.byKey.get(idempotencyKey);
      if (seen) return ok({ messageId: seen });
      if (threadId !== null && !this.threadExists(threadId)) return fail('NOT_FOUND', `no thread ${threadId}`);
      const sources = message.files ?? [];
      const fits = await checkFiles(sources, this.limitsValue);
      if (!fits.ok) return fits;
      const draft = this.newMessage(job, {
        kind: 'message',
        threadId,
        text: message.text,
        links: message.links ?? [],
        actions: message.actions ?? [],
        mention: message.mention ? { userId: job.userId, userName: job.userName } : null,
        // A "Deliver again" round lands where the person is looking (the bottom), pointing to the thread.
        ...(threadId !== null && job.deliveryRound > 0 ? { broadcast: true } : {}),
      });
      let files: PlaygroundFile[];
      try {
        files = await this.files.copyIn(draft.id, sources);
      } catch (err) {
        // A full disk or a vanished source: nothing was announced yet, so the outbox may simply retry.
        return fail('TRANSIENT', `could not store files: ${(err as Error).message}`);
      }
      await this.record({ type: 'post', message: { ...draft, files }, key: idempotencyKey });
      return ok({ messageId: draft.id });
    });
  }

  /** An admin notice (low balance, out of credits): the playground's channel is its admin channel. */
  postNotice(text: string): Promise<ChatResult<void>> {
    return this.serial(async () => {
      const notice: Job = { id: '', userId: '', userName: 'admin' } as Job;
      const message = this.newMessage(notice, { kind: 'message', text, mention: null });
      await this.record({ type: 'post', message, key: `notice:${message.id}` });
      return ok(undefined);
    });
  }

  /** The channel, oldest first (a copy: callers cannot change it). */
  messages(): PlaygroundMessage[] {
    return [...this.channel.messages.values()].map((m) => structuredClone(m));
  }

  /** A stored file of a message, by its stored name; undefined if no such message or file. */
  file(messageId: string, name: string): (PlaygroundFile & { path: string }) | undefined {
    const file = this.channel.messages.get(messageId)?.files.find((f) => f.name === name);
    return file && { ...file, path: this.files.pathOf(messageId, file.name) };
  }

  /** Every change as it happens (the SSE stream). Returns the unsubscribe function. */
  subscribe(listener: PlaygroundListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async editNow(messageId: string, view: StatusView): Promise<void> {
    const current = this.channel.messages.get(messageId);
    if (current && JSON.stringify(current.status) === JSON.stringify(view)) return; // nothing new to show
    await this.record({ type: 'edit', id: messageId, status: view, text: statusText(view), at: this.clock.now() });
  }

  private newMessage(job: Job, fields: Partial<PlaygroundMessage> & Pick<PlaygroundMessage, 'kind' | 'text'>): PlaygroundMessage {
    return {
      id: `${this.clock.now().toString(36)}-${randomBytes(6).toString('base64url')}`,
      jobId: job.id,
      threadId: null,
      status: null,
      thread: null,
      files: [],
      links: [],
      actions: [],
      mention: null,
      createdAt: this.clock.now(),
      editedAt: null,
      rev: 1,
      ...fields,
    };
  }

  private threadExists(threadId: string): boolean {
    const statusId = threadId.startsWith('t-') ? threadId.slice(2) : '';
    return this.channel.messages.get(statusId)?.thread?.id === threadId;
  }

  /** Persist first, then change memory and tell subscribers: what the page saw is what a restart replays. */
  private async record(event: LogEvent): Promise<void> {
    await this.log.append(event);
    const changed = applyEvent(this.channel, event);
    if (!changed) return;
    const change: PlaygroundChange = { type: event.type === 'post' ? 'post' : 'edit', message: structuredClone(changed) };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // One broken subscriber (a closed SSE socket) must not stop the others or the caller.
      }
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function statusText(view: StatusView): string {
  return `${view.title} — ${view.stageLine}`;
}
