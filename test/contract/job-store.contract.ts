// One JobStore contract, run unchanged against every implementation (sqlite.test.ts, postgres.test.ts).
import { describe, expect, it } from 'vitest';
import type { JobStore, NewJob } from '../../src/core/ports.js';
import type { JobEvent } from '../../src/core/types.js';
import { noCaps } from '../../src/store/caps.js';

let seq = 0;
export function newJob(over: Partial<NewJob> = {}): NewJob {
  seq += 1;
  const id = `job${Date.now().toString(36)}${seq}`;
  return {
    id,
    platform: 'playground',
    workspaceId: 'local',
    channelId: 'c1',
    userId: 'u1',
    userName: 'Ada',
    originMeta: { attachmentLimit: 10485760 },
    kind: 'separate',
    params: { kind: 'separate', mode: 'vocals' },
    input: { type: 'url', url: 'https://example.com/song.mp3', name: 'song.mp3' },
    inputName: 'song.mp3',
    callbackToken: `tok-${id}`,
    createdAt: 1_000,
    ...over,
  };
}

const complete = (taskId: string): JobEvent => ({
  taskId,
  source: 'callback',
  stage: 'complete',
  files: [{ key: 'vocal', label: 'Vocals', url: 'https://x.test/v.mp3' }],
});

/**
 * `open` gives a store on a fresh database; `openTwin(s)` a second, independent handle on the same database
 * (another connection or pool — what a second stembot instance would hold).
 */
