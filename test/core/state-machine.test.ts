// The state machine on its own: a job moves only forward (docs/conventions.md). Every store applies events
// through it, so what it allows is what a person can ever see happen to a job.
import { describe, expect, it } from 'vitest';
import { isTerminal, transition } from '../../src/core/state-machine.js';
import type { JobState, Stage } from '../../src/core/types.js';

const states: JobState[] = ['queued', 'submitted', 'text', 'first', 'complete', 'failed', 'cancelled'];
const stages: (Stage | 'submitted')[] = ['submitted', 'text', 'first', 'complete', 'failed'];

describe('transition — forward only', () => {
  it('GIVEN a job in each running state WHEN the next stage arrives THEN it moves there', () => {
    expect(transition('queued', 'submitted')).toEqual({ ok: true, to: 'submitted' });
    expect(transition('submitted', 'text')).toEqual({ ok: true, to: 'text' });
    expect(transition('text', 'first')).toEqual({ ok: true, to: 'first' });
    expect(transition('first', 'complete')).toEqual({ ok: true, to: 'complete' });
  });

  it('GIVEN Kie skips stages WHEN complete arrives straight after submission THEN the job completes', () => {
    expect(transition('submitted', 'complete')).toEqual({ ok: true, to: 'complete' });
    expect(transition('queued', 'first')).toEqual({ ok: true, to: 'first' });
    expect(transition('submitted', 'first')).toEqual({ ok: true, to: 'first' });
  });

  it('GIVEN a running job in any state WHEN a failure arrives THEN it fails', () => {
    for (const from of ['queued', 'submitted', 'text', 'first'] as const) {
      expect(transition(from, 'failed'), from).toEqual({ ok: true, to: 'failed' });
    }
  });

  it('GIVEN a stage already reached WHEN it arrives again THEN it is a duplicate and nothing moves', () => {
    expect(transition('submitted', 'submitted')).toEqual({ ok: false, reason: 'duplicate' });
    expect(transition('text', 'text')).toEqual({ ok: false, reason: 'duplicate' });
    expect(transition('first', 'first')).toEqual({ ok: false, reason: 'duplicate' });
  });

  it('GIVEN a later stage reached WHEN an earlier one arrives late THEN it is stale and nothing moves', () => {
    expect(transition('first', 'text')).toEqual({ ok: false, reason: 'stale' });
    expect(transition('text', 'submitted')).toEqual({ ok: false, reason: 'stale' });
    expect(transition('first', 'submitted')).toEqual({ ok: false, reason: 'stale' });
  });

  it('GIVEN a finished job WHEN its own end arrives again THEN duplicate; WHEN anything else arrives THEN terminal', () => {
    expect(transition('complete', 'complete')).toEqual({ ok: false, reason: 'duplicate' });
    expect(transition('failed', 'failed')).toEqual({ ok: false, reason: 'duplicate' });
    expect(transition('complete', 'failed')).toEqual({ ok: false, reason: 'terminal' });
    expect(transition('failed', 'complete')).toEqual({ ok: false, reason: 'terminal' });
    expect(transition('complete', 'text')).toEqual({ ok: false, reason: 'terminal' });
  });

  it('GIVEN a cancelled job WHEN Kie still reports any stage THEN nothing moves (terminal)', () => {
    for (const stage of stages) expect(transition('cancelled', stage), stage).toEqual({ ok: false, reason: 'terminal' });
  });

  it('GIVEN every state and every stage WHEN a transition is allowed THEN it never goes back and never leaves an end', () => {
    const order: Record<JobState, number> = { queued: 0, submitted: 1, text: 2, first: 3, complete: 4, failed: 4, cancelled: 4 };
    for (const from of states) {
      for (const stage of stages) {
        const t = transition(from, stage);
        if (!t.ok) continue;
        expect(isTerminal(from), `${from} → ${stage}`).toBe(false);
        expect(order[t.to], `${from} → ${stage}`).toBeGreaterThan(order[from]);
      }
    }
  });
});

describe('isTerminal', () => {
  it('GIVEN each state THEN only complete, failed and cancelled are ends', () => {
    expect(states.filter(isTerminal)).toEqual(['complete', 'failed', 'cancelled']);
  });
});
