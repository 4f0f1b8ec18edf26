// The chaos run, small enough for every `npm test`: 40 jobs of all kinds, 3 SIGKILLs of the stembot process,
// chat failing in bursts (500, 429, answers dropped after the post went through). `npm run test:chaos` is
// the full 300-job run.
import { describe, expect, it } from 'vitest';
import { runChaos } from './run-chaos.js';

describe('chaos: stembot killed and restarted while Kie and the chat misbehave', () => {
  it('GIVEN 40 jobs, 3 SIGKILLs and a chat that honours nonces WHEN the run settles THEN every stage reached the chat exactly once', async () => {
    const r = await runChaos({ jobs: 40, kills: 3, honourNonces: true, deadlineMs: 100_000 });
    expect({ seed: r.seed, finished: r.finished, kills: r.kills, problems: r.problems.slice(0, 5) }).toEqual({ seed: r.seed, finished: true, kills: 3, problems: [] });
    expect(r.delivered).toBe(r.expected);
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(r.wrongOutcome).toBe(0);
  }, 150_000);
});
