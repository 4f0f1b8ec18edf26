// A fake Discord REST API on 127.0.0.1 (docs/conventions.md, habit 5: fakes over module mocks). discord.js's real REST client
// talks to it through DISCORD_API_URL. It records every request, checks message bodies against the documented
// shapes (discord-shapes.ts: JSON or multipart with `payload_json` + `files[n]`, ≤ 10 files, each within the
// per-file limit), keeps posted files' bytes, implements thread creation from a message, nonce +
// enforce_nonce (a repeat returns the first message), interaction callbacks and `@original` edits, serves
// attachments from a signed-CDN-like path, and answers 429 (with `retry_after` and the headers discord.js
// reads), 403, 500 or anything else on demand.
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { checkMessageBody, checkMultipart } from './discord-shapes.js';

export interface FakeFile {
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
  sha256: string;
}
export interface FakeMessage {
  id: string;
  channelId: string;
  content: string;
  embeds: any[];
  components: any[];
  allowedMentions: any;
  nonce?: string | number;
  files: FakeFile[];
  /** Bodies of every edit, oldest first. */
  edits: any[];
}
export interface FakeChannel {
  id: string;
  type: 'text' | 'voice' | 'thread';
  parentId?: string;
  name?: string;
  /** The bot lacks Create Public Threads here: starting a thread answers 403 Missing Permissions. */
  threadsForbidden?: boolean;
}
export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  authorization?: string;
  multipart: boolean;
  body?: any;
  files: number;
  nonce?: string | number;
}
export interface Fault {
  method?: string;
  path: RegExp;
  status: number;
  /** How many requests this fault answers (default 1). */
  times?: number;
  /** For 429: seconds in `retry_after` and the headers. */
  retryAfterSec?: number;
  /** Discord's JSON error code. */
  code?: number;
  /** Do the work (create the message), then answer with the fault: "the answer was lost". */
  afterStore?: boolean;
}
export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type: string;
}

