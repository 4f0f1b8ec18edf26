// Fast clocks for the in-process stacks (test/e2e, test/discord, test/slack harnesses), in one place. They differ
// on purpose, and each suite's timings were tuned against its own object, so they stay three:
// - the playground stack leaves polling for later (60 s) so that callbacks do the work;
// - the Discord stack also polls soon (1 s) and gives callbacks 2 s, so lost-callback paths run fast;
// - the Slack stack only speeds up the worker and the poll tick.
// All three switch off the event-loop-delay shedder: it has its own tests (test/http/), and on a busy shared
// machine it would turn these suites' requests into 503s.
import type { Tuning } from '../../src/config.js';

export const playgroundStackTuning: Partial<Tuning> = {
  pollIntervalMs: 60_000,
  callbackGraceMs: 60_000,
  outboxBaseDelayMs: 20,
  outboxMaxDelayMs: 200,
  outboxTickMs: 20,
  pollTickMs: 50,
  shedEventLoopDelayMs: 0,
};

/** The simulator plays stages at 50× speed, the worker ticks every 20 ms. */
export const discordStackTuning: Partial<Tuning> = {
  outboxTickMs: 20,
  outboxBaseDelayMs: 50,
  outboxMaxDelayMs: 500,
  pollTickMs: 50,
  pollIntervalMs: 1_000,
  callbackGraceMs: 2_000,
  shedEventLoopDelayMs: 0,
};

export const slackStackTuning: Partial<Tuning> = { outboxTickMs: 25, outboxBaseDelayMs: 20, outboxMaxDelayMs: 200, pollTickMs: 100, shedEventLoopDelayMs: 0 };
