// A chat server on 127.0.0.1 that speaks the part of Discord's REST API stembot's delivery needs: create a
// message (JSON, or multipart `payload_json` + `files[n]`), edit it, start a thread from it. With
// `honourNonces` it keeps Discord's `enforce_nonce` promise (a repeated nonce returns the first message,
// nothing new is shown); without it, it behaves like Slack's chat.postMessage, which has no such key.
// `/slack/api/…` speaks Slack's Web API instead, for the real SlackChat (fake-slack-routes.ts).
// Its records are the ground truth of the chaos run and the delivery benchmark: what a person would see.
// https://discord.com/developers/docs/resources/message#create-message
import type { AddressInfo } from 'node:net';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { slackRoutes } from './fake-slack-routes.js';
import { FaultSchedule } from './chat-faults.js';

export interface ChatFile {
  name: string;
  bytes: number;
}
export interface ChatMessage {
  id: string;
  channelId: string;
  content: string;
  /** The state the status card shows now (`embeds[0].footer.text`), when it is one. */
  status?: string;
  nonce?: string;
  files: ChatFile[];
  edits: number;
  /** When the last byte of the message's body had arrived (ms since epoch). */
  receivedAt: number;
}

type Payload = { content?: string; embeds?: { footer?: { text?: string } }[]; nonce?: string; enforce_nonce?: boolean };

export class FakeChatServer {
  readonly messages: ChatMessage[] = [];
  /** Thread id → the channel it was opened in (a thread started from a message shares the message's id). */
  readonly threads = new Map<string, string>();
  readonly faults = new FaultSchedule();
  /** Requests answered with an injected fault, by kind. */
  readonly faultsServed: Record<string, number> = {};
  private readonly byNonce = new Map<string, ChatMessage>();
  readonly byId = new Map<string, ChatMessage>();
  private nextId = 1_000_000;
  private app = Fastify({ bodyLimit: 1024 * 1024 });
  url = '';

  constructor(readonly honourNonces: boolean) {}

  async start(): Promise<this> {
    await this.app.register(multipart, { limits: { fileSize: 64 * 1024 * 1024, files: 10, fieldSize: 1024 * 1024 } });
    this.app.post<{ Params: { ch: string } }>('/api/channels/:ch/messages', (req, reply) => this.create(req, reply, req.params.ch));
    this.app.patch<{ Params: { ch: string; id: string } }>('/api/channels/:ch/messages/:id', async (req, reply) => {
      const m = this.byId.get(req.params.id);
      if (!m || m.channelId !== req.params.ch) return reply.code(404).send({ code: 10008, message: 'Unknown Message' });
      if (this.fault(reply, 'edit')) return reply;
      m.edits++;
      const status = (req.body as Payload).embeds?.[0]?.footer?.text;
      if (status !== undefined) m.status = status;
      return { id: m.id };
    });
    this.app.post<{ Params: { ch: string; id: string } }>('/api/channels/:ch/messages/:id/threads', async (req, reply) => {
      if (!this.byId.has(req.params.id)) return reply.code(404).send({ code: 10008, message: 'Unknown Message' });
      if (this.fault(reply, 'thread')) return reply;
      if (this.threads.has(req.params.id)) return reply.code(400).send({ code: 160004, message: 'A thread has already been created for this message' });
      this.threads.set(req.params.id, req.params.ch);
      return { id: req.params.id, type: 11, parent_id: req.params.ch };
    });
    this.app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));
    this.app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: 64 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    slackRoutes(this.app, { faults: this.faults, faultsServed: this.faultsServed, byId: this.byId, record: (m) => (this.messages.push(m), this.byId.set(m.id, m)) }, () => this.url.replace(/\/api$/, ''));
    await this.app.listen({ host: '127.0.0.1', port: 0 });
    this.url = `http://127.0.0.1:${(this.app.server.address() as AddressInfo).port}/api`;
    return this;
  }

  /** The channel a message was posted in, seen through its thread. */
  rootChannel(channelId: string): string {
    return this.threads.get(channelId) ?? channelId;
  }

  close(): Promise<void> {
    return this.app.close();
  }

  /** A burst in progress answers 500, or 429 with Retry-After, before doing anything. */
  private fault(reply: FastifyReply, what: string): boolean {
    const f = this.faults.current();
    if (f.kind !== '500' && f.kind !== '429') return false;
    this.faultsServed[`${what}:${f.kind}`] = (this.faultsServed[`${what}:${f.kind}`] ?? 0) + 1;
    if (f.kind === '429') void reply.code(429).header('retry-after', String(f.retryAfterSec)).send({ message: 'You are being rate limited.', retry_after: f.retryAfterSec, global: false });
    else void reply.code(500).send({ message: '500: Internal Server Error', code: 0 });
    return true;
  }

  private async create(req: FastifyRequest, reply: FastifyReply, channelId: string) {
    if (this.fault(reply, 'post')) return reply;
    const files: ChatFile[] = [];
    let payload: Payload = {};
    if (req.isMultipart()) {
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          let bytes = 0;
          for await (const chunk of part.file) bytes += (chunk as Buffer).length;
          files.push({ name: part.filename, bytes });
        } else if (part.fieldname === 'payload_json') payload = JSON.parse(String(part.value)) as Payload;
      }
    } else payload = (req.body ?? {}) as Payload;
    const nonce = typeof payload.nonce === 'string' ? payload.nonce : undefined;
    const first = nonce && payload.enforce_nonce && this.honourNonces ? this.byNonce.get(nonce) : undefined;
    const message = first ?? this.record(channelId, payload, files, nonce);
    // "The post succeeded but its answer was lost": the message stands, the caller never hears of it.
    if (this.faults.current().kind === 'drop') {
      this.faultsServed['post:drop'] = (this.faultsServed['post:drop'] ?? 0) + 1;
      reply.hijack();
      reply.raw.destroy();
      return reply;
    }
    return { id: message.id, channel_id: message.channelId, nonce };
  }

  private record(channelId: string, payload: Payload, files: ChatFile[], nonce: string | undefined): ChatMessage {
    const status = payload.embeds?.[0]?.footer?.text;
    const message: ChatMessage = {
      id: String(this.nextId++),
      channelId,
      content: payload.content ?? '',
      ...(status !== undefined ? { status } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
      files,
      edits: 0,
      receivedAt: Date.now(),
    };
    this.messages.push(message);
    this.byId.set(message.id, message);
    if (nonce && !this.byNonce.has(nonce)) this.byNonce.set(nonce, message);
    return message;
  }
}