export interface FakeDiscordOptions {
  token: string;
  /** Further bot tokens accepted, so several instances of one bot can be told apart by token. */
  otherTokens?: string[];
  applicationId: string;
  /** Per-file upload limit enforced on `files[n]` (Discord answers 413 / 40005 above it). */
  maxFileBytes?: number;
}

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  /** Bulk overwrites received: where, and the command bodies. */
  readonly commandPuts: { guildId?: string; body: any[] }[] = [];
  /** Initial interaction responses, by interaction token: the callback route, or recorded by a test for HTTP intake. */
  readonly initial = new Map<string, any>();
  /** Edits of `@original`, by interaction token. */
  readonly originalEdits = new Map<string, any[]>();
  /** GETs of attachments: whether they carried any Authorization header. */
  readonly attachmentGets: { path: string; authorization?: string }[] = [];
  private readonly tokens = new Set<string>();
  private readonly byNonce = new Map<string, string>();
  private readonly attachments = new Map<string, { bytes: Buffer; contentType: string; expiresAt: number }>();
  private faults: (Fault & { left: number })[] = [];
  /** The application's Interactions Endpoint URL as `GET /applications/@me` shows it (null: unset, gateway mode). */
  interactionsEndpointUrl: string | null = null;
  /** Registered commands as `GET …/commands` lists them: 'global' or a guild id → the last bulk overwrite's result. */
  readonly registered = new Map<string, any[]>();
  /** Where `GET /gateway/bot` sends clients: a FakeGateway's URL (discord-gateway.ts), set by the test. */
  gatewayUrl: string | undefined;
  private seq = 1_300_000_000_000_000_000n;
  origin = '';

  private constructor(
    private readonly app: FastifyInstance,
    readonly opts: Required<FakeDiscordOptions>,
  ) {}

  /** Base for DISCORD_API_URL (discord.js appends `/v10`). */
  get apiUrl(): string {
    return `${this.origin}/api`;
  }
  get host(): string {
    return new URL(this.origin).host;
  }

  static async start(o: FakeDiscordOptions): Promise<FakeDiscord> {
    const app = Fastify({ bodyLimit: 200 * 1024 * 1024 });
    const fake = new FakeDiscord(app, { maxFileBytes: 10 * 1024 * 1024, otherTokens: [], ...o });
    await app.register(multipart, { limits: { fileSize: 500 * 1024 * 1024, files: 50, fieldSize: 1024 * 1024 } });
    fake.routes();
    await app.listen({ host: '127.0.0.1', port: 0 });
    fake.origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return fake;
  }

  close(): Promise<void> {
    return this.app.close();
  }

  nextId(): string {
    this.seq += 1n;
    return this.seq.toString();
  }

  addChannel(c: Omit<FakeChannel, 'id'> & { id?: string }): FakeChannel {
    const channel = { ...c, id: c.id ?? this.nextId() };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** An interaction Discord created: its token may then edit `@original`. */
  expectInteraction(token: string): void {
    this.tokens.add(token);
  }

  /** An uploaded file on the fake CDN, as an interaction's `resolved.attachments` entry, signed to expire. */
  addAttachment(filename: string, bytes: Buffer, contentType: string, expiresAt: number): FakeAttachment {
    const id = this.nextId();
    const path = `/attachments/${id}/${encodeURIComponent(filename)}`;
    this.attachments.set(path, { bytes, contentType, expiresAt });
    const ex = Math.floor(expiresAt / 1000).toString(16);
    const url = `${this.origin}${path}?ex=${ex}&is=${Math.floor(Date.now() / 1000).toString(16)}&hm=${createHash('sha256').update(path).digest('hex')}&`;
    return { id, filename, size: bytes.length, url, proxy_url: url, content_type: contentType };
  }

  fail(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  messagesIn(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channelId === channelId);
  }

  /** A thread started from a message shares the message's id. */
  threadOf(messageId: string): FakeChannel | undefined {
    const c = this.channels.get(messageId);
    return c?.type === 'thread' ? c : undefined;
  }

  /** What the person saw privately for an interaction: the last edit of the answer, else the answer. */
  privateReply(token: string): any {
    const edits = this.originalEdits.get(token) ?? [];
    return edits.length > 0 ? edits[edits.length - 1] : this.initial.get(token)?.data;
  }

  private fault(req: FastifyRequest): (Fault & { left: number }) | undefined {
    const path = req.url.split('?')[0]!;
    const f = this.faults.find((x) => x.left > 0 && x.path.test(path) && (!x.method || x.method === req.method));
    if (f) f.left -= 1;
    return f;
  }

  private answerFault(reply: FastifyReply, f: Fault) {
    if (f.status === 429) {
      const s = f.retryAfterSec ?? 0.2;
      return reply
        .code(429)
        .headers({ 'retry-after': String(s), 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': String(s), 'x-ratelimit-bucket': 'fake-bucket', 'x-ratelimit-scope': 'user' })
        .send({ message: 'You are being rate limited.', retry_after: s, global: false });
    }
    const messages: Record<number, string> = { 403: 'Missing Permissions', 404: 'Unknown Channel', 413: 'Request entity too large', 500: 'Internal Server Error' };
    return reply.code(f.status).send({ message: messages[f.status] ?? 'Error', code: f.code ?? (f.status === 403 ? 50013 : 0) });
  }

  private record(req: FastifyRequest, status: number, extra: Partial<RecordedRequest> = {}): void {
    const auth = req.headers.authorization;
    this.requests.push({ method: req.method, path: req.url.split('?')[0]!, status, ...(auth ? { authorization: auth } : {}), multipart: false, files: 0, ...extra });
  }

  private error(reply: FastifyReply, status: number, code: number, message: string, errors?: string[]) {
    if (errors) this.violations.push(...errors);
    return reply.code(status).send({ code, message, ...(errors ? { errors: { _errors: errors.map((e) => ({ code: 'INVALID', message: e })) } } : {}) });
  }

  private botAuthorized(req: FastifyRequest): boolean {
    return [this.opts.token, ...this.opts.otherTokens].some((t) => req.headers.authorization === `Bot ${t}`);
  }

  private routes(): void {
    const app = this.app;
    const v = '/api/v10';

    app.addHook('onRequest', async (req, reply) => {
      if (!req.url.startsWith(v)) return;
      const f = this.fault(req);
      if (f && !f.afterStore) {
        this.record(req, f.status);
        return this.answerFault(reply, f);
      }
      (req as FastifyRequest & { afterFault?: Fault }).afterFault = f;
    });

    app.put<{ Params: { app: string; guild?: string } }>(`${v}/applications/:app/commands`, (req, reply) => this.putCommands(req, reply));
    app.put<{ Params: { app: string; guild?: string } }>(`${v}/applications/:app/guilds/:guild/commands`, (req, reply) => this.putCommands(req, reply));

    // Who the token is, and its application: https://discord.com/developers/docs/resources/user#get-current-user,
    // https://discord.com/developers/docs/resources/application#get-current-application
    app.get(`${v}/users/@me`, async (req, reply) => {
      if (!this.botAuthorized(req)) return this.unauthorized(req, reply);
      this.record(req, 200);
      return reply.send({ id: this.botUserId, username: 'stembot', discriminator: '0', bot: true });
    });
    app.get(`${v}/applications/@me`, async (req, reply) => {
      if (!this.botAuthorized(req)) return this.unauthorized(req, reply);
      this.record(req, 200);
      return reply.send({ id: this.opts.applicationId, name: 'stembot', bot: { id: this.botUserId }, interactions_endpoint_url: this.interactionsEndpointUrl });
    });
    app.get<{ Params: { app: string } }>(`${v}/applications/:app/commands`, (req, reply) => this.listCommands(req, reply, 'global'));
    app.get<{ Params: { app: string; guild: string } }>(`${v}/applications/:app/guilds/:guild/commands`, (req, reply) => this.listCommands(req, reply, req.params.guild));

    // discord.js asks this at every login for the URL to connect its gateway to.
    // https://discord.com/developers/docs/events/gateway#get-gateway-bot
    app.get(`${v}/gateway/bot`, async (req, reply) => {
      if (!this.botAuthorized(req)) return this.unauthorized(req, reply);
      if (!this.gatewayUrl) return this.recorded(req, reply, 503, 0, 'this fake Discord has no gateway: start a FakeGateway and set gatewayUrl');
      this.record(req, 200);
      return reply.send({ url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
    });

    app.post<{ Params: { channel: string } }>(`${v}/channels/:channel/messages`, (req, reply) => this.createMessage(req, reply));

    app.patch<{ Params: { channel: string; message: string } }>(`${v}/channels/:channel/messages/:message`, async (req, reply) => {
      if (!this.botAuthorized(req)) return this.unauthorized(req, reply);
      const m = this.messages.get(req.params.message);
      if (!m || m.channelId !== req.params.channel) return this.recorded(req, reply, 404, 10008, 'Unknown Message');
      const problems = checkMessageBody(req.body, { create: false });
      if (problems.length > 0) return this.recorded(req, reply, 400, 50035, 'Invalid Form Body', problems);
      m.edits.push(req.body);
      const body = req.body as any;
      if (body.embeds) m.embeds = body.embeds;
      if (typeof body.content === 'string') m.content = body.content;
      // As Discord does: a `components` array (empty included) replaces the message's buttons.
      if (Array.isArray(body.components)) m.components = body.components;
      this.record(req, 200, { body: req.body });
      return reply.send(this.view(m));
    });

    app.post<{ Params: { channel: string; message: string } }>(`${v}/channels/:channel/messages/:message/threads`, async (req, reply) => {
      if (!this.botAuthorized(req)) return this.unauthorized(req, reply);
      const channel = this.channels.get(req.params.channel);
      const m = this.messages.get(req.params.message);
      const body = (req.body ?? {}) as { name?: unknown; auto_archive_duration?: unknown };
      if (!channel) return this.recorded(req, reply, 404, 10003, 'Unknown Channel');
      if (!m || m.channelId !== channel.id) return this.recorded(req, reply, 404, 10008, 'Unknown Message');
      const problems: string[] = [];
      if (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > 100) problems.push('thread name must be 1–100 characters');
      if (body.auto_archive_duration !== undefined && ![60, 1440, 4320, 10080].includes(Number(body.auto_archive_duration))) problems.push('auto_archive_duration must be 60, 1440, 4320 or 10080');
      if (problems.length > 0) return this.recorded(req, reply, 400, 50035, 'Invalid Form Body', problems);
      if (channel.threadsForbidden) return this.recorded(req, reply, 403, 50013, 'Missing Permissions');
      if (channel.type !== 'text') return this.recorded(req, reply, 400, 50024, 'Cannot execute action on this channel type');
      if (this.channels.has(m.id)) return this.recorded(req, reply, 400, 160004, 'A thread has already been created for this message');
      const thread = this.addChannel({ id: m.id, type: 'thread', parentId: channel.id, name: body.name as string });
      this.record(req, 201, { body });
      return reply.code(201).send({ id: thread.id, type: 11, parent_id: channel.id, name: thread.name });
    });

    app.post<{ Params: { id: string; token: string } }>(`${v}/interactions/:id/:token/callback`, async (req, reply) => {
      if (!this.tokens.has(req.params.token)) return this.recorded(req, reply, 404, 10062, 'Unknown interaction');
      if (this.initial.has(req.params.token)) return this.recorded(req, reply, 400, 40060, 'Interaction has already been acknowledged');
      this.initial.set(req.params.token, req.body);
      this.record(req, 204, { body: req.body });
      return reply.code(204).send();
    });

    app.patch<{ Params: { app: string; token: string } }>(`${v}/webhooks/:app/:token/messages/@original`, async (req, reply) => {
      if (req.params.app !== this.opts.applicationId || !this.tokens.has(req.params.token)) return this.recorded(req, reply, 404, 10015, 'Unknown Webhook');
      const problems = checkMessageBody(req.body, { create: false });
      if (problems.length > 0) return this.recorded(req, reply, 400, 50035, 'Invalid Form Body', problems);
      const edits = this.originalEdits.get(req.params.token) ?? [];
      edits.push(req.body);
      this.originalEdits.set(req.params.token, edits);
      this.record(req, 200, { body: req.body });
      return reply.send({ id: this.nextId(), ...(req.body as object) });
    });

    app.get('/attachments/*', async (req, reply) => {
      const path = req.url.split('?')[0]!;
      this.attachmentGets.push({ path, ...(req.headers.authorization !== undefined ? { authorization: req.headers.authorization } : {}) });
      const a = this.attachments.get(path);
      if (!a || a.expiresAt < Date.now()) return reply.code(404).type('text/plain').send('This content is no longer available.');
      return reply.type(a.contentType).send(a.bytes);
    });
  }

  private unauthorized(req: FastifyRequest, reply: FastifyReply) {
    return this.recorded(req, reply, 401, 0, '401: Unauthorized');
  }

  private recorded(req: FastifyRequest, reply: FastifyReply, status: number, code: number, message: string, problems?: string[]) {
    this.record(req, status, { body: req.body });
    return this.error(reply, status, code, message, problems);
  }

  /** The bot user's id (the application's bot). */
  get botUserId(): string {
    return `9${this.opts.applicationId}`.slice(0, 20);
  }

  private async listCommands(req: FastifyRequest<{ Params: { app: string } }>, reply: FastifyReply, scope: string) {
    if (!this.botAuthorized(req)) return this.unauthorized(req, reply);
    if (req.params.app !== this.opts.applicationId) return this.recorded(req, reply, 403, 50001, 'Missing Access');
    this.record(req, 200);
    return reply.send(this.registered.get(scope) ?? []);
  }

  private async putCommands(req: FastifyRequest<{ Params: { app: string; guild?: string } }>, reply: FastifyReply) {
    if (!this.botAuthorized(req)) return this.unauthorized(req, reply);
    if (req.params.app !== this.opts.applicationId) return this.recorded(req, reply, 403, 50001, 'Missing Access');
    const body = req.body;
    const problems: string[] = [];
    if (!Array.isArray(body)) problems.push('bulk overwrite takes an array of commands');
    for (const c of Array.isArray(body) ? body : []) {
      if (typeof c.name !== 'string' || !/^[-_\p{L}\p{N}]{1,32}$/u.test(c.name) || c.name !== c.name.toLowerCase()) problems.push(`bad command name ${String(c.name)}`);
      if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 100) problems.push(`/${c.name}: description must be 1–100 characters`);
      const options = Array.isArray(c.options) ? c.options : [];
      if (options.length > 25) problems.push(`/${c.name}: at most 25 options`);
      let optionalSeen = false;
      for (const o of options) {
        if (typeof o.description !== 'string' || o.description.length < 1 || o.description.length > 100) problems.push(`/${c.name} ${o.name}: description must be 1–100 characters`);
        if (o.required && optionalSeen) problems.push(`/${c.name} ${o.name}: required options must come before optional ones`);
        if (!o.required) optionalSeen = true;
        if (o.autocomplete && o.choices?.length) problems.push(`/${c.name} ${o.name}: autocomplete and choices exclude each other`);
        if ((o.choices?.length ?? 0) > 25) problems.push(`/${c.name} ${o.name}: at most 25 choices`);
      }
    }
    if (problems.length > 0) return this.recorded(req, reply, 400, 50035, 'Invalid Form Body', problems);
    this.commandPuts.push({ ...(req.params.guild ? { guildId: req.params.guild } : {}), body: body as any[] });
    this.record(req, 200, { body });
    const saved = (body as any[]).map((c) => ({ ...c, id: this.nextId(), application_id: this.opts.applicationId, version: this.nextId() }));
    this.registered.set(req.params.guild ?? 'global', saved);
    return reply.send(saved);
  }

  private async createMessage(req: FastifyRequest<{ Params: { channel: string } }>, reply: FastifyReply) {
    if (!this.botAuthorized(req)) return this.unauthorized(req, reply);
    let payload: any;
    const files: FakeFile[] = [];
    const isMultipart = req.isMultipart();
    if (isMultipart) {
      const fields = new Map<string, string[]>();
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          const bytes = await part.toBuffer();
          files.push({ field: part.fieldname, filename: part.filename, contentType: part.mimetype, bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
        } else {
          fields.set(part.fieldname, [...(fields.get(part.fieldname) ?? []), String(part.value)]);
        }
      }
      try {
        payload = JSON.parse(fields.get('payload_json')?.[0] ?? 'null');
      } catch {
        payload = null;
      }
      const problems = checkMultipart(fields, files.map((f) => ({ field: f.field, filename: f.filename, bytes: f.bytes.length })), payload);
      if (problems.length > 0) return this.recorded(req, reply, 400, 50035, 'Invalid Form Body', problems);
    } else {
      payload = req.body;
    }
    const record = (status: number) => this.record(req, status, { multipart: isMultipart, body: payload, files: files.length, ...(payload?.nonce !== undefined ? { nonce: payload.nonce } : {}) });
    const channel = this.channels.get(req.params.channel);
    if (!channel) {
      record(404);
      return this.error(reply, 404, 10003, 'Unknown Channel');
    }
    const problems = checkMessageBody(payload, { create: true });
    const empty = !payload?.content && !(payload?.embeds?.length > 0) && files.length === 0 && !(payload?.components?.length > 0);
    if (empty) problems.push('Cannot send an empty message');
    if (problems.length > 0) {
      record(400);
      return this.error(reply, 400, 50035, 'Invalid Form Body', problems);
    }
    const tooBig = files.find((f) => f.bytes.length > this.opts.maxFileBytes);
    if (tooBig) {
      record(413);
      return this.error(reply, 413, 40005, 'Request entity too large');
    }
    // enforce_nonce: a repeat within a few minutes returns the first message instead of posting again.
    const nonceKey = payload.enforce_nonce && payload.nonce !== undefined ? String(payload.nonce) : undefined;
    const first = nonceKey ? this.byNonce.get(nonceKey) : undefined;
    let m = first ? this.messages.get(first) : undefined;
    if (!m) {
      m = {
        id: this.nextId(),
        channelId: channel.id,
        content: payload.content ?? '',
        embeds: payload.embeds ?? [],
        components: payload.components ?? [],
        allowedMentions: payload.allowed_mentions,
        ...(payload.nonce !== undefined ? { nonce: payload.nonce } : {}),
        files,
        edits: [],
      };
      this.messages.set(m.id, m);
      if (nonceKey) this.byNonce.set(nonceKey, m.id);
    }
    const after = (req as FastifyRequest & { afterFault?: Fault }).afterFault;
    if (after) {
      record(after.status);
      return this.answerFault(reply, after);
    }
    record(200);
    return reply.send(this.view(m));
  }

  private view(m: FakeMessage) {
    return {
      id: m.id,
      channel_id: m.channelId,
      content: m.content,
      embeds: m.embeds,
      components: m.components,
      attachments: m.files.map((f, i) => ({ id: String(i), filename: f.filename, size: f.bytes.length })),
      ...(m.nonce !== undefined ? { nonce: m.nonce } : {}),
    };
  }
}
