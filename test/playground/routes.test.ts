import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/core/messages.js';
import { multipart, wav } from './fixtures.js';
import { startPlayground, type Playground } from './harness.js';

// Browsers send the page's Origin on every POST; state-changing requests without it are refused (CSRF).
const SAME_ORIGIN = { origin: 'http://localhost' };
const withOrigin = (form: { payload: Buffer; headers: Record<string, string> }) => ({ ...form, headers: { ...SAME_ORIGIN, ...form.headers } });

describe('playground routes', () => {
  let pg: Playground;
  afterEach(() => pg.close());

  const command = (body: Record<string, unknown>) => pg.app.inject({ method: 'POST', url: '/playground/api/commands', headers: SAME_ORIGIN, payload: body });

  it('GIVEN the playground WHEN the page is asked for THEN it is HTML with a composer, its script and a strict CSP', async () => {
    pg = await startPlayground();
    const page = await pg.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('/add-vocals');
    expect(page.body).toContain('#sim=fail-451');
    const script = await pg.app.inject({ method: 'GET', url: '/playground/app.js' });
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.body).not.toContain('innerHTML');
  });

  it('GIVEN an audio file WHEN /separate is sent as a form THEN the core gets a file input holding exactly those bytes', async () => {
    pg = await startPlayground();
    const song = wav(0.3);
    const form = await multipart({ command: 'separate', mode: 'stems' }, { name: '../My Song?.wav', bytes: song });
    const res = await pg.app.inject({ method: 'POST', url: '/playground/api/commands', ...withOrigin(form) });

    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ jobId: 'job-1', message: 'Started job job-1 — it costs ≈ 10 credits. Follow it in the status card above.' });
    const input = pg.jobs.commands[0]!.input;
    expect(input).toMatchObject({ type: 'file', name: 'My Song_.wav', bytes: song.length, mimeType: 'audio/wav' });
    if (input.type !== 'file') throw new Error('not a file input');
    expect(input.path.startsWith(join(pg.dataDir, 'uploads'))).toBe(true);
    expect(await readFile(input.path)).toEqual(song);
    expect(pg.jobs.commands[0]!.params).toEqual({ kind: 'separate', mode: 'stems' });
    expect(pg.jobs.commands[0]!.origin).toEqual({
      platform: 'playground',
      workspaceId: 'local',
      channelId: 'playground',
      userId: 'playground-user',
      userName: 'You',
    });
  });

  it('GIVEN a URL WHEN /add-vocals is sent as JSON THEN the core gets a url input named after the file and the options', async () => {
    pg = await startPlayground();
    const res = await command({
      command: 'add-vocals',
      url: 'https://example.com/music/River%20Song.mp3#sim=happy',
      prompt: 'a folk song about rivers',
      style: 'Folk',
      title: '[sim:fail-402] River Song',
      vocal_gender: 'f',
      style_weight: '0.65',
      weirdness: 0.2,
      model: 'V5',
    });
    expect(res.statusCode).toBe(202);
    expect(pg.jobs.commands[0]!.input).toEqual({ type: 'url', url: 'https://example.com/music/River%20Song.mp3#sim=happy', name: 'River Song.mp3' });
    expect(pg.jobs.commands[0]!.params).toEqual({
      kind: 'add_vocals',
      prompt: 'a folk song about rivers',
      style: 'Folk',
      title: '[sim:fail-402] River Song',
      vocalGender: 'f',
      styleWeight: 0.65,
      weirdness: 0.2,
      model: 'V5',
    });
  });

  it('GIVEN a task_id and audio_id WHEN /separate single is sent THEN the core gets a Kie track and the stem', async () => {
    pg = await startPlayground();
    const res = await command({ command: 'separate', task_id: 'task-9', audio_id: 'audio-3', mode: 'single', stem: 'Piano' });
    expect(res.statusCode).toBe(202);
    expect(pg.jobs.commands[0]).toMatchObject({
      input: { type: 'kie_track', taskId: 'task-9', audioId: 'audio-3' },
      params: { kind: 'separate', mode: 'single', stem: 'Piano' },
    });
  });

  it.each([
    [{ command: 'add-vocals', url: 'https://e.com/a.mp3', title: 'T' }, 'add-vocals needs prompt and style.'],
    [{ command: 'add-instrumental', url: 'https://e.com/a.mp3' }, 'add-instrumental needs tags and title.'],
    [{ command: 'separate', url: 'https://e.com/a.mp3', mode: 'single' }, 'mode single needs stem: the instrument to extract, e.g. Piano.'],
    [{ command: 'separate' }, 'Which song? Attach an audio file, give a url, or give the task_id and audio_id of a Kie track.'],
    [{ command: 'separate', url: 'https://e.com/a.mp3', task_id: 't', audio_id: 'a' }, 'Give only one song: an audio file, a url, or a Kie track (task_id + audio_id), not several at once.'],
    [{ command: 'separate', task_id: 't' }, 'task_id and audio_id go together: give both to separate a Kie track.'],
    [{ command: 'add-instrumental', task_id: 't', audio_id: 'a', tags: 'x', title: 'y' }, 'add-instrumental takes an audio file or a url, not a Kie track (task_id/audio_id).'],
    [{ command: 'separate', url: 'ftp://e.com/a.mp3' }, 'url must be an http(s) link to an audio file.'],
    [{ command: 'separate', url: 'https://e.com/a.mp3', mode: 'karaoke' }, 'mode must be vocals, stems or single.'],
    [{ command: 'remix', url: 'https://e.com/a.mp3' }, 'command must be separate, add-vocals or add-instrumental.'],
    [{ command: 'add-vocals', url: 'https://e.com/a.mp3', prompt: 'p', style: 's', title: 't', weirdness: '2' }, 'weirdness must be a number from 0 to 1.'],
    [{ command: 'separate', url: 'https://e.com/a.mp3', speed: 'fast' }, 'Unknown option: speed.'],
  ])('GIVEN %j WHEN sent THEN 400 with the sentence %j and no job', async (body, sentence) => {
    pg = await startPlayground();
    const res = await command(body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'INPUT_INVALID', message: sentence });
    expect(pg.jobs.commands).toEqual([]);
  });

  it('GIVEN an invalid form with a file WHEN sent THEN 400 and the upload is not kept', async () => {
    pg = await startPlayground();
    const form = await multipart({ command: 'add-vocals', title: 'T' }, { name: 'song.wav', bytes: wav(0.1) });
    const res = await pg.app.inject({ method: 'POST', url: '/playground/api/commands', ...withOrigin(form) });
    expect(res.json().message).toBe('add-vocals needs prompt and style.');
    expect(await pg.uploads()).toEqual([]);
  });

  it('GIVEN an upload over the cap WHEN sent THEN 413 with the sentence, no job and no file left behind', async () => {
    pg = await startPlayground({ maxUploadBytes: 4096 });
    const form = await multipart({ command: 'separate' }, { name: 'huge.wav', bytes: Buffer.alloc(4097, 1) });
    const res = await pg.app.inject({ method: 'POST', url: '/playground/api/commands', ...withOrigin(form) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ code: 'INPUT_TOO_LARGE', message: describeFailure('INPUT_TOO_LARGE') });
    expect(pg.jobs.commands).toEqual([]);
    expect(await pg.uploads()).toEqual([]);
  });

  it('GIVEN an upload at exactly the cap WHEN sent THEN it is accepted', async () => {
    pg = await startPlayground({ maxUploadBytes: 4096 });
    const form = await multipart({ command: 'separate' }, { name: 'exact.wav', bytes: Buffer.alloc(4096, 1) });
    const res = await pg.app.inject({ method: 'POST', url: '/playground/api/commands', ...withOrigin(form) });
    expect(res.statusCode).toBe(202);
    expect(pg.jobs.commands[0]!.input).toMatchObject({ type: 'file', bytes: 4096 });
  });

  it('GIVEN a body announced far over the cap WHEN sent THEN 413 before it is read', async () => {
    pg = await startPlayground({ maxUploadBytes: 1024 });
    const form = await multipart({ command: 'separate' }, { name: 'huge.wav', bytes: Buffer.alloc(400 * 1024, 1) });
    const res = await pg.app.inject({ method: 'POST', url: '/playground/api/commands', ...withOrigin(form) });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('INPUT_TOO_LARGE');
    expect(await pg.uploads()).toEqual([]);
  });

  it('GIVEN a form cut off in the middle of its file WHEN sent THEN 400 with a sentence and no file left behind', async () => {
    pg = await startPlayground();
    const body = '--xyz\r\nContent-Disposition: form-data; name="command"\r\n\r\nseparate\r\n--xyz\r\n' +
      'Content-Disposition: form-data; name="audio"; filename="a.wav"\r\n\r\nRIFF-and-then-nothing';
    const res = await pg.app.inject({ method: 'POST', url: '/playground/api/commands', headers: { ...SAME_ORIGIN, 'content-type': 'multipart/form-data; boundary=xyz' }, payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('The form could not be read (it was cut off or malformed). Send it again.');
    expect(await pg.uploads()).toEqual([]);
  });

  it('GIVEN a JSON body over 64 KiB WHEN sent THEN 413 with a sentence', async () => {
    pg = await startPlayground();
    const res = await command({ command: 'add-vocals', prompt: 'x'.repeat(70 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ message: 'That request is too large.' });
  });

  it('GIVEN the core refuses (user cap) WHEN a form is sent THEN 429 with its sentence and the upload is deleted', async () => {
    pg = await startPlayground();
    pg.jobs.refusal = { ok: false, code: 'USER_CAP', message: describeFailure('USER_CAP') };
    const form = await multipart({ command: 'separate' }, { name: 'song.wav', bytes: wav(0.1) });
    const res = await pg.app.inject({ method: 'POST', url: '/playground/api/commands', ...withOrigin(form) });
    expect(res.statusCode).toBe(429);
    // No job of this person is running here (the fake core refused on its own): the sentence alone, and no list.
    expect(res.json()).toEqual({ code: 'USER_CAP', message: describeFailure('USER_CAP'), running: [] });
    expect(await pg.uploads()).toEqual([]);
  });

  it('GIVEN a job delivered by the core WHEN the channel and its file are read THEN the card is complete and the file serves its bytes, also in ranges', async () => {
    pg = await startPlayground();
    await command({ command: 'separate', url: 'https://example.com/River.mp3' });
    await pg.jobs.settled();

    const { messages } = (await pg.app.inject({ method: 'GET', url: '/playground/api/messages' })).json();
    expect(messages.map((m: { kind: string }) => m.kind)).toEqual(['status', 'message']);
    expect(messages[0].status.state).toBe('complete');
    const file = messages[1].files[0];
    expect(file).toMatchObject({ name: 'River - Vocals.wav', bytes: pg.stem.length, mimeType: 'audio/wav' });

    const whole = await pg.app.inject({ method: 'GET', url: file.url });
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload).toEqual(pg.stem);
    expect(whole.headers).toMatchObject({
      'content-type': 'audio/wav',
      'content-length': String(pg.stem.length),
      'accept-ranges': 'bytes',
      'content-disposition': `inline; filename="River - Vocals.wav"; filename*=UTF-8''River%20-%20Vocals.wav`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
    });
    const part = await pg.app.inject({ method: 'GET', url: file.url, headers: { range: 'bytes=10-19' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${pg.stem.length}`);
    expect(part.rawPayload).toEqual(pg.stem.subarray(10, 20));
    const beyond = await pg.app.inject({ method: 'GET', url: file.url, headers: { range: `bytes=${pg.stem.length}-` } });
    expect(beyond.statusCode).toBe(416);
    const missing = await pg.app.inject({ method: 'GET', url: `/playground/files/${messages[1].id}/..%2F..%2Fmessages.jsonl` });
    expect(missing.statusCode).toBe(404);
  });

  it('GIVEN delivered results WHEN their buttons are pressed THEN the core is asked to split stems, separate a track of the job (never a forged one) or deliver again', async () => {
    pg = await startPlayground();
    await command({ command: 'separate', url: 'https://example.com/River.mp3' });
    await pg.jobs.settled();
    const press = (action: Record<string, unknown>) => pg.app.inject({ method: 'POST', url: '/playground/api/actions', headers: SAME_ORIGIN, payload: { action } });

    const split = await press({ id: 'split_stems', label: 'Split into 12 stems', jobId: 'job-1' });
    expect(split.statusCode).toBe(202);
    expect(pg.jobs.commands[1]).toMatchObject({ input: { type: 'url', url: 'https://example.com/River.mp3' }, params: { kind: 'separate', mode: 'stems' } });
    // A generated song's take: the track comes from the job's own files and its own Kie task, whatever the
    // request names (the page is not trusted).
    const song = pg.jobs.jobs.get('job-1')!;
    pg.jobs.jobs.set('song-1', {
      ...song,
      id: 'song-1',
      kind: 'add_vocals',
      params: { kind: 'add_vocals', prompt: 'p', style: 's', title: 'River Song' },
      taskId: 'task-song',
      files: [{ key: 'track-1', label: 'River Song', url: 'https://kie.example/take1.mp3', audioId: 'audio-1' }],
    });
    const forged = await press({ id: 'separate_track', label: 'Separate stems', jobId: 'song-1', taskId: 'task-someone-else', audioId: 'audio-999' });
    expect(forged.statusCode).toBe(400);
    expect(forged.json()).toEqual({ code: 'INPUT_INVALID', message: 'That track is not part of this job.' });
    expect(pg.jobs.commands).toHaveLength(2);
    const track = await press({ id: 'separate_track', label: 'Separate stems', jobId: 'song-1', taskId: 'task-someone-else', audioId: 'audio-1' });
    expect(track.json()).toMatchObject({ jobId: 'job-3' });
    expect(pg.jobs.commands[2]).toMatchObject({ input: { type: 'kie_track', taskId: 'task-song', audioId: 'audio-1' }, params: { mode: 'vocals' } });
    expect((await press({ id: 'redeliver', label: 'Deliver again', jobId: 'job-1' })).statusCode).toBe(202);
    expect(pg.jobs.redeliveries).toEqual([{ jobId: 'job-1', userId: 'playground-user' }]);
    const unknown = await press({ id: 'split_stems', label: 'x', jobId: 'job-404' });
    expect(unknown.json()).toEqual({ code: 'NOT_FOUND', message: 'That job is not known here any more.' });
  });
});
