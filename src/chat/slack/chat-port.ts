// The core's ChatPort on Slack: the status card is one channel message edited with chat.update; the "thread"
// is that message's ts (every later message carries it as thread_ts); stems are shared into the thread in
// batches, text and buttons go in with chat.postMessage.
//
// Duplicates: Slack has no idempotency key or nonce on chat.postMessage or files.completeUploadExternal. Within
// one process a key that already succeeded answers the remembered message and a key in flight is joined.
// Files are posted exactly once, across crashes too: their ids (from files.getUploadURLExternal) are recorded
// in the store before files.completeUploadExternal, and a retry of that post first asks files.info whether the
// first file is already shared in the thread (docs/slack-uploads.md). Plain text posts stay at-least-once: a
// chat.postMessage whose answer was lost (network cut, crash) is posted again on retry.
import type { WebClient } from '@slack/web-api';
import { systemClock, type ChatLimits, type ChatPort, type ChatResult, type Clock, type JobStore, type OutgoingMessage, type StatusView } from '../../core/ports.js';
import { fail, ok, type Job } from '../../core/types.js';
import type { Logger } from '../../ops/logger.js';
import { actionsBlock, asKnown, mrkdwn, statusMessage } from './blocks.js';
import { chunks, escapeText, mention, slackLink, toMrkdwn, truncate } from './format.js';
import type { SlackSettings } from './settings.js';
import { findShare, shareFiles, uploadFiles, type UploadedFile } from './upload.js';
import { slackFailure, type SlackFailure } from './web-client.js';

type Posted = ChatResult<{ messageId: string }>;

const channelErrors = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);
/** Long enough to cover one job's delivery attempts, short enough that an invite is noticed soon. */
const refusalMemoryMs = 60_000;

export interface SlackChatOptions {
  web: WebClient;
  settings: Pick<SlackSettings, 'maxFileBytes' | 'maxFilesPerMessage' | 'uploadTimeoutMs' | 'rememberedPosts'>;
  log: Logger;
  clock?: Clock;
  /**
   * The client that sends files.completeUploadExternal: one without retries of its own, since a share whose
   * answer was lost must be checked with files.info before it is sent again. Defaults to `web`.
   */
  shareWeb?: WebClient;
  /** Durable record of uploaded file ids per post (the store); without it a crash between share and answer repeats the files. */
  uploads?: Pick<JobStore, 'recordUploads' | 'recordedUploads'>;
  /** Slack refused to post for good (not_in_channel, missing_scope…): tell the requester privately. Once per job. */
  onForbidden?: (job: Job, failure: SlackFailure) => Promise<void>;
  /** Where admin notices (low balance, out of credits) go: SLACK_ADMIN_CHANNEL_ID. */
  adminChannelId?: string;
}

export class SlackChat implements ChatPort {
  readonly platform = 'slack' as const;
  private readonly posted = new Map<string, string>();
  private readonly inflight = new Map<string, Promise<Posted>>();
  /** Files uploaded for a batch whose share step failed: a retry shares these instead of uploading again. */
  private readonly uploaded = new Map<string, UploadedFile[]>();
  private readonly warned = new Set<string>();
  /** Channels Slack just refused (not a member, gone): files are not uploaded there only to be refused. */
  private readonly refused = new Map<string, { failure: SlackFailure; at: number }>();

  private readonly clock: Clock;

  constructor(private readonly o: SlackChatOptions) {
    this.clock = o.clock ?? systemClock;
  }

  limits(_job: Job): ChatLimits {
    return { maxFileBytes: this.o.settings.maxFileBytes, maxFilesPerMessage: this.o.settings.maxFilesPerMessage };
  }

  async postNotice(text: string): Promise<ChatResult<void>> {
    if (!this.o.adminChannelId) return fail('NOT_FOUND', 'no SLACK_ADMIN_CHANNEL_ID');
    try {
      await this.o.web.chat.postMessage({ channel: this.o.adminChannelId, text: escapeText(text), unfurl_links: false, unfurl_media: false });
      return ok(undefined);
    } catch (err) {
      return slackFailure(err);
    }
  }

  postStatus(job: Job, view: StatusView): Promise<Posted> {
    return this.once(job, `status:${job.id}`, async () => {
      const { text, blocks } = statusMessage(view);
      return this.call(() => this.o.web.chat.postMessage({ channel: job.channelId, text, blocks: asKnown(blocks), unfurl_links: false, unfurl_media: false }));
    });
  }

  async editStatus(job: Job, messageId: string, view: StatusView): Promise<ChatResult<void>> {
    const { text, blocks } = statusMessage(view);
    try {
      await this.o.web.chat.update({ channel: job.channelId, ts: messageId, text, blocks: asKnown(blocks) });
      return ok(undefined);
    } catch (err) {
      return slackFailure(err);
    }
  }

  /** A Slack thread is the parent message's ts: nothing to create. */
  async openThread(_job: Job, messageId: string, _name: string): Promise<ChatResult<{ threadId: string }>> {
    return ok({ threadId: messageId });
  }

  post(job: Job, threadId: string | null, message: OutgoingMessage, idempotencyKey: string): Promise<Posted> {
    return this.once(job, idempotencyKey, () => this.send(job, threadId, message, idempotencyKey));
  }

