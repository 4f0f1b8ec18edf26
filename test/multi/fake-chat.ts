// A fake chat platform on 127.0.0.1 that several stembot processes post to. It records every request and
// dedupes posts by idempotency key the way Discord's `enforce_nonce` does: a second post with a key already
// seen creates nothing and answers the first message. What a person would see is `messages`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatFile {
  name: string;
  bytes: number;
  /** First bytes of the file, base64: enough to tell a real WAV (`RIFF`) from anything else. */
  head: string;
}

export interface ChatMessage {
  id: string;
  key: string;
  jobId: string;
  instance: string;
  kind: 'status' | 'message';
  threadId: string | null;
  text: string;
  files: ChatFile[];
  /** Status messages: the job state shown, first as posted, then after each edit. */
  states: string[];
  thread: string | null;
  at: number;
}

/** Every post request, including those deduped (`duplicate`). */
export interface PostAttempt {
  key: string;
  jobId: string;
  instance: string;
  duplicate: boolean;
  at: number;
}

export interface FakeChat {
  url: string;
  messages: ChatMessage[];
  attempts: PostAttempt[];
  /** Runs when a post arrives, before it is answered (the test kills an instance here). */
  onPost?: (attempt: PostAttempt) => void | Promise<void>;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return JSON.parse(body) as Record<string, unknown>;
}

export async function startFakeChat(): Promise<FakeChat> {
  const byKey = new Map<string, ChatMessage>();
  const byId = new Map<string, ChatMessage>();
  let seq = 0;
  const chat: FakeChat = { url: '', messages: [], attempts: [], close: async () => {} };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const body = await readJson(req);
    const [, , id, sub] = (req.url ?? '').split('/'); // /messages[/:id[/thread]]
    if (req.method === 'POST' && !id) {
      const key = String(body.key);
      const attempt: PostAttempt = { key, jobId: String(body.jobId), instance: String(body.instance), duplicate: byKey.has(key), at: Date.now() };
      chat.attempts.push(attempt);
      const seen = byKey.get(key);
      if (!seen) {
        const message: ChatMessage = {
          id: `m${++seq}`,
          key,
          jobId: attempt.jobId,
          instance: attempt.instance,
          kind: body.kind === 'status' ? 'status' : 'message',
          threadId: (body.threadId as string | null) ?? null,
          text: String(body.text ?? ''),
          files: (body.files as ChatFile[] | undefined) ?? [],
          states: body.state ? [String(body.state)] : [],
          thread: null,
          at: attempt.at,
        };
        byKey.set(key, message);
        byId.set(message.id, message);
        chat.messages.push(message);
      }
      await chat.onPost?.(attempt);
      return send(200, { id: byKey.get(key)!.id });
    }
    const message = id ? byId.get(id) : undefined;
    if (!message) return send(404, { error: 'unknown message' });
    if (req.method === 'PATCH' && !sub) {
      if (message.states.at(-1) !== body.state) message.states.push(String(body.state));
      return send(200, { id });
    }
    if (req.method === 'POST' && sub === 'thread') {
      message.thread ??= `t-${message.id}`; // one thread per message, as on Discord
      return send(200, { threadId: message.thread });
    }
    return send(404, { error: 'no such route' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  chat.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  chat.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return chat;
}
