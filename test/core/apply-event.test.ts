// planEvent on its own: what an accepted event does to a job (state, files, failure, end time, outbox work),
// computed once so every JobStore applies it the same way.
import { describe, expect, it } from 'vitest';
import { planEvent } from '../../src/core/apply-event.js';
import type { Command, Job, JobEvent, ResultFile } from '../../src/core/types.js';
import { jobFromCommand } from '../support/job.js';

const NOW = 1_800_000_000_000;
const command: Command = {
  origin: { platform: 'playground', workspaceId: 'local', channelId: 'c1', userId: 'u1', userName: 'Ada' },
  input: { type: 'url', url: 'https://example.com/song.mp3', name: 'song.mp3' },
  params: { kind: 'add_vocals', prompt: 'a folk song about rivers', style: 'Folk', title: 'River Song' },
};
const job = (over: Partial<Job> = {}): Job => jobFromCommand(command, 'job1', NOW - 60_000, { taskId: 'task1', state: 'submitted', submittedAt: NOW - 50_000, ...over });
const track = (n: number): ResultFile => ({ key: `track-${n}`, label: `River Song ${n}`, url: `https://kie.test/${n}.mp3`, audioId: `a${n}` });
const event = (e: Omit<JobEvent, 'taskId' | 'source'> & Partial<JobEvent>): JobEvent => ({ taskId: 'task1', source: 'callback', ...e }) as JobEvent;

describe('planEvent', () => {
  it('GIVEN a submitted job WHEN "complete" arrives with tracks THEN it completes with those tracks, ends now, and enqueues status + deliver', () => {
    const d = planEvent(job(), event({ stage: 'complete', files: [track(1), track(2)] }), NOW);
    expect(d).toEqual({ ok: true, plan: { to: 'complete', files: [track(1), track(2)], failure: null, finishedAt: NOW, outbox: ['status', 'deliver'] } });
  });

  it('GIVEN a job that had a first take WHEN "complete" arrives THEN the final files replace the partial ones', () => {
    const d = planEvent(job({ state: 'first', files: [track(1)] }), event({ stage: 'complete', files: [track(2), track(3)] }), NOW);
    expect(d.ok && d.plan.files).toEqual([track(2), track(3)]);
  });

  it('GIVEN a submitted job WHEN "first" arrives with a track THEN it moves to first, keeps the track, stays open and only updates the status', () => {
    const d = planEvent(job(), event({ stage: 'first', files: [track(1)] }), NOW);
    expect(d).toEqual({ ok: true, plan: { to: 'first', files: [track(1)], failure: null, finishedAt: null, outbox: ['status'] } });
  });

  it('GIVEN a job with a partial track WHEN a progress stage arrives with no files THEN the track already known is kept', () => {
    const d = planEvent(job({ state: 'text', files: [track(1)] }), event({ stage: 'first', files: [] }), NOW);
    expect(d.ok && d.plan.files).toEqual([track(1)]);
  });

  it('GIVEN a running job WHEN Kie reports a failure THEN it fails with the code, Kie’s code and words and the stage it had reached, and enqueues status + the failure notice', () => {
    const d = planEvent(job({ state: 'text', files: [track(1)] }), event({ stage: 'failed', code: 'KIE_CONTENT_VIOLATION', kieCode: 400, detail: 'content violation' }), NOW);
    expect(d).toEqual({
      ok: true,
      plan: { to: 'failed', files: [track(1)], failure: { code: 'KIE_CONTENT_VIOLATION', kieCode: 400, detail: 'content violation', reached: 'text' }, finishedAt: NOW, outbox: ['status', 'notify_failure'] },
    });
  });

  it('GIVEN a failure without Kie’s code or words (stembot gave up) THEN the failure holds only the code and the stage reached', () => {
    const d = planEvent(job(), event({ source: 'stembot', stage: 'failed', code: 'POLL_GAVE_UP' }), NOW);
    expect(d.ok && d.plan.failure).toEqual({ code: 'POLL_GAVE_UP', reached: 'submitted' });
  });

  it('GIVEN a stage seen before, a late one, or any event after the end THEN nothing is planned and the reason says why', () => {
    expect(planEvent(job({ state: 'first' }), event({ stage: 'first', files: [] }), NOW)).toEqual({ ok: false, reason: 'duplicate' });
    expect(planEvent(job({ state: 'first' }), event({ stage: 'text', files: [] }), NOW)).toEqual({ ok: false, reason: 'stale' });
    expect(planEvent(job({ state: 'complete' }), event({ stage: 'failed', code: 'KIE_SERVER_ERROR' }), NOW)).toEqual({ ok: false, reason: 'terminal' });
    expect(planEvent(job({ state: 'cancelled' }), event({ stage: 'complete', files: [track(1)] }), NOW)).toEqual({ ok: false, reason: 'terminal' });
  });
});