  private async send(job: Job, threadId: string | null, message: OutgoingMessage, key: string): Promise<Posted> {
    const lines = [toMrkdwn(message.text), ...(message.links ?? []).map((l) => `• ${slackLink(l.url, l.label)}`)].filter(Boolean);
    const text = `${message.mention ? `${mention(job.userId)} ` : ''}${lines.join('\n')}`;
    const files = message.files ?? [];
    if (files.length === 0) return this.postText(job, threadId, text, message);
    const refused = this.refusedNow(job.channelId);
    if (refused) return refused;

    if (files.length > this.o.settings.maxFilesPerMessage) return fail('INVALID', `${files.length} files; at most ${this.o.settings.maxFilesPerMessage} per message`);
    const big = files.find((f) => f.bytes > this.o.settings.maxFileBytes);
    if (big) return fail('TOO_LARGE', `${big.name} is ${big.bytes} bytes`);
    const shared = await this.once(job, `${key}:files`, async () => {
      const to = { channelId: job.channelId, threadTs: threadId };
      let ids = this.uploaded.get(key) ?? (await this.o.uploads?.recordedUploads(key));
      if (ids?.[0]) {
        // An earlier attempt got as far as sharing, perhaps further: Slack's answer may have been lost. The batch
        // is shared in one call, so its first file tells whether the share happened.
        const seen = await findShare(this.o.web, ids[0].id, to);
        if (!seen.ok) return seen;
        if (typeof seen.value === 'object') {
          this.uploaded.delete(key);
          return ok({ messageId: `file:${ids[0].id}` });
        }
        if (seen.value === 'gone') ids = undefined;
      }
      if (!ids?.length) {
        const up = await uploadFiles(this.o.web, files, this.o.settings.uploadTimeoutMs);
        if (!up.ok) return up;
        ids = up.value;
        // Durable before the share: the one call whose answer, if lost, cannot be told apart from a failure.
        await this.o.uploads?.recordUploads(key, job.id, ids, this.clock.now());
        this.uploaded.set(key, ids);
      }
      const r = await shareFiles(this.o.shareWeb ?? this.o.web, ids, { ...to, initialComment: truncate(text, 3900) });
      if (r.ok) this.uploaded.delete(key);
      return r.ok ? ok({ messageId: r.value }) : r;
    });
    if (!shared.ok || !message.actions?.length) return shared;
    // A file share cannot carry buttons (completeUploadExternal ignores blocks when there is a comment).
    const buttons = await this.once(job, `${key}:actions`, () => this.postText(job, threadId, 'What next?', { actions: message.actions }));
    return buttons.ok ? shared : buttons;
  }

  private postText(job: Job, threadId: string | null, text: string, message: Pick<OutgoingMessage, 'actions'>): Promise<Posted> {
    const blocks = message.actions?.length
      ? [...chunks(text).map((t) => ({ type: 'section', text: mrkdwn(t) })), actionsBlock(message.actions)]
      : undefined;
    return this.call(() =>
      this.o.web.chat.postMessage({
        channel: job.channelId,
        text: truncate(text, 39_000),
        ...(blocks ? { blocks: asKnown(blocks) } : {}),
        ...(threadId ? { thread_ts: threadId } : {}),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
  }

  private async call(fn: () => Promise<{ ts?: string }>): Promise<Posted> {
    try {
      const res = await fn();
      return res.ts ? ok({ messageId: res.ts }) : fail('TRANSIENT', 'Slack answered without a message ts');
    } catch (err) {
      return slackFailure(err);
    }
  }

  /** Remembered success, joined flight, or a fresh try; a FORBIDDEN answer is explained to the requester once. */
  private async once(job: Job, key: string, fn: () => Promise<Posted>): Promise<Posted> {
    const done = this.posted.get(key);
    if (done) return ok({ messageId: done });
    const running = this.inflight.get(key);
    if (running) return running;
    const attempt = fn().finally(() => this.inflight.delete(key));
    this.inflight.set(key, attempt);
    const result = await attempt;
    if (result.ok) this.remember(key, result.value.messageId);
    else if (result.code === 'FORBIDDEN') await this.forbidden(job, result as SlackFailure);
    return result;
  }

  private refusedNow(channelId: string): SlackFailure | undefined {
    const r = this.refused.get(channelId);
    if (r && this.clock.now() - r.at < refusalMemoryMs) return r.failure;
    this.refused.delete(channelId);
    return undefined;
  }

  private remember(key: string, messageId: string): void {
    this.posted.set(key, messageId);
    // Oldest first out (Map keeps insertion order).
    for (const k of this.posted.keys()) {
      if (this.posted.size <= this.o.settings.rememberedPosts) break;
      this.posted.delete(k);
    }
  }

  private async forbidden(job: Job, failure: SlackFailure): Promise<void> {
    if (failure.slackError && channelErrors.has(failure.slackError) && !this.refusedNow(job.channelId)) {
      this.refused.set(job.channelId, { failure, at: this.clock.now() });
    }
    this.o.log.warn({ jobId: job.id, channel: job.channelId, slackError: failure.slackError }, 'slack refused to post');
    if (!this.o.onForbidden || this.warned.has(job.id)) return;
    this.warned.add(job.id);
    await this.o.onForbidden(job, failure).catch((err: unknown) => this.o.log.warn({ err, jobId: job.id }, 'could not tell the requester why Slack refused'));
  }
}
