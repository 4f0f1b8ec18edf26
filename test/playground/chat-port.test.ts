import { appendFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlaygroundChat } from '../../src/chat/playground/chat-port.js';
import type { PlaygroundChange } from '../../src/chat/playground/message.js';
import type { StatusView } from '../../src/core/ports.js';
import type { Command } from '../../src/core/types.js';
import { jobFrom, tempDir, wav } from './fixtures.js';

const command: Command = {
  origin: { platform: 'playground', workspaceId: 'local', channelId: 'playground', userId: 'playground-user', userName: 'Ada' },
  input: { type: 'url', url: 'https://example.com/River.mp3', name: 'River.mp3' },
  params: { kind: 'separate', mode: 'vocals' },
};
const job = jobFrom(command, 'job-1', 1_000);
const view = (state: StatusView['state'], stageLine: string): StatusView => ({
  jobId: job.id,
  title: 'Stem separation · vocals + instrumental',
  inputName: 'River.mp3',
  requester: { userId: job.userId, userName: job.userName },
  state,
  steps: [
    { label: 'Queued', state: state === 'queued' ? 'current' : 'done' },
    { label: 'Complete', state: state === 'complete' ? 'done' : 'todo' },
  ],
  stageLine,
  elapsedMs: 0,
});

describe('PlaygroundChat', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let now: number;
  const clock = { now: () => now };
  const open = (maxFileBytes = 1024 * 1024) => new PlaygroundChat({ dataDir: dir.path, maxFileBytes, clock });
  const tempFile = async (name: string, bytes: Buffer) => {
    const path = join(dir.path, `tmp-${name}`);
    await writeFile(path, bytes);
    return { path, name, bytes: bytes.length, mimeType: 'audio/wav' };
  };

  beforeEach(async () => {
    dir = await tempDir();
    now = 1_000;
  });
  afterEach(() => dir.remove());

  it('GIVEN a job WHEN its status is posted, threaded, edited and a stem posted THEN the channel shows the card, its thread and the file', async () => {
    const chat = open();
    const status = await chat.postStatus(job, view('queued', 'Queued'));
    expect(status.ok).toBe(true);
    const statusId = status.ok ? status.value.messageId : '';
    const thread = await chat.openThread(job, statusId, 'Stem separation: River.mp3');
    const threadId = thread.ok ? thread.value.threadId : '';
    now = 5_000;
    expect((await chat.editStatus(job, statusId, view('complete', 'Done'))).ok).toBe(true);
    const stem = wav();
    const file = await tempFile('Vocals.wav', stem);
    const posted = await chat.post(job, threadId, { text: 'Stems for River.mp3:', files: [file], links: [{ label: 'Drums', url: 'https://kie.example/d.mp3' }] }, 'k1');
    expect(posted.ok).toBe(true);

    const [card, reply] = chat.messages();
    expect(card).toMatchObject({ kind: 'status', jobId: 'job-1', text: 'Stem separation · vocals + instrumental — Done', editedAt: 5_000 });
    expect(card!.status!.state).toBe('complete');
    expect(card!.thread).toEqual({ id: threadId, name: 'Stem separation: River.mp3' });
    expect(reply).toMatchObject({ kind: 'message', threadId, text: 'Stems for River.mp3:', links: [{ label: 'Drums', url: 'https://kie.example/d.mp3' }] });
    expect(reply!.files).toEqual([{ name: 'Vocals.wav', bytes: stem.length, mimeType: 'audio/wav', url: `/playground/files/${reply!.id}/Vocals.wav` }]);
    // The caller deletes its temp file right after `post`: the channel kept its own copy, byte for byte.
    await rm(file.path);
    const stored = chat.file(reply!.id, 'Vocals.wav')!;
    expect(await readFile(stored.path)).toEqual(stem);
  });

  it('GIVEN a post already made WHEN it is retried with the same key, before and after a restart, THEN it shows once', async () => {
    const chat = open();
    const first = await chat.post(job, null, { text: 'hello' }, 'same-key');
    const again = await chat.post(job, null, { text: 'hello' }, 'same-key');
    expect(again).toEqual(first);

    const restarted = open();
    const afterRestart = await restarted.post(job, null, { text: 'hello' }, 'same-key');
    expect(afterRestart).toEqual(first);
    expect(restarted.messages().map((m) => m.text)).toEqual(['hello']);
  });

  it('GIVEN a channel with an edited card and a thread WHEN the playground restarts THEN everything is still there', async () => {
    const chat = open();
    const status = await chat.postStatus(job, view('queued', 'Queued'));
    const id = status.ok ? status.value.messageId : '';
    await chat.openThread(job, id, 'thread');
    await chat.editStatus(job, id, view('complete', 'Done'));
    await chat.post(job, `t-${id}`, { text: 'Stems', files: [await tempFile('a.wav', wav())] }, 'files');

    const restarted = open();
    expect(restarted.messages()).toEqual(chat.messages());
    // The thread is still known, so posting into it keeps working.
    expect((await restarted.post(job, `t-${id}`, { text: 'more' }, 'more')).ok).toBe(true);
  });

  it('GIVEN a log of 3 cards edited 400 times WHEN the playground restarts THEN the log is rewritten as one line per message, and the channel and its keys are unchanged', async () => {
    const chat = open();
    const jobs = ['a', 'b', 'c'].map((k) => jobFrom(command, `job-${k}`, 1_000));
    const ids: string[] = [];
    for (const j of jobs) {
      const s = await chat.postStatus(j, view('queued', 'Queued'));
      ids.push(s.ok ? s.value.messageId : '');
      await chat.openThread(j, ids.at(-1)!, `thread ${j.id}`);
    }
    for (let i = 0; i < 400; i++) await chat.editStatus(jobs[i % 3]!, ids[i % 3]!, view('submitted', `Step ${i}`));
    await chat.post(jobs[0]!, `t-${ids[0]}`, { text: 'Stems', files: [await tempFile('a.wav', wav())] }, 'files-a');
    const logPath = join(dir.path, 'playground', 'messages.jsonl');
    const lines = async () => (await readFile(logPath, 'utf8')).split('\n').filter(Boolean).length;
    expect(await lines()).toBe(3 + 3 + 400 + 1);

    const restarted = open();
    expect(await lines()).toBe(4);
    expect(restarted.messages()).toEqual(chat.messages());
    expect(restarted.messages().map((m) => m.text).slice(0, 3)).toEqual(expect.arrayContaining([expect.stringContaining('Step 399')]));
    // Idempotency keys survive compaction: a retried post and a retried status card show once.
    expect((await restarted.post(jobs[0]!, `t-${ids[0]}`, { text: 'Stems', files: [] }, 'files-a')).ok).toBe(true);
    expect((await restarted.postStatus(jobs[1]!, view('complete', 'Done'))).ok).toBe(true);
    expect(restarted.messages()).toHaveLength(4);
    // A second restart reads the compacted log plus what came after, and leaves it alone.
    const again = open();
    expect(again.messages()).toEqual(restarted.messages());
    expect(await lines()).toBe(5);
  });

  it('GIVEN a retried postStatus for the same job THEN there is one status card showing the newer view', async () => {
    const chat = open();
    const a = await chat.postStatus(job, view('queued', 'Queued'));
    const b = await chat.postStatus(job, view('complete', 'Done'));
    expect(b).toEqual(a);
    expect(chat.messages()).toHaveLength(1);
    expect(chat.messages()[0]!.status!.stageLine).toBe('Done');
    expect(open().messages()).toHaveLength(1);
  });

  it('GIVEN a file larger than the limit WHEN posted THEN TOO_LARGE and nothing shows', async () => {
    const chat = open(100);
    const result = await chat.post(job, null, { text: 'big', files: [await tempFile('big.wav', Buffer.alloc(101))] }, 'big');
    expect(result).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(chat.messages()).toEqual([]);
    await expect(stat(join(dir.path, 'playground', 'files'))).rejects.toThrow();
    expect(chat.limits(job)).toEqual({ maxFileBytes: 100, maxFilesPerMessage: 10 });
  });

  it('GIVEN hostile or clashing file names WHEN posted THEN they are stored as safe, distinct names inside the message folder', async () => {
    const chat = open();
    const files = [await tempFile('x1', Buffer.from('one')), await tempFile('x2', Buffer.from('two')), await tempFile('x3', Buffer.from('3'))];
    files[0]!.name = '../../etc/passwd';
    files[1]!.name = 'passwd';
    files[2]!.name = '..';
    const posted = await chat.post(job, null, { text: 'names', files }, 'names');
    const message = chat.messages()[0]!;
    expect(message.files.map((f) => f.name)).toEqual(['passwd', 'passwd-2', 'audio']);
    expect(await readdir(join(dir.path, 'playground', 'files', posted.ok ? posted.value.messageId : ''))).toEqual(['audio', 'passwd', 'passwd-2']);
    expect(chat.file(message.id, '../../etc/passwd')).toBeUndefined();
  });

  it('GIVEN unknown ids WHEN editing or posting into a thread THEN NOT_FOUND', async () => {
    const chat = open();
    expect(await chat.editStatus(job, 'nope', view('queued', 'x'))).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await chat.openThread(job, 'nope', 'x')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await chat.post(job, 't-nope', { text: 'x' }, 'x')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('GIVEN a subscriber WHEN messages are posted and edited THEN it hears each change until it unsubscribes', async () => {
    const chat = open();
    const heard: PlaygroundChange[] = [];
    const unsubscribe = chat.subscribe((c) => heard.push(c));
    const status = await chat.postStatus(job, view('queued', 'Queued'));
    await chat.editStatus(job, status.ok ? status.value.messageId : '', view('complete', 'Done'));
    unsubscribe();
    await chat.post(job, null, { text: 'unheard' }, 'u');
    expect(heard.map((c) => [c.type, c.message.text, c.message.rev])).toEqual([
      ['post', 'Stem separation · vocals + instrumental — Queued', 1],
      ['edit', 'Stem separation · vocals + instrumental — Done', 2],
    ]);
  });

  it('GIVEN a log whose last line was torn by a crash WHEN the playground restarts THEN earlier messages survive and new ones append cleanly', async () => {
    await open().post(job, null, { text: 'before the crash' }, 'a');
    await appendFile(join(dir.path, 'playground', 'messages.jsonl'), '{"type":"post","mess');
    const restarted = open();
    await restarted.post(job, null, { text: 'after the crash' }, 'b');
    expect(open().messages().map((m) => m.text)).toEqual(['before the crash', 'after the crash']);
  });
});
