// The core's ChatPort on Discord, over the bot token (so work longer than an interaction token's 15 minutes
// keeps updating): the status message in the command's channel, a thread opened from it, stems posted into
// the thread as `files[n]` + `payload_json`, each post carrying a `nonce` with `enforce_nonce` derived from
// the idempotency key, so a retried post returns the first message instead of showing twice.
// https://discord.com/developers/docs/resources/message#create-message
// https://discord.com/developers/docs/resources/channel#start-thread-from-message
import { Routes, RESTJSONErrorCodes, type APIMessage, type APIThreadChannel, type REST } from 'discord.js';
import { fail, ok, type Job } from '../../core/types.js';
import type { ChatLimits, ChatPort, ChatResult, OutgoingMessage, StatusView } from '../../core/ports.js';
import { discordDefaults as d } from './settings.js';
import { escapePlain } from './escape.js';
import { nonceFor, renderMessage, statusComponents, statusEmbed } from './render.js';
import { postWithFiles, type FilePostOptions } from './file-post.js';
import { chatError, discordCode } from './rest.js';

export interface DiscordChatOptions {
  rest: REST;
  /** Posts with files go straight over HTTP, streamed from disk (file-post.ts); everything else through `rest`. */
  files: FilePostOptions;
  /** When an interaction carried no `attachment_size_limit`. */
  defaultAttachmentBytes?: number;
  /** Where admin notices (low balance, out of credits) go: DISCORD_ADMIN_CHANNEL_ID. */
  adminChannelId?: string;
}

export class DiscordChat implements ChatPort {
  readonly platform = 'discord' as const;
  constructor(private readonly o: DiscordChatOptions) {}

  limits(job: Job): ChatLimits {
    // Read from the interaction (boosts and Nitro raise it), never hard-coded: docs/chat-platforms.md.
    const n = job.originMeta.attachmentSizeLimit;
    return {
      maxFileBytes: typeof n === 'number' && n > 0 ? n : (this.o.defaultAttachmentBytes ?? d.defaultAttachmentBytes),
      maxFilesPerMessage: d.maxFilesPerMessage,
    };
  }

  async postNotice(text: string): Promise<ChatResult<void>> {
    if (!this.o.adminChannelId) return fail('NOT_FOUND', 'no DISCORD_ADMIN_CHANNEL_ID');
    try {
      await this.o.rest.post(Routes.channelMessages(this.o.adminChannelId), { body: { content: text.slice(0, d.maxContentChars), allowed_mentions: { parse: [] } } });
      return ok(undefined);
    } catch (err) {
      return chatError(err);
    }
  }

  async postStatus(job: Job, view: StatusView): Promise<ChatResult<{ messageId: string }>> {
    try {
      const body = { embeds: [statusEmbed(view)], components: statusComponents(view), allowed_mentions: { parse: [] }, nonce: nonceFor(`status:${job.id}`), enforce_nonce: true };
      const msg = (await this.o.rest.post(Routes.channelMessages(job.channelId), { body })) as APIMessage;
      return ok({ messageId: msg.id });
    } catch (err) {
      return chatError(err);
    }
  }

  async editStatus(job: Job, messageId: string, view: StatusView): Promise<ChatResult<void>> {
    try {
      await this.o.rest.patch(Routes.channelMessage(job.channelId, messageId), { body: { embeds: [statusEmbed(view)], components: statusComponents(view), allowed_mentions: { parse: [] } } });
      return ok(undefined);
    } catch (err) {
      return chatError(err);
    }
  }

  async openThread(job: Job, messageId: string, name: string): Promise<ChatResult<{ threadId: string }>> {
    // Asked inside a thread (or a forum post): the conversation already has its thread.
    if (job.originMeta.inThread === true) return ok({ threadId: job.channelId });
    try {
      const body = { name: escapePlain(name).trim().slice(0, 100) || 'stembot', auto_archive_duration: d.threadAutoArchiveMin };
      const thread = (await this.o.rest.post(Routes.threads(job.channelId, messageId), { body })) as APIThreadChannel;
      return ok({ threadId: thread.id });
    } catch (err) {
      const code = discordCode(err);
      // A retry after a lost answer: the thread exists, and a thread started from a message shares its id.
      if (code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) return ok({ threadId: messageId });
      // Voice-channel chat, announcement quirks and the like: no thread here; the core replies in the channel.
      if (code === RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType) return fail('INVALID', 'threads cannot be opened in this channel');
      return chatError(err);
    }
  }

  async post(job: Job, threadId: string | null, message: OutgoingMessage, idempotencyKey: string): Promise<ChatResult<{ messageId: string }>> {
    const channelId = threadId || job.channelId;
    const files = message.files ?? [];
    if (files.length > d.maxFilesPerMessage) return fail('INVALID', `${files.length} files; Discord takes at most ${d.maxFilesPerMessage} per message`);
    const limit = this.limits(job).maxFileBytes;
    const tooBig = files.find((f) => f.bytes > limit);
    if (tooBig) return fail('TOO_LARGE', `${tooBig.name} is ${tooBig.bytes} bytes; the limit here is ${limit}`);
    const body = {
      ...renderMessage(job, message),
      ...(files.length > 0 ? { attachments: files.map((f, i) => ({ id: i, filename: f.name })) } : {}),
      nonce: nonceFor(idempotencyKey),
      enforce_nonce: true,
    };
    if (files.length > 0) return postWithFiles(this.o.files, channelId, body, files);
    try {
      const msg = (await this.o.rest.post(Routes.channelMessages(channelId), { body })) as APIMessage;
      return ok({ messageId: msg.id });
    } catch (err) {
      return chatError(err);
    }
  }
}
