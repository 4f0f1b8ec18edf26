// A fake Slack Web API on 127.0.0.1 for tests (docs/conventions.md, habit 5: fakes over module mocks). It records every call and
// implements what stembot uses: chat.postMessage / chat.update / chat.postEphemeral, views.open, the external
// upload flow (files.getUploadURLExternal → upload URL served here, bytes kept → files.completeUploadExternal),
// files.info (with `shares` built from the messages the files were shared in), conversations.info and
// auth.test. It serves `url_private` files only with the bot token, takes response_url
// posts, and answers 429 + Retry-After, `not_in_channel` or any other error on demand, or applies a call and
// drops its answer (the connection is cut, as when the network or the caller dies in that instant).
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { checkMessage, checkView } from './slack-blockkit.js';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

export interface FakeFile {
  id: string;
  name: string;
  title?: string;
  length: number;
  bytes?: Buffer;
  sha256?: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: Record<string, unknown>[];
  files: FakeFile[];
  /** Every chat.update applied, oldest first. */
  updates: { text: string; blocks?: Record<string, unknown>[] }[];
}

export interface FakeChannel {
  id: string;
  name: string;
  isMember: boolean;
  isPrivate: boolean;
  isIm: boolean;
}

export interface Fault {
  /** Slack's `error` string in an HTTP 200 `{ ok: false }` answer. */
  error?: string;
  needed?: string;
  /** Answer this HTTP status instead (429 sends Retry-After). */
  status?: number;
  retryAfterSec?: number;
}

export interface FakeSlackOptions {
  botToken: string;
  /** App-level token (Socket Mode): the only token apps.connections.open accepts. */
  appToken?: string;
  teamId?: string;
  teamDomain?: string;
  botUserId?: string;
}

