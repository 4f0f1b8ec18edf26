// The poller on its own: the real SQLite store, a fake KiePort answering record-info as scripted, and a clock
// the test moves. What a person would see is the job in the store: its state, files and failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KiePort } from '../../src/core/ports.js';
import { Poller } from '../../src/core/poller.js';
import type { JobEvent, JobKind, Result } from '../../src/core/types.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { newJob } from '../contract/job-store.contract.js';

const INTERVAL_MS = 30_000;
const MAX_AGE_MS = 3 * 3_600_000;
const NOT_FOUND_GRACE_MS = 5 * 60_000;
const T0 = 1_800_000_000_000;

type Answer = Result<JobEvent | null>;

/** Kie's record-info as the test scripts it: one answer per task, repeated until changed. */
class FakeKie implements KiePort {
  readonly polls: { kind: JobKind; taskId: string }[] = [];
  readonly answers = new Map<string, Answer>();
  async poll(kind: JobKind, taskId: string): Promise<Answer> {
    this.polls.push({ kind, taskId });
    return this.answers.get(taskId) ?? { ok: true, value: null };
  }
  submit(): never {
    throw new Error('the poller never submits');
  }
  uploadFile(): never {
    throw new Error('the poller never uploads');
  }
  credits(): never {
    throw new Error('the poller never reads the balance');
  }
}

let dir: string;
let store: SqliteJobStore;
let kie: FakeKie;
let now: number;
let outcomes: string[];
let warnings: { obj: object; msg: string }[];
let poller: Poller;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stembot-poller-'));
  store = new SqliteJobStore(join(dir, 'stembot.db'));
  await store.migrate();
  kie = new FakeKie();
  now = T0;
  outcomes = [];
  warnings = [];
  poller = new Poller({
    store,
    kie,
    clock: { now: () => now },
    ingest: (job, event) => store.applyEvent(job.id, event, now),
    intervalMs: INTERVAL_MS,
    maxAgeMs: MAX_AGE_MS,
    taskNotFoundGraceMs: NOT_FOUND_GRACE_MS,
    tickMs: 1_000,
    batch: 10,
    log: { warn: (obj, msg) => warnings.push({ obj, msg }) },
    onPoll: (o) => outcomes.push(o),
  });
});

