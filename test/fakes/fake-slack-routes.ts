// The chaos chat server's Slack face: the part of Slack's Web API that stembot's real SlackChat uses
// (chat.postMessage, chat.update, the external upload flow, files.info with `shares`), failing in the same
// bursts as the Discord face: 500 / 429 before anything happens, or the call applied and its answer dropped
// (chat.postMessage and files.completeUploadExternal). Messages land in the server's common records, so the
// same tally counts what a person would see. Shapes: docs/slack-uploads.md, docs/chat-platforms.md.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ChatMessage } from './chat-server.js';
import type { FaultSchedule } from './chat-faults.js';

interface SlackFile {
  name: string;
  length: number;
  received: number;
  shares: { channel: string; ts: string; threadTs?: string }[];
}

export interface SlackFace {
  faults: FaultSchedule;
  faultsServed: Record<string, number>;
  record(m: ChatMessage): void;
  byId: Map<string, ChatMessage>;
}

/** The state a status card shows, read from its fallback text ("<title> — <stage line>"), as a person reads it. */
const stageLines: [RegExp, string][] = [
  [/ — Queued — /, 'queued'],
  [/ — Kie is /, 'submitted'],
  [/ — Lyrics and arrangement ready/, 'text'],
  [/ — First take ready/, 'first'],
  [/ — Done — /, 'complete'],
  [/ — Failed — /, 'failed'],
];
const stateOf = (text: string) => stageLines.find(([re]) => re.test(text))?.[1];

export function slackRoutes(app: FastifyInstance, face: SlackFace, base: () => string): void {
  const files = new Map<string, SlackFile>();
  let seq = 0;
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;

  const fault = (reply: FastifyReply, what: string): boolean => {
    const f = face.faults.current();
    if (f.kind !== '500' && f.kind !== '429') return false;
    face.faultsServed[`${what}:${f.kind}`] = (face.faultsServed[`${what}:${f.kind}`] ?? 0) + 1;
    if (f.kind === '429') void reply.code(429).header('retry-after', String(f.retryAfterSec)).send({ ok: false, error: 'ratelimited' });
    else void reply.code(500).send('upstream trouble');
    return true;
  };
  /** The call was applied; its answer is lost when a "drop" burst is on. */
  const answer = (reply: FastifyReply, what: string, body: Record<string, unknown>) => {
    if (face.faults.current().kind === 'drop') {
      face.faultsServed[`${what}:drop`] = (face.faultsServed[`${what}:drop`] ?? 0) + 1;
      reply.hijack();
      reply.raw.destroy();
      return reply;
    }
    return body;
  };

  app.post<{ Params: { method: string } }>('/slack/api/:method', async (req, reply) => {
    const a = (req.body ?? {}) as Record<string, string>;
    switch (req.params.method) {
      case 'chat.postMessage': {
        if (fault(reply, 'post')) return reply;
        const ts = nextTs();
        const text = String(a.text ?? '');
        const channelId = String(a.channel);
        const status = a.thread_ts ? undefined : stateOf(text);
        face.record({ id: ts, channelId, content: text, ...(status !== undefined ? { status } : {}), files: [], edits: 0, receivedAt: Date.now() });
        return answer(reply, 'post', { ok: true, channel: channelId, ts });
      }
      case 'chat.update': {
        const m = face.byId.get(String(a.ts));
        if (!m || m.channelId !== a.channel) return { ok: false, error: 'message_not_found' };
        if (fault(reply, 'edit')) return reply;
        m.edits++;
        const status = stateOf(String(a.text ?? ''));
        if (status !== undefined) m.status = status;
        return { ok: true, channel: m.channelId, ts: m.id };
      }
      case 'files.getUploadURLExternal': {
        if (fault(reply, 'upload')) return reply;
        const id = `F${++seq}`;
        files.set(id, { name: String(a.filename), length: Number(a.length), received: -1, shares: [] });
        return { ok: true, upload_url: `${base()}/slack/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        if (fault(reply, 'share')) return reply;
        const list = JSON.parse(String(a.files ?? '[]')) as { id: string; title?: string }[];
        const found = list.map((f) => files.get(f.id));
        if (found.length === 0 || found.some((f) => !f || f.received !== f.length)) return { ok: false, error: 'file_not_found' };
        const ts = nextTs();
        const channelId = String(a.channel_id);
        const threadTs = a.thread_ts ? String(a.thread_ts) : undefined;
        for (const f of found) f!.shares.push({ channel: channelId, ts, ...(threadTs ? { threadTs } : {}) });
        face.record({ id: ts, channelId, content: String(a.initial_comment ?? ''), files: list.map((f, i) => ({ name: f.title ?? found[i]!.name, bytes: found[i]!.length })), edits: 0, receivedAt: Date.now() });
        return answer(reply, 'share', { ok: true, files: list.map((f) => ({ id: f.id, title: f.title })) });
      }
      case 'files.info': {
        if (fault(reply, 'info')) return reply;
        const f = files.get(String(a.file));
        if (!f) return { ok: false, error: 'file_not_found' };
        const pub: Record<string, Record<string, string>[]> = {};
        for (const s of f.shares) (pub[s.channel] ??= []).push({ ts: s.ts, ...(s.threadTs ? { thread_ts: s.threadTs } : {}), channel_name: s.channel });
        return { ok: true, file: { id: String(a.file), name: f.name, size: f.length, channels: Object.keys(pub), ...(f.shares.length ? { shares: { public: pub } } : {}) } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  });

  app.post<{ Params: { id: string } }>('/slack/upload/:id', async (req, reply) => {
    const f = files.get(req.params.id);
    const body = req.body as Buffer | undefined;
    if (!f || !Buffer.isBuffer(body) || body.length !== f.length) return reply.code(400).send('bad upload');
    f.received = body.length;
    return reply.code(200).send(`OK - ${body.length}`);
  });
}