export function jobStoreContract(name: string, open: () => Promise<JobStore>, openTwin: (s: JobStore) => Promise<JobStore>) {
  describe(`JobStore contract: ${name}`, () => {
    it('GIVEN a new job WHEN created THEN it is found by id, token and (once submitted) task id', async () => {
      const s = await open();
      const j = await s.createJob(newJob(), ['open', 'submit']);
      expect(j.state).toBe('queued');
      expect((await s.findByToken(j.callbackToken))?.id).toBe(j.id);
      const sub = await s.markSubmitted(j.id, `task-${j.id}`, 2_000, 5_000);
      expect(sub.applied).toBe(true);
      expect((await s.findByTaskId(`task-${j.id}`))?.state).toBe('submitted');
      expect((await s.getJob(j.id))?.originMeta).toEqual({ attachmentLimit: 10485760 });
      await s.close();
    });

    it('GIVEN a submitted job WHEN the same stage arrives twice or late THEN only the first changes anything', async () => {
      const s = await open();
      const j = await s.createJob(newJob({ kind: 'add_vocals', params: { kind: 'add_vocals', prompt: 'p', style: 's', title: 't' } }), ['submit']);
      await s.markSubmitted(j.id, `task-${j.id}`, 2_000, 5_000);
      const first = await s.applyEvent(j.id, { taskId: `task-${j.id}`, source: 'callback', stage: 'first', files: [] }, 3_000);
      expect(first.applied).toBe(true);
      const again = await s.applyEvent(j.id, { taskId: `task-${j.id}`, source: 'callback', stage: 'first', files: [] }, 3_100);
      expect(again).toMatchObject({ applied: false, reason: 'duplicate' });
      const late = await s.applyEvent(j.id, { taskId: `task-${j.id}`, source: 'callback', stage: 'text', files: [] }, 3_200);
      expect(late).toMatchObject({ applied: false, reason: 'stale' });
      const done = await s.applyEvent(j.id, complete(`task-${j.id}`), 4_000);
      expect(done.applied && done.job.state).toBe('complete');
      expect(done.job.finishedAt).toBe(4_000);
      const afterEnd = await s.applyEvent(j.id, { taskId: 'x', source: 'poll', stage: 'failed', code: 'KIE_SERVER_ERROR' }, 5_000);
      expect(afterEnd).toMatchObject({ applied: false, reason: 'terminal' });
      await s.close();
    });

    it('GIVEN outbox work WHEN claimed THEN a job’s items come one at a time, in order, and a lease expires', async () => {
      const s = await open();
      const j = await s.createJob(newJob(), ['open', 'submit']);
      const a = await s.claimOutbox('w1', 10_000, 1_000, 10);
      const mine = a.filter((i) => i.jobId === j.id);
      expect(mine.map((i) => i.kind)).toEqual(['open']);
      expect(mine[0]!.attempts).toBe(1);
      // Another worker sees nothing of this job while the lease holds…
      expect((await s.claimOutbox('w2', 10_500, 1_000, 10)).filter((i) => i.jobId === j.id)).toEqual([]);
      // …and takes the same item over once it lapses (its worker died).
      const b = (await s.claimOutbox('w2', 11_500, 1_000, 10)).filter((i) => i.jobId === j.id);
      expect(b.map((i) => [i.kind, i.attempts])).toEqual([['open', 2]]);
      // A live worker renews its lease; a stale holder's renewal changes nothing.
      await s.extendLease(b[0]!.id, 'w2', 15_000);
      await s.extendLease(b[0]!.id, 'w1', 99_000);
      expect((await s.claimOutbox('w3', 14_000, 1_000, 10)).filter((i) => i.jobId === j.id)).toEqual([]);
      // The dead worker's late completion does not count; the live one's does.
      await s.completeOutbox(b[0]!.id, 'w1');
      expect((await s.claimOutbox('w3', 20_000, 1_000, 10)).filter((i) => i.jobId === j.id).map((i) => i.kind)).toEqual(['open']);
      await s.completeOutbox(b[0]!.id, 'w3');
      const next = (await s.claimOutbox('w3', 30_000, 1_000, 10)).filter((i) => i.jobId === j.id);
      expect(next.map((i) => i.kind)).toEqual(['submit']);
      await s.close();
    });

    it('GIVEN a failed step WHEN released with a retry time THEN it waits; WHEN buried THEN the next item proceeds', async () => {
      const s = await open();
      const j = await s.createJob(newJob(), ['open', 'submit']);
      const [open1] = (await s.claimOutbox('w', 1_000, 60_000, 50)).filter((i) => i.jobId === j.id);
      await s.failOutbox(open1!.id, 'w', 'chat: TRANSIENT', 5_000);
      expect((await s.claimOutbox('w', 4_999, 60_000, 50)).filter((i) => i.jobId === j.id)).toEqual([]);
      const [open2] = (await s.claimOutbox('w', 5_000, 60_000, 50)).filter((i) => i.jobId === j.id);
      expect(open2).toMatchObject({ kind: 'open', attempts: 2, lastError: 'chat: TRANSIENT' });
      await s.failOutbox(open2!.id, 'w', 'chat: FORBIDDEN', null);
      const [sub] = (await s.claimOutbox('w', 6_000, 60_000, 50)).filter((i) => i.jobId === j.id);
      expect(sub?.kind).toBe('submit');
      await s.close();
    });

    it('GIVEN events WHEN applied THEN their outbox work is written with them (status, then deliver or notice)', async () => {
      const s = await open();
      const j = await s.createJob(newJob(), []);
      await s.markSubmitted(j.id, `task-${j.id}`, 1, 1_000_000);
      await s.applyEvent(j.id, complete(`task-${j.id}`), 2);
      const kinds: string[] = [];
      for (let t = 10; t < 20; t++) {
        const got = (await s.claimOutbox('w', t, 60_000, 50)).filter((i) => i.jobId === j.id);
        for (const i of got) (kinds.push(i.kind), await s.completeOutbox(i.id, 'w'));
      }
      expect(kinds).toEqual(['status', 'status', 'deliver']);
      await s.close();
    });

    it('GIVEN a callback WHEN its event is applied THEN the same transaction notes it and pushes the next poll', async () => {
      const s = await open();
      const j = await s.createJob(newJob({ kind: 'add_vocals', params: { kind: 'add_vocals', prompt: 'p', style: 's', title: 't' } }), []);
      await s.markSubmitted(j.id, `task-${j.id}`, 1, 100);
      const text = { taskId: `task-${j.id}`, source: 'callback' as const, stage: 'text' as const, files: [] };
      await s.applyEvent(j.id, text, 200, 90_000);
      expect(await s.getJob(j.id)).toMatchObject({ state: 'text', lastCallbackAt: 200, nextPollAt: 90_000 });
      // A repeated callback changes no state but still counts as a callback.
      expect((await s.applyEvent(j.id, text, 300, 95_000)).applied).toBe(false);
      expect(await s.getJob(j.id)).toMatchObject({ state: 'text', lastCallbackAt: 300, nextPollAt: 95_000 });
      // A finished job is polled no more.
      await s.applyEvent(j.id, { ...complete(`task-${j.id}`) }, 400, 99_000);
      expect(await s.getJob(j.id)).toMatchObject({ state: 'complete', lastCallbackAt: 400, nextPollAt: null });
      await s.close();
    });

    it('GIVEN due polls WHEN two pollers claim THEN each job goes to one of them', async () => {
      const s = await open();
      const j = await s.createJob(newJob(), []);
      await s.markSubmitted(j.id, `task-${j.id}`, 1, 100);
      const a = (await s.claimDuePolls(200, 30_200, 10)).filter((x) => x.id === j.id);
      const b = (await s.claimDuePolls(200, 30_200, 10)).filter((x) => x.id === j.id);
      expect([a.length, b.length]).toEqual([1, 0]);
      await s.applyEvent(j.id, complete(`task-${j.id}`), 300);
      expect((await s.claimDuePolls(10_000_000, 10_030_000, 10)).filter((x) => x.id === j.id)).toEqual([]);
      await s.close();
    });

    it('GIVEN delivered files and caps WHEN recorded THEN they are remembered and active jobs are counted', async () => {
      const s = await open();
      const user = `user-${Math.random()}`;
      const j = await s.createJob(newJob({ userId: user }), []);
      await s.createJob(newJob({ userId: user }), []);
      expect(await s.countActive({ platform: 'playground', userId: user })).toBe(2);
      await s.markSubmitted(j.id, `task-${j.id}`, 1, 100);
      await s.applyEvent(j.id, complete(`task-${j.id}`), 2);
      expect(await s.countActive({ platform: 'playground', userId: user })).toBe(1);
      await s.addDelivered(j.id, [{ key: 'vocal', name: 'song - Vocals.mp3', as: 'attachment', bytes: 10, round: 0, messageId: 'm1' }], 3);
      await s.updateJob(j.id, { threadId: 't1', statusMessageId: 's1', deliveryRound: 1 }, 4);
      const got = await s.getJob(j.id);
      expect(got).toMatchObject({ threadId: 't1', statusMessageId: 's1', deliveryRound: 1 });
      expect(got?.delivered).toEqual([{ key: 'vocal', name: 'song - Vocals.mp3', as: 'attachment', bytes: 10, round: 0, messageId: 'm1' }]);
      expect((await s.listJobsByUser('playground', user, 10)).length).toBe(2);
      expect(await s.ping()).toBe(true);
      await s.close();
    });

    it('GIVEN chat files uploaded for a post WHEN recorded THEN another handle (a restarted instance) reads them back, and a second record replaces the first', async () => {
      const a = await open();
      const b = await openTwin(a);
      const key = `job-x:d0:b${Math.random()}`;
      expect(await b.recordedUploads(key)).toBeUndefined();
      await a.recordUploads(key, 'job-x', [{ id: 'F1', title: 'vocals.wav' }, { id: 'F2', title: 'drums.wav' }], 5);
      expect(await b.recordedUploads(key)).toEqual([{ id: 'F1', title: 'vocals.wav' }, { id: 'F2', title: 'drums.wav' }]);
      await b.recordUploads(key, 'job-x', [{ id: 'F3', title: 'vocals.wav' }], 6);
      expect(await a.recordedUploads(key)).toEqual([{ id: 'F3', title: 'vocals.wav' }]);
      await b.close();
      await a.close();
    });

    it('GIVEN events for 20 jobs at once, one of them for a job that does not exist WHEN applied together THEN every other one is stored and only that one fails', async () => {
      const s = await open();
      const jobs = await Promise.all(Array.from({ length: 20 }, () => s.createJob(newJob(), [])));
      for (const j of jobs) await s.markSubmitted(j.id, `task-${j.id}`, 1, 100);
      const results = await Promise.allSettled([
        ...jobs.slice(0, 10).map((j) => s.applyEvent(j.id, complete(`task-${j.id}`), 2)),
        s.applyEvent('no-such-job', complete('task-none'), 2),
        ...jobs.slice(10).map((j) => s.applyEvent(j.id, { taskId: `task-${j.id}`, source: 'callback', stage: 'first', files: [] }, 2)),
        s.applyEvent(jobs[0]!.id, complete(`task-${jobs[0]!.id}`), 3), // the same stage again, in the same burst
      ]);
      expect(results[10]).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: expect.stringMatching(/no job/) }) });
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
      expect(results[21]).toMatchObject({ status: 'fulfilled', value: { applied: false, reason: 'duplicate' } });
      expect((await Promise.all(jobs.map((j) => s.getJob(j.id)))).map((j) => j?.state)).toEqual([...Array(10).fill('complete'), ...Array(10).fill('first')]);
      // Each applied event queued its outbox work (status, then deliver for the completed ones).
      const claimed = await s.claimOutbox('w', 10, 1_000, 100);
      expect(claimed.map((c) => c.kind).sort()).toEqual(Array(20).fill('status'));
      await s.close();
    });

    it('GIVEN callbacks through intakeCallback WHEN new, repeated, late, foreign or for no job THEN each is applied once, counted, kept or refused with nothing written', async () => {
      const s = await open();
      const j = await s.createJob(newJob(), ['open', 'submit']);
      await s.markSubmitted(j.id, `task-${j.id}`, 2_000, 5_000);
      const depth0 = await s.outboxDepth();
      const cb = (event: JobEvent, now: number, token = j.callbackToken, taskId = `task-${j.id}`) => s.intakeCallback({ token, taskId, event, now, nextPollAt: now + 100_000 });
      const first: JobEvent = { taskId: `task-${j.id}`, source: 'callback', stage: 'first', files: [{ key: 'track-1', label: 'Take 1', url: 'https://x.test/1.mp3' }] };
      const text: JobEvent = { taskId: `task-${j.id}`, source: 'callback', stage: 'text', files: [] };

      expect(await cb(first, 3_000, 'tok-nobody')).toEqual({ ok: false, code: 'unknown_token' });
      expect(await cb(first, 3_000, j.callbackToken, 'someone-elses-task')).toEqual({ ok: false, code: 'task_mismatch' });
      const untouched = (await s.getJob(j.id))!;
      expect([untouched.state, untouched.lastCallbackAt, untouched.nextPollAt, await s.outboxDepth()]).toEqual(['submitted', null, 5_000, depth0]);

      const applied = await cb(first, 3_000);
      expect(applied).toMatchObject({ ok: true, applied: true, from: 'submitted', adopted: false, job: { id: j.id, kind: 'separate', state: 'first', repeatCount: 0, lastRepeatAt: null } });
      expect(await s.outboxDepth()).toBe(depth0 + 1); // status
      const afterFirst = (await s.getJob(j.id))!;
      expect([afterFirst.state, afterFirst.files.map((f) => f.url), afterFirst.lastCallbackAt, afterFirst.nextPollAt]).toEqual(['first', ['https://x.test/1.mp3'], 3_000, 103_000]);

      const again = await cb(first, 3_100);
      expect(again).toMatchObject({ ok: true, applied: false, reason: 'duplicate', job: { state: 'first', repeatCount: 1, lastRepeatAt: 3_100 } });
      const late = await cb(text, 3_200);
      expect(late).toMatchObject({ ok: true, applied: false, reason: 'stale', job: { state: 'first', repeatCount: 1, lastRepeatAt: 3_100 } });
      expect(await s.outboxDepth()).toBe(depth0 + 1);

      const done = await cb(complete(`task-${j.id}`), 4_000);
      expect(done).toMatchObject({ ok: true, applied: true, from: 'first', job: { state: 'complete' } });
      expect(await s.outboxDepth()).toBe(depth0 + 3); // status, deliver
      const finished = (await s.getJob(j.id))!;
      expect([finished.state, finished.finishedAt, finished.nextPollAt, finished.lastCallbackAt]).toEqual(['complete', 4_000, null, 4_000]);

      const afterEnd = await cb(text, 5_000);
      expect(afterEnd).toMatchObject({ ok: true, applied: false, reason: 'terminal', job: { state: 'complete', repeatCount: 2, lastRepeatAt: 5_000 } });
      const last = (await s.getJob(j.id))!;
      expect([last.state, last.files, last.lastCallbackAt, last.nextPollAt, await s.outboxDepth()]).toEqual(['complete', finished.files, 5_000, null, depth0 + 3]);
      await s.close();
    });

    it('GIVEN a queued job whose submission answer was lost WHEN its callback comes THEN the task is adopted and applied in the same call; a job that never got a task refuses it; a cancelled one only records it', async () => {
      const s = await open();
      const lost = await s.createJob(newJob(), ['open', 'submit']);
      const depth0 = await s.outboxDepth();
      const r = await s.intakeCallback({ token: lost.callbackToken, taskId: 'kie-task-9', event: complete('kie-task-9'), now: 2_000, nextPollAt: 9_000 });
      expect(r).toMatchObject({ ok: true, applied: true, adopted: true, from: 'submitted', job: { state: 'complete' } });
      const j = (await s.getJob(lost.id))!;
      expect([j.taskId, j.state, j.submittedAt, await s.outboxDepth()]).toEqual(['kie-task-9', 'complete', 2_000, depth0 + 3]); // status (adopted), status, deliver

      const ended = await s.createJob(newJob(), ['open']);
      await s.applyEvent(ended.id, { taskId: '', source: 'stembot', stage: 'failed', code: 'KIE_UNREACHABLE' }, 3_000);
      const depth1 = await s.outboxDepth();
      expect(await s.intakeCallback({ token: ended.callbackToken, taskId: 'kie-task-10', event: complete('kie-task-10'), now: 4_000, nextPollAt: 9_000 })).toEqual({ ok: false, code: 'not_submitted' });
      const e = (await s.getJob(ended.id))!;
      expect([e.taskId, e.state, e.lastCallbackAt, await s.outboxDepth()]).toEqual([null, 'failed', null, depth1]);

      // Cancelled while its submission was with Kie, and Kie accepted it after all: only the task is recorded.
      const cancelled = await s.createJob(newJob(), ['open', 'submit']);
      await s.cancelJob(cancelled.id, 'u1', 5_000);
      const depth2 = await s.outboxDepth();
      expect(await s.intakeCallback({ token: cancelled.callbackToken, taskId: 'kie-task-11', event: complete('kie-task-11'), now: 6_000, nextPollAt: 9_000 })).toEqual({ ok: false, code: 'cancelled_without_task' });
      const x = (await s.getJob(cancelled.id))!;
      expect([x.taskId, x.state, x.files, x.lastCallbackAt, await s.outboxDepth()]).toEqual(['kie-task-11', 'cancelled', [], null, depth2]);
      await s.close();
    });

    it('GIVEN 20 callbacks in the same moment, one for no job WHEN taken in THEN every other one is committed and the stranger alone is refused', async () => {
      const s = await open();
      const jobs = await Promise.all(Array.from({ length: 20 }, () => s.createJob(newJob(), [])));
      for (const j of jobs) await s.markSubmitted(j.id, `task-${j.id}`, 1, 5);
      const out = await Promise.all([
        ...jobs.map((j) => s.intakeCallback({ token: j.callbackToken, taskId: `task-${j.id}`, event: complete(`task-${j.id}`), now: 2, nextPollAt: 9 })),
        s.intakeCallback({ token: 'tok-stranger', taskId: 'x', event: complete('x'), now: 2, nextPollAt: 9 }),
      ]);
      expect(out.slice(0, 20).every((o) => o.ok && o.applied)).toBe(true);
      expect(out[20]).toEqual({ ok: false, code: 'unknown_token' });
      for (const j of jobs) expect((await s.getJob(j.id))?.state).toBe('complete');
      await s.close();
    });

    it('GIVEN caps of 3 per user and 5 per workspace WHEN 24 jobs are created at once through two handles THEN exactly the caps get through, and room frees when a job ends', async () => {
      const a = await open();
      const b = await openTwin(a);
      const caps = { perUser: 3, perWorkspace: 5 };
      const ws = `ws-${Math.random()}`;
      // 12 simultaneous commands from one person, and 12 from four others in the same workspace.
      const mine = Array.from({ length: 12 }, (_, i) => newJob({ userId: 'ada', workspaceId: ws, id: `cap-ada-${ws}-${i}` }));
      const others = Array.from({ length: 12 }, (_, i) => newJob({ userId: `u${i % 4}`, workspaceId: ws, id: `cap-other-${ws}-${i}` }));
      const outcomes = await Promise.all([...mine, ...others].map((j, i) => (i % 2 ? b : a).createJobWithinCaps(j, ['open'], caps)));
      const accepted = outcomes.flatMap((o) => (o.ok ? [o.job] : []));
      expect(accepted).toHaveLength(5);
      expect(accepted.filter((j) => j.userId === 'ada').length).toBeLessThanOrEqual(3);
      expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.code).sort()).toEqual(
        expect.arrayContaining(['WORKSPACE_CAP']),
      );
      expect(await a.countActive({ platform: 'playground', workspaceId: ws })).toBe(5);
      // A refused create wrote nothing: no job, no outbox item.
      for (const [i, o] of outcomes.entries()) if (!o.ok) expect(await b.getJob([...mine, ...others][i]!.id)).toBeUndefined();

      // The user cap on its own, across workspaces: 3 of 8 simultaneous commands from one person.
      const solo = `solo-${Math.random()}`;
      const spread = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).createJobWithinCaps(newJob({ userId: solo, workspaceId: `w${i}` }), ['open'], caps)),
      );
      expect(spread.filter((o) => o.ok)).toHaveLength(3);
      expect(spread.filter((o) => !o.ok).every((o) => !o.ok && o.code === 'USER_CAP')).toBe(true);

      // A finished job makes room for the next.
      const done = spread.find((o) => o.ok)!;
      if (!done.ok) throw new Error('unreachable');
      await a.markSubmitted(done.job.id, `task-${done.job.id}`, 1, 100);
      await a.applyEvent(done.job.id, complete(`task-${done.job.id}`), 2);
      expect((await b.createJobWithinCaps(newJob({ userId: solo, workspaceId: 'w9' }), ['open'], caps)).ok).toBe(true);
      expect(await b.createJobWithinCaps(newJob({ userId: solo, workspaceId: 'w10' }), ['open'], caps)).toEqual({ ok: false, code: 'USER_CAP' });
      await b.close();
      await a.close();
    });

    it('notes: shared between handles on the same database, replaced when set again, gone after their expiry', async () => {
      const a = await open();
      const b = await openTwin(a);
      const key = `note-${Math.random()}`;
      expect(await a.getNote(key, 0)).toBeUndefined();
      await a.setNote(key, 'first', 1_000);
      expect(await b.getNote(key, 999)).toBe('first');
      expect(await b.getNote(key, 1_000)).toBeUndefined();
      await b.setNote(key, 'second', 5_000);
      expect(await a.getNote(key, 1_000)).toBe('second');
      expect(await a.getNote(`${key}-other`, 1_000)).toBeUndefined();
      await b.close();
      await a.close();
    });

    it('GIVEN a daily budget of 100 per person and a monthly one of 200 per server WHEN jobs costing 30 and 50 are created at once through two handles THEN exactly the budgets get through, and a refusal says what was used', async () => {
      const a = await open();
      const b = await openTwin(a);
      const ws = `ws-budget-${Math.random()}`;
      const budgets = { userDaily: 100, serverMonthly: 0, dayStart: 500, monthStart: 0 };
      // Spent yesterday (before dayStart) does not count today.
      await a.createJobWithinCaps(newJob({ userId: 'bea', workspaceId: ws, cost: 90, createdAt: 100 }), ['open'], noCaps, budgets);
      const tries = Array.from({ length: 10 }, () => newJob({ userId: 'bea', workspaceId: ws, cost: 30 }));
      const outcomes = await Promise.all(tries.map((j, i) => (i % 2 ? b : a).createJobWithinCaps(j, ['open'], noCaps, budgets)));
      expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
      const refused = outcomes.filter((o) => !o.ok);
      expect(refused).toHaveLength(7);
      for (const r of refused) expect(r).toEqual({ ok: false, code: 'USER_BUDGET', used: 90, limit: 100 });
      expect(await b.spent({ platform: 'playground', userId: 'bea', since: 500 })).toBe(90);
      // A refused create wrote nothing.
      for (const [i, o] of outcomes.entries()) if (!o.ok) expect(await b.getJob(tries[i]!.id)).toBeUndefined();

      // The server's monthly budget across four people: 4 jobs of 50 fit in 200, not a fifth.
      const server = { userDaily: 0, serverMonthly: 200, dayStart: 500, monthStart: 0 };
      const ws2 = `ws-month-${Math.random()}`;
      const many = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).createJobWithinCaps(newJob({ userId: `p${i % 4}`, workspaceId: ws2, cost: 50 }), ['open'], noCaps, server)),
      );
      expect(many.filter((o) => o.ok)).toHaveLength(4);
      expect(many.filter((o) => !o.ok).every((o) => !o.ok && o.code === 'SERVER_BUDGET' && o.used === 200 && o.limit === 200)).toBe(true);
      expect(await a.spent({ platform: 'playground', workspaceId: ws2, since: 0 })).toBe(200);
      await b.close();
      await a.close();
    });

    it('GIVEN budgeted jobs WHEN one fails before Kie accepted it, one is cancelled while queued and one is cancelled after submission THEN only the first two give their credits back', async () => {
      const s = await open();
      const ws = `ws-release-${Math.random()}`;
      const budgets = { userDaily: 100, serverMonthly: 0, dayStart: 0, monthStart: 0 };
      const create = (cost: number) => s.createJobWithinCaps(newJob({ userId: 'cy', workspaceId: ws, cost }), ['open', 'submit'], noCaps, budgets);
      const [failed, queued, sent] = await Promise.all([create(40), create(30), create(30)]);
      if (!failed!.ok || !queued!.ok || !sent!.ok) throw new Error('all three fit the budget');
      expect((await create(1)).ok).toBe(false);
      const spentNow = () => s.spent({ platform: 'playground', userId: 'cy', since: 0 });
      expect(await spentNow()).toBe(100);

      await s.applyEvent(failed.job.id, { taskId: '', source: 'stembot', stage: 'failed', code: 'UPLOAD_FAILED' }, 5);
      expect(await spentNow()).toBe(60);
      const c1 = await s.cancelJob(queued.job.id, 'Ada', 6);
      expect(c1).toMatchObject({ applied: true, from: 'queued', job: { state: 'cancelled', cancelledBy: 'Ada', finishedAt: 6, taskId: null } });
      expect(await spentNow()).toBe(30);
      await s.markSubmitted(sent.job.id, 'task-sent', 7, 100);
      const c2 = await s.cancelJob(sent.job.id, 'Mod', 8);
      expect(c2).toMatchObject({ applied: true, from: 'submitted', job: { state: 'cancelled', nextPollAt: null } });
      // Kie charges at submission: the submitted job's 30 stay spent.
      expect(await spentNow()).toBe(30);
      expect((await create(70)).ok).toBe(true);
      expect(await create(1)).toEqual({ ok: false, code: 'USER_BUDGET', used: 100, limit: 100 });
      await s.close();
    });

    it('GIVEN a cancelled job WHEN a callback, a poll pass or a second cancel comes THEN nothing changes, and it no longer counts as active', async () => {
      const s = await open();
      const job = await s.createJob(newJob({ cost: 10 }), ['open']);
      await s.markSubmitted(job.id, `task-${job.id}`, 2, 5);
      const cancelled = await s.cancelJob(job.id, 'Ada', 3);
      expect(cancelled.applied).toBe(true);
      const late = await s.applyEvent(job.id, complete(`task-${job.id}`), 4, 1_000);
      expect(late).toMatchObject({ applied: false, reason: 'terminal', job: { state: 'cancelled' } });
      expect((await s.getJob(job.id))!).toMatchObject({ state: 'cancelled', files: [], nextPollAt: null });
      expect((await s.claimDuePolls(10_000, 20_000, 10)).map((j) => j.id)).not.toContain(job.id);
      expect(await s.cancelJob(job.id, 'Bo', 5)).toMatchObject({ applied: false, reason: 'terminal' });
      expect(await s.countActive({ platform: 'playground', userId: 'u1' })).toBe(0);
      // Its outbox: open, then one status for the submission and one for the cancel; no deliver.
      const kinds: string[] = [];
      for (let i = 0; i < 5; i++) {
        const [item] = await s.claimOutbox('w', 10_000 + i, 1_000, 1);
        if (!item) break;
        kinds.push(item.kind);
        await s.completeOutbox(item.id, 'w');
      }
      expect(kinds).toEqual(['open', 'status', 'status']);
      await s.close();
    });

    it('GIVEN a notice key WHEN two instances claim it at once THEN exactly one gets it, and queued jobs list oldest first', async () => {
      const a = await open();
      const b = await openTwin(a);
      const key = `low_balance:${Math.random()}`;
      const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).claimNotice(key, i)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await a.claimNotice(`${key}:next-day`, 9)).toBe(true);

      const first = await a.createJob(newJob({ createdAt: 10 }), ['open']);
      const second = await a.createJob(newJob({ createdAt: 20 }), ['open']);
      const sent = await a.createJob(newJob({ createdAt: 5 }), ['open']);
      await a.markSubmitted(sent.id, `task-${sent.id}`, 30, 100);
      const ids = (await b.listQueued(100)).map((j) => j.id);
      expect(ids.indexOf(first.id)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
      expect(ids).not.toContain(sent.id);
      await b.close();
      await a.close();
    });
  });
}
