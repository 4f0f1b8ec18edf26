// `/jobs` and `/job` in the playground over HTTP: only the person's own jobs, behind the password when there
// is one, and the cap refusal listing what is running.
import { afterEach, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/core/messages.js';
import { jobFrom } from './fixtures.js';
import { startPlayground, type Playground } from './harness.js';

const SAME_ORIGIN = { origin: 'http://localhost' };

describe('playground /jobs and /job', () => {
  let pg: Playground;
  afterEach(() => pg.close());
  const command = (body: Record<string, unknown>) => pg.app.inject({ method: 'POST', url: '/playground/api/commands', headers: SAME_ORIGIN, payload: body });

  it('GIVEN two of my jobs and one of someone else THEN /jobs lists mine in words and /job refuses the other', async () => {
    pg = await startPlayground();
    await command({ command: 'separate', url: 'https://example.com/River.mp3' });
    await command({ command: 'add-instrumental', url: 'https://example.com/bed.mp3', tags: 'lofi', title: '[sim:happy] Night Drive' });
    await pg.jobs.settled();
    const other = jobFrom(
      { origin: { platform: 'playground', workspaceId: 'local', channelId: 'playground', userId: 'someone-else', userName: 'Bob' }, input: { type: 'url', url: 'https://e/x.mp3', name: 'x.mp3' }, params: { kind: 'separate', mode: 'vocals' } },
      'job-other',
      0,
    );
    pg.jobs.jobs.set(other.id, other);

    const list = await pg.app.inject({ method: 'GET', url: '/playground/api/jobs' });
    expect(list.statusCode).toBe(200);
    const jobs = list.json().jobs as { id: string; title: string; inputName: string; statusMessageId: string | null }[];
    expect(jobs.map((j) => [j.id, j.title, j.inputName])).toEqual([
      ['job-1', 'Stem separation · vocals + instrumental', 'River.mp3'],
      ['job-2', 'Add instrumental · “Night Drive”', 'bed.mp3'],
    ]);

    const one = await pg.app.inject({ method: 'GET', url: '/playground/api/jobs/job-1' });
    expect(one.json().job).toMatchObject({ id: 'job-1', state: 'complete', canDeliverAgain: true, failure: null });
    const notMine = await pg.app.inject({ method: 'GET', url: '/playground/api/jobs/job-other' });
    expect(notMine.statusCode).toBe(404);
    expect(notMine.json()).toEqual({ code: 'NOT_FOUND', message: 'You have no job `job-other`. /jobs lists yours.' });
  });

  it('GIVEN a password and a job of mine THEN /jobs and /job without the session are refused and show nothing of it; with the session they show it', async () => {
    pg = await startPlayground({ password: 'river-song' });
    const login = await pg.app.inject({ method: 'POST', url: '/playground/api/login', headers: SAME_ORIGIN, payload: { password: 'river-song' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const started = await pg.app.inject({ method: 'POST', url: '/playground/api/commands', headers: { ...SAME_ORIGIN, cookie }, payload: { command: 'separate', url: 'https://example.com/River.mp3' } });
    expect(started.statusCode).toBe(202);
    await pg.jobs.settled();
    for (const url of ['/playground/api/jobs', '/playground/api/jobs/job-1']) {
      const res = await pg.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json(), url).toEqual({ code: 'UNAUTHORIZED', message: 'This playground is protected: enter its password first.' });
      const signedIn = await pg.app.inject({ method: 'GET', url, headers: { cookie } });
      expect(signedIn.statusCode, url).toBe(200);
      expect(signedIn.body, url).toContain('job-1');
    }
  });

  it('GIVEN the cap is reached while a job of mine runs THEN the refusal lists it', async () => {
    pg = await startPlayground();
    const running = jobFrom(
      { origin: { platform: 'playground', workspaceId: 'local', channelId: 'playground', userId: 'playground-user', userName: 'You' }, input: { type: 'url', url: 'https://e/slow.mp3', name: 'slow.mp3' }, params: { kind: 'separate', mode: 'vocals' } },
      'job-slow',
      0,
    );
    pg.jobs.jobs.set(running.id, { ...running, state: 'submitted', taskId: 't1' });
    pg.jobs.refusal = { ok: false, code: 'USER_CAP', message: describeFailure('USER_CAP') };
    const res = await command({ command: 'separate', url: 'https://example.com/one-more.mp3' });
    expect(res.statusCode).toBe(429);
    // The core's sentence as it came (the real core lists the jobs in it: core/cap-message.ts), and the jobs as data.
    expect(res.json().message).toBe(describeFailure('USER_CAP'));
    expect(res.json().running.map((j: { id: string; stageLine: string }) => [j.id, j.stageLine])).toEqual([['job-slow', expect.stringMatching(/^Kie is separating the audio… \(\d+[smh]/)]]);
  });
});
