// The deliver step against a fake chat platform (a ChatPort written for the test) and a loopback file host.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatLimits, ChatPort, ChatResult, OutgoingMessage } from '../../src/core/ports.js';
import type { Job } from '../../src/core/types.js';
import { deliver } from '../../src/delivery/deliver.js';
import { Downloader } from '../../src/delivery/downloader.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { newJob } from '../contract/job-store.contract.js';

class FakeChat implements ChatPort {
  readonly platform = 'playground' as const;
  posts: { key: string; message: OutgoingMessage; fileBytes: number[] }[] = [];
  failNext: ChatResult<never>[] = [];
  constructor(private readonly lim: ChatLimits) {}
  limits(): ChatLimits { return this.lim; }
  async postStatus() { return { ok: true as const, value: { messageId: 's' } }; }
  async editStatus() { return { ok: true as const, value: undefined }; }
  async openThread() { return { ok: true as const, value: { threadId: 't' } }; }
  async post(_job: Job, _thread: string | null, message: OutgoingMessage, key: string): Promise<ChatResult<{ messageId: string }>> {
    const failure = this.failNext.shift();
    if (failure) return failure;
    this.posts.push({ key, message, fileBytes: (message.files ?? []).map((f) => f.bytes) });
    return { ok: true, value: { messageId: `m${this.posts.length}` } };
  }
}

let server: Server;
let host = '';
let broken = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/flaky.mp3' && broken > 0) {
      broken--;
      return void res.writeHead(503).end();
    }
    // A file host whose redirect cannot even be parsed.
    if (req.url === '/bad-location.mp3') return void res.writeHead(302, { location: 'http://[::1' }).end();
    const size = Number(/(\d+)/.exec(req.url ?? '')?.[1] ?? 1000);
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': size }).end(Buffer.alloc(size, 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function completedJob(store: SqliteJobStore, urls: string[]): Promise<Job> {
  const j = await store.createJob(newJob(), []);
  await store.markSubmitted(j.id, `t-${j.id}`, 1, 10);
  const keys = ['vocal', 'drums', 'bass', 'guitar'];
  await store.applyEvent(j.id, { taskId: `t-${j.id}`, source: 'callback', stage: 'complete', files: urls.map((u, i) => ({ key: keys[i]!, label: keys[i]!, url: u })) }, 2);
  return (await store.getJob(j.id))!;
}