afterEach(async () => {
  await poller.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A job Kie accepted at `submittedAt`, first due for a poll at `dueAt`. */
async function submittedJob(taskId: string, submittedAt: number, dueAt: number) {
  const job = await store.createJob(newJob({ createdAt: submittedAt }), []);
  await store.markSubmitted(job.id, taskId, submittedAt, dueAt);
  return job.id;
}

const vocals = { key: 'vocal', label: 'Vocals', url: 'https://kie.test/v.mp3' };

describe('Poller', () => {
  it('GIVEN a due job WHEN Kie’s record-info says complete THEN the job completes with Kie’s files, exactly as a callback would', async () => {
    const id = await submittedJob('task-a', T0 - 60_000, T0);
    kie.answers.set('task-a', { ok: true, value: { taskId: 'task-a', source: 'poll', stage: 'complete', files: [vocals] } });

    await poller.tick();

    expect(kie.polls).toEqual([{ kind: 'separate', taskId: 'task-a' }]);
    expect(await store.getJob(id)).toMatchObject({ state: 'complete', files: [vocals], finishedAt: T0, nextPollAt: null });
    expect(outcomes).toEqual(['event']);
  });

  it('GIVEN Kie still working WHEN polled THEN the job stays as it is and is read again only once the interval has passed', async () => {
    const id = await submittedJob('task-b', T0 - 60_000, T0);

    await poller.tick();
    expect(await store.getJob(id)).toMatchObject({ state: 'submitted', nextPollAt: T0 + INTERVAL_MS });
    now = T0 + INTERVAL_MS - 1;
    await poller.tick();
    expect(kie.polls).toHaveLength(1);

    now = T0 + INTERVAL_MS;
    kie.answers.set('task-b', { ok: true, value: { taskId: 'task-b', source: 'poll', stage: 'complete', files: [vocals] } });
    await poller.tick();
    expect(kie.polls).toHaveLength(2);
    expect((await store.getJob(id))?.state).toBe('complete');
    expect(outcomes).toEqual(['pending', 'event']);
  });

  it('GIVEN a job not yet due WHEN the poller ticks THEN Kie is not asked', async () => {
    await submittedJob('task-c', T0, T0 + 120_000);
    await poller.tick();
    expect(kie.polls).toEqual([]);
    expect(outcomes).toEqual([]);
  });

  it('GIVEN Kie unreachable WHEN polled THEN a warning is logged, the job is untouched, and it is tried again next interval', async () => {
    const id = await submittedJob('task-d', T0 - 60_000, T0);
    kie.answers.set('task-d', { ok: false, code: 'KIE_UNREACHABLE', detail: 'connect ECONNREFUSED' });

    await poller.tick();
    expect((await store.getJob(id))?.state).toBe('submitted');
    expect(warnings).toEqual([{ obj: { jobId: id, code: 'KIE_UNREACHABLE', detail: 'connect ECONNREFUSED' }, msg: 'poll failed; will try again' }]);

    now = T0 + INTERVAL_MS;
    await poller.tick();
    expect(kie.polls.map((p) => p.taskId)).toEqual(['task-d', 'task-d']);
    expect(outcomes).toEqual(['error', 'error']);
  });

  it('GIVEN a job older than the polling limit WHEN due THEN it fails with POLL_GAVE_UP without asking Kie', async () => {
    const id = await submittedJob('task-e', T0 - MAX_AGE_MS - 1, T0);
    await poller.tick();
    expect(kie.polls).toEqual([]);
    expect(await store.getJob(id)).toMatchObject({ state: 'failed', failure: { code: 'POLL_GAVE_UP' }, finishedAt: T0 });
    expect(outcomes).toEqual(['gave_up']);
  });

  it('GIVEN Kie does not know a young task THEN the job waits; WHEN the task is past the grace period THEN the job fails with KIE_TASK_NOT_FOUND', async () => {
    const young = await submittedJob('task-young', T0 - 60_000, T0);
    const old = await submittedJob('task-old', T0 - NOT_FOUND_GRACE_MS, T0);
    for (const t of ['task-young', 'task-old']) kie.answers.set(t, { ok: false, code: 'KIE_TASK_NOT_FOUND', detail: 'task not found' });

    await poller.tick();

    expect((await store.getJob(young))?.state).toBe('submitted');
    expect(await store.getJob(old)).toMatchObject({ state: 'failed', failure: { code: 'KIE_TASK_NOT_FOUND', detail: 'task not found' } });
    expect([...outcomes].sort()).toEqual(['error', 'gave_up']);
  });

  it('GIVEN two ticks at once WHEN a job is due THEN they share one pass and Kie is asked once', async () => {
    await submittedJob('task-f', T0 - 60_000, T0);
    await Promise.all([poller.tick(), poller.tick()]);
    expect(kie.polls).toHaveLength(1);
  });

  it('GIVEN a job a callback already moved to "first" WHEN a poll answers the earlier "text" THEN nothing goes backwards', async () => {
    const id = await submittedJob('task-g', T0 - 60_000, T0);
    await store.applyEvent(id, { taskId: 'task-g', source: 'callback', stage: 'first', files: [vocals] }, T0 - 1);
    kie.answers.set('task-g', { ok: true, value: { taskId: 'task-g', source: 'poll', stage: 'text', files: [] } });
    await poller.tick();
    expect(kie.polls).toHaveLength(1);
    expect(await store.getJob(id)).toMatchObject({ state: 'first', files: [vocals] });
  });

  it('GIVEN a job a callback already completed WHEN the poller ticks THEN Kie is not asked about it again', async () => {
    const id = await submittedJob('task-h', T0 - 60_000, T0);
    await store.applyEvent(id, { taskId: 'task-h', source: 'callback', stage: 'complete', files: [vocals] }, T0 - 1);
    await poller.tick();
    expect(kie.polls).toEqual([]);
    expect(await store.getJob(id)).toMatchObject({ state: 'complete', files: [vocals] });
  });
});