const jsonFields = ['blocks', 'files', 'view', 'attachments'];

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: { channel: string; user: string; text: string; threadTs?: string }[] = [];
  readonly views: { triggerId: string; view: Record<string, unknown> }[] = [];
  /** Bodies posted to response URLs handed out by `responseUrl()`, in order. */
  readonly responses: { id: string; body: Record<string, unknown> }[] = [];
  /** Every GET of a private file: whether it carried the bot token. */
  readonly privateDownloads: { fileId: string; authorized: boolean }[] = [];
  readonly channels = new Map<string, FakeChannel>();
  /** Users `users.info` reports as workspace admins or owners; everyone else is an ordinary member. */
  readonly admins = new Set<string>();
  private readonly uploads = new Map<string, FakeFile>();
  private readonly privateFiles = new Map<string, Buffer>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly drops = new Map<string, number>();
  private seq = 0;
  url = '';
  /** What apps.connections.open hands out (a FakeSlackSocket's URL). */
  socketUrl = '';
  /** The bot token's scopes, sent as X-OAuth-Scopes like Slack does; `chat:write.public` lets it post anywhere public. */
  scopes = ['commands', 'chat:write', 'files:read', 'files:write', 'channels:read', 'groups:read', 'im:read', 'mpim:read'];

  private constructor(
    private readonly app: FastifyInstance,
    readonly opts: Required<FakeSlackOptions>,
  ) {}

  static async start(options: FakeSlackOptions): Promise<FakeSlack> {
    const opts = { teamId: 'T0STEMBOT', teamDomain: 'stembot-test', botUserId: 'U0STEMBOT', appToken: 'xapp-none', ...options };
    const app = Fastify({ logger: false, bodyLimit: 256 * 1024 * 1024 });
    const fake = new FakeSlack(app, opts);
    fake.routes();
    await app.listen({ host: '127.0.0.1', port: 0 });
    fake.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** SLACK_API_URL for stembot. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }
  get host(): string {
    return new URL(this.url).host;
  }

  close(): Promise<void> {
    return this.app.close();
  }

  // ───────────── arranging ─────────────

  addChannel(id: string, c: Partial<Omit<FakeChannel, 'id'>> = {}): FakeChannel {
    const channel = { id, name: c.name ?? id.toLowerCase(), isMember: c.isMember ?? true, isPrivate: c.isPrivate ?? false, isIm: c.isIm ?? false };
    this.channels.set(id, channel);
    return channel;
  }

  /** The next `times` calls of `method` fail with `fault`. */
  failNext(method: string, fault: Fault, times = 1): void {
    const list = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(method, list);
  }

  /** The next `times` calls of `method` are applied, then their answer is lost (the connection is cut). */
  dropAnswerNext(method: string, times = 1): void {
    this.drops.set(method, (this.drops.get(method) ?? 0) + times);
  }

  /** Messages (in any channel or thread) that carry the file `id`: how many times it was shared. */
  sharesOf(id: string): FakeMessage[] {
    return this.messages.filter((m) => m.files.some((f) => f.id === id));
  }

  /** A file a user uploaded to Slack: a file object as Slack shows it in messages and `file_input` values. */
  addPrivateFile(file: { name: string; mimetype: string; bytes: Buffer }): Record<string, unknown> & { id: string; url_private_download: string } {
    const id = `F0USER${++this.seq}`;
    this.privateFiles.set(id, file.bytes);
    const url = `${this.url}/files-pri/${this.opts.teamId}-${id}/download/${encodeURIComponent(file.name)}`;
    return {
      id,
      name: file.name,
      title: file.name,
      mimetype: file.mimetype,
      filetype: file.name.split('.').pop() ?? '',
      size: file.bytes.length,
      url_private: url.replace('/download/', '/'),
      url_private_download: url,
    };
  }

  /** A fresh response_url, as Slack puts in every command and interaction. */
  responseUrl(): string {
    return `${this.url}/response/R${++this.seq}`;
  }

  // ───────────── reading ─────────────

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Top-level messages of a channel (status cards), oldest first. */
  channelMessages(channel: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.threadTs);
  }

  thread(channel: string, ts: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === ts);
  }

  fileBytes(id: string): Buffer | undefined {
    return this.uploads.get(id)?.bytes;
  }

  /** The bytes of a file added with `addPrivateFile`. */
  fileBytesOfPrivate(id: string): Buffer | undefined {
    return this.privateFiles.get(id);
  }

  // ───────────── the server ─────────────

  private nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
  }

  private routes(): void {
    const app = this.app;
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.post<{ Params: { method: string } }>('/api/:method', async (req, reply) => {
      const args = { ...((req.body as Record<string, unknown>) ?? {}) };
      for (const f of jsonFields) if (typeof args[f] === 'string') args[f] = JSON.parse(args[f] as string);
      const method = req.params.method;
      this.calls.push({ method, args, at: Date.now() });
      const auth = req.headers.authorization ?? (args.token ? `Bearer ${String(args.token)}` : undefined);
      const token = method === 'apps.connections.open' ? this.opts.appToken : this.opts.botToken;
      if (auth !== `Bearer ${token}`) return { ok: false, error: auth ? 'invalid_auth' : 'not_authed' };
      reply.header('x-oauth-scopes', this.scopes.join(','));
      const fault = this.faults.get(method)?.shift();
      if (fault) return this.answerFault(reply, fault);
      const handler = this.handlers[method];
      const answer = handler ? handler(args) : { ok: false, error: 'unknown_method' };
      const drops = this.drops.get(method) ?? 0;
      if (drops > 0) {
        this.drops.set(method, drops - 1);
        reply.hijack();
        reply.raw.destroy();
        return reply;
      }
      return answer;
    });

    app.post<{ Params: { id: string } }>('/upload/:id', async (req, reply) => {
      const file = this.uploads.get(req.params.id);
      const body = req.body;
      if (!file || !Buffer.isBuffer(body)) return reply.code(400).send('bad upload');
      if (body.length !== file.length) return reply.code(400).send(`length ${body.length} != declared ${file.length}`);
      file.bytes = body;
      file.sha256 = createHash('sha256').update(body).digest('hex');
      return reply.code(200).send(`OK - ${body.length}`);
    });

    app.get<{ Params: { key: string; rest: string } }>('/files-pri/:key/*', async (req, reply) => {
      const fileId = req.params.key.split('-').pop() ?? '';
      const authorized = req.headers.authorization === `Bearer ${this.opts.botToken}`;
      this.privateDownloads.push({ fileId, authorized });
      const bytes = this.privateFiles.get(fileId);
      if (!bytes) return reply.code(404).send('not found');
      if (!authorized) return reply.code(403).type('text/html').send('<html>Sign in to Slack</html>');
      return reply.code(200).type('application/octet-stream').header('content-length', bytes.length).send(bytes);
    });

    app.post<{ Params: { id: string } }>('/response/:id', async (req) => {
      this.responses.push({ id: req.params.id, body: (req.body as Record<string, unknown>) ?? {} });
      return 'ok';
    });
  }

  private answerFault(reply: FastifyReply, fault: Fault) {
    if (fault.status === 429) return reply.code(429).header('retry-after', String(fault.retryAfterSec ?? 1)).send({ ok: false, error: 'ratelimited' });
    if (fault.status) return reply.code(fault.status).send('upstream trouble');
    return { ok: false, error: fault.error ?? 'internal_error', ...(fault.needed ? { needed: fault.needed, provided: 'commands,chat:write' } : {}) };
  }

  /** Posting needs the channel to exist and the bot to be in it (or it to be the bot's DM). */
  private postable(channel: unknown): { ok: true; c: FakeChannel } | { ok: false; error: string } {
    const c = this.channels.get(String(channel ?? ''));
    if (!c || (c.isPrivate && !c.isMember)) return { ok: false, error: 'channel_not_found' };
    if (!c.isMember && !c.isIm && !this.scopes.includes('chat:write.public')) return { ok: false, error: 'not_in_channel' };
    return { ok: true, c };
  }

  private readonly handlers: Record<string, (a: Record<string, unknown>) => Record<string, unknown>> = {
    'apps.connections.open': () => (this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'not_allowed_token_type' }),

    'auth.test': () => ({ ok: true, url: `https://${this.opts.teamDomain}.slack.com/`, team: 'Stembot Test', user: 'stembot', team_id: this.opts.teamId, user_id: this.opts.botUserId, bot_id: 'B0STEMBOT' }),

    'users.info': (a) => {
      const id = String(a.user ?? '');
      if (!/^[UW][A-Z0-9]+$/.test(id)) return { ok: false, error: 'user_not_found' };
      const admin = this.admins.has(id);
      return { ok: true, user: { id, team_id: this.opts.teamId, name: id.toLowerCase(), is_admin: admin, is_owner: false, is_bot: false } };
    },

    'conversations.info': (a) => {
      const c = this.channels.get(String(a.channel ?? ''));
      if (!c || (c.isPrivate && !c.isMember)) return { ok: false, error: 'channel_not_found' };
      return { ok: true, channel: { id: c.id, name: c.name, is_member: c.isIm ? undefined : c.isMember, is_private: c.isPrivate, is_im: c.isIm, is_archived: false } };
    },

    'chat.postMessage': (a) => {
      const where = this.postable(a.channel);
      if (!where.ok) return where;
      const problem = checkMessage(a);
      if (problem) return { ok: false, error: problem };
      const threadTs = a.thread_ts ? String(a.thread_ts) : undefined;
      if (threadTs && !this.message(where.c.id, threadTs)) return { ok: false, error: 'thread_not_found' };
      const m: FakeMessage = { channel: where.c.id, ts: this.nextTs(), text: String(a.text ?? ''), files: [], updates: [], ...(threadTs ? { threadTs } : {}), ...(a.blocks ? { blocks: a.blocks as FakeMessage['blocks'] } : {}) };
      this.messages.push(m);
      return { ok: true, channel: m.channel, ts: m.ts, message: { type: 'message', text: m.text, ts: m.ts, user: this.opts.botUserId } };
    },

    'chat.update': (a) => {
      const m = this.message(String(a.channel ?? ''), String(a.ts ?? ''));
      if (!m) return { ok: false, error: 'message_not_found' };
      const problem = checkMessage(a);
      if (problem) return { ok: false, error: problem };
      m.text = String(a.text ?? '');
      if (a.blocks) m.blocks = a.blocks as FakeMessage['blocks'];
      m.updates.push({ text: m.text, ...(m.blocks ? { blocks: m.blocks } : {}) });
      return { ok: true, channel: m.channel, ts: m.ts, text: m.text };
    },

    'chat.postEphemeral': (a) => {
      const where = this.postable(a.channel);
      if (!where.ok) return where;
      this.ephemerals.push({ channel: where.c.id, user: String(a.user ?? ''), text: String(a.text ?? ''), ...(a.thread_ts ? { threadTs: String(a.thread_ts) } : {}) });
      return { ok: true, message_ts: this.nextTs() };
    },

    'views.open': (a) => {
      const view = a.view as Record<string, unknown> | undefined;
      if (!a.trigger_id) return { ok: false, error: 'invalid_trigger_id' };
      const problem = checkView(view);
      if (problem) return { ok: false, error: problem };
      this.views.push({ triggerId: String(a.trigger_id), view: view! });
      return { ok: true, view: { id: `V${++this.seq}`, ...view } };
    },

    'files.getUploadURLExternal': (a) => {
      const length = Number(a.length);
      if (!a.filename || !Number.isInteger(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
      const id = `F0UP${++this.seq}`;
      this.uploads.set(id, { id, name: String(a.filename), length });
      return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
    },

    // Slack's shape (docs/slack-uploads.md): shares.public|private → channel id → one entry per message the file
    // was shared in, with that message's `ts` and, for a share inside a thread, the parent's `thread_ts`.
    'files.info': (a) => {
      const id = String(a.file ?? '');
      const f = this.uploads.get(id);
      if (!f) return { ok: false, error: 'file_not_found' };
      const shares: Record<'public' | 'private', Record<string, Record<string, unknown>[]>> = { public: {}, private: {} };
      for (const m of this.sharesOf(id)) {
        const c = this.channels.get(m.channel);
        const scope = c?.isPrivate || c?.isIm ? shares.private : shares.public;
        (scope[m.channel] ??= []).push({
          ts: m.ts,
          ...(m.threadTs ? { thread_ts: m.threadTs } : { reply_count: 0, reply_users: [], reply_users_count: 0 }),
          channel_name: c?.name ?? m.channel,
          team_id: this.opts.teamId,
          share_user_id: this.opts.botUserId,
          source: 'UNKNOWN',
        });
      }
      const channels = Object.keys(shares.public);
      const groups = Object.keys(shares.private);
      const shared = channels.length + groups.length > 0;
      return {
        ok: true,
        file: {
          id: f.id, name: f.name, title: f.title ?? f.name, size: f.length, user: this.opts.botUserId, mode: 'hosted', is_public: channels.length > 0,
          channels, groups, ims: [], comments_count: 0,
          ...(shared ? { shares: Object.fromEntries(Object.entries(shares).filter(([, v]) => Object.keys(v).length > 0)) } : {}),
        },
        comments: [],
        response_metadata: { next_cursor: '' },
      };
    },

    'files.completeUploadExternal': (a) => {
      const list = a.files as { id: string; title?: string }[] | undefined;
      if (!Array.isArray(list) || list.length === 0) return { ok: false, error: 'invalid_arguments' };
      const files = list.map((f) => this.uploads.get(f.id));
      if (files.some((f) => !f?.bytes)) return { ok: false, error: 'file_not_found' };
      const shared = files.map((f, i) => ({ ...f!, title: list[i]!.title ?? f!.name }));
      if (a.channel_id) {
        const where = this.postable(a.channel_id);
        if (!where.ok) return where;
        const threadTs = a.thread_ts ? String(a.thread_ts) : undefined;
        if (threadTs && !this.message(where.c.id, threadTs)) return { ok: false, error: 'thread_not_found' };
        this.messages.push({ channel: where.c.id, ts: this.nextTs(), text: String(a.initial_comment ?? ''), files: shared, updates: [], ...(threadTs ? { threadTs } : {}) });
      }
      return { ok: true, files: shared.map((f) => ({ id: f.id, title: f.title, name: f.name })) };
    },
  };
}