describe('deliver', () => {
  const setup = async () => {
    const store = new SqliteJobStore(':memory:');
    await store.migrate();
    const deps = { store, downloader: new Downloader({ allowHosts: [host], timeoutMs: 5_000 }), now: () => 5, maxStemBytes: 1_000_000, downloadConcurrency: 2 };
    return { store, deps };
  };

  it('GIVEN the platform refuses an attachment batch as too large WHEN delivering THEN the files arrive as links instead', async () => {
    const { store, deps } = await setup();
    const chat = new FakeChat({ maxFileBytes: 10_000, maxFilesPerMessage: 10 });
    chat.failNext.push({ ok: false, code: 'TOO_LARGE' });
    const job = await completedJob(store, [`http://${host}/a-100.mp3`, `http://${host}/b-200.mp3`]);
    expect(await deliver(deps, chat, job, false)).toEqual({ ok: true });
    expect(chat.posts.map((p) => [p.key.endsWith(':links'), p.message.links?.length])).toEqual([[true, 2]]);
    expect((await store.getJob(job.id))!.delivered.map((d) => d.as)).toEqual(['link', 'link']);
  });

  it('GIVEN the second batch fails WHEN the step is retried THEN only the missing batch is posted, under the same key', async () => {
    const { store, deps } = await setup();
    const chat = new FakeChat({ maxFileBytes: 10_000, maxFilesPerMessage: 2 });
    const urls = [100, 200, 300, 400].map((n, i) => `http://${host}/${n}-s${i}.mp3`);
    const job = await completedJob(store, urls);
    // The first post succeeds, the second fails once.
    const original = chat.post.bind(chat);
    let calls = 0;
    chat.post = async (...args) => (++calls === 2 ? { ok: false, code: 'TRANSIENT' } : original(...args));
    const first = await deliver(deps, chat, job, false);
    expect(first).toMatchObject({ ok: false, retry: true });
    expect(chat.posts.map((p) => p.fileBytes)).toEqual([[100, 200]]);
    const retried = await deliver(deps, chat, (await store.getJob(job.id))!, false);
    expect(retried).toEqual({ ok: true });
    expect(chat.posts.map((p) => p.fileBytes)).toEqual([[100, 200], [300, 400]]);
    expect(new Set(chat.posts.map((p) => p.key)).size).toBe(2);
  });

  it('GIVEN a download fails for a passing reason WHEN not the last attempt THEN retry; WHEN the last THEN link it', async () => {
    const { store, deps } = await setup();
    const chat = new FakeChat({ maxFileBytes: 10_000, maxFilesPerMessage: 10 });
    const job = await completedJob(store, [`http://${host}/ok-100.mp3`, `http://${host}/flaky.mp3`]);
    broken = 2;
    expect(await deliver(deps, chat, job, false)).toMatchObject({ ok: false, retry: true, error: 'download failed: drums' });
    expect(chat.posts).toEqual([]);
    expect(await deliver(deps, chat, job, true)).toEqual({ ok: true });
    expect(chat.posts.map((p) => [p.fileBytes, p.message.links?.map((l) => l.url)])).toEqual([
      [[100], undefined],
      [[], [`http://${host}/flaky.mp3`]],
    ]);
    expect(chat.posts[1]!.message.text).toMatch(/could not fetch some files after several tries/);
  });

  it('GIVEN one stem redirects to an unparseable Location WHEN delivered, retried and finally given up on THEN no temp file is ever left, and the other stems arrive', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'stembot-deliver-tmp-'));
    try {
      const store = new SqliteJobStore(':memory:');
      await store.migrate();
      const deps = { store, downloader: new Downloader({ allowHosts: [host], timeoutMs: 5_000, tmpDir: tmp }), now: () => 5, maxStemBytes: 1_000_000, downloadConcurrency: 2 };
      const chat = new FakeChat({ maxFileBytes: 10_000, maxFilesPerMessage: 10 });
      const leftovers = () => readdirSync(tmp);

      // (i) success: every stem attached, nothing left.
      const good = await completedJob(store, [`http://${host}/a-100.mp3`, `http://${host}/b-200.mp3`, `http://${host}/c-300.mp3`]);
      expect(await deliver(deps, chat, good, false)).toEqual({ ok: true });
      expect(leftovers()).toEqual([]);
      expect(chat.posts.map((p) => p.fileBytes)).toEqual([[100, 200, 300]]);

      // (ii) one stem's redirect is broken, the other three download fine; (iii) the step retried like the
      // outbox does, then its last attempt. Not one run may leave a temp folder.
      const job = await completedJob(store, [`http://${host}/a-100.mp3`, `http://${host}/b-200.mp3`, `http://${host}/bad-location.mp3`, `http://${host}/d-400.mp3`]);
      for (let attempt = 1; attempt <= 3; attempt++) {
        const r = await deliver(deps, chat, (await store.getJob(job.id))!, false).catch((e: unknown) => ({ thrown: String(e) }));
        expect(leftovers(), `temp folders after attempt ${attempt}`).toEqual([]);
        expect(r).toEqual({ ok: false, retry: true, error: 'download failed: bass' });
      }
      expect(await deliver(deps, chat, (await store.getJob(job.id))!, true)).toEqual({ ok: true });
      expect(leftovers()).toEqual([]);
      expect(chat.posts.slice(1).map((p) => [p.fileBytes, p.message.links?.map((l) => l.url)])).toEqual([
        [[100, 200, 400], undefined],
        [[], [`http://${host}/bad-location.mp3`]],
      ]);
      await deps.downloader.close();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('GIVEN a download that throws (a bug, not a coded failure) WHEN the others succeeded THEN their temp files are still removed and the step is retried', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'stembot-deliver-throw-'));
    try {
      const store = new SqliteJobStore(':memory:');
      await store.migrate();
      // The real downloader, except that one URL makes it throw, after the other downloads have finished.
      class ThrowingDownloader extends Downloader {
        override async download(url: string, opts: { maxBytes: number }) {
          if (url.includes('throws')) {
            await new Promise((r) => setTimeout(r, 50));
            throw new Error('unexpected');
          }
          return super.download(url, opts);
        }
      }
      const downloader = new ThrowingDownloader({ allowHosts: [host], timeoutMs: 5_000, tmpDir: tmp });
      const deps = { store, downloader, now: () => 5, maxStemBytes: 1_000_000, downloadConcurrency: 4 };
      const chat = new FakeChat({ maxFileBytes: 10_000, maxFilesPerMessage: 10 });
      const job = await completedJob(store, [`http://${host}/a-100.mp3`, `http://${host}/throws.mp3`, `http://${host}/c-300.mp3`]);
      const r = await deliver(deps, chat, job, false).catch((e: unknown) => ({ thrown: String(e) }));
      expect(readdirSync(tmp)).toEqual([]);
      expect(r).toEqual({ ok: false, retry: true, error: 'download failed: unexpected' });
      expect(chat.posts).toEqual([]);
      await downloader.close();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
