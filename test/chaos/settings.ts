// Time scaled down so a chaos run takes a minute or two, with the same mechanisms as production: Kie's
// 20-per-10-s limit becomes 20 per 1 s on both sides, stages play 10× faster, and stembot's retries,
// leases and polls are short enough that a killed process's claimed work is taken up again in seconds.
import type { Tuning } from '../../src/config.js';
import type { StartSimulatorOptions } from '../../src/sim/index.js';

export const simOptions = {
  apiKey: 'chaos-kie-key',
  speed: 10,
  submitPerWindow: 20,
  submitWindowMs: 1_000,
  // Small but real WAV files: the run is about losing and repeating, not about bytes.
  stemBytes: 4_044,
  credits: 1_000_000,
} satisfies StartSimulatorOptions;

export const chaosTuning: Partial<Tuning> = {
  kieSubmitPerWindow: 20,
  kieSubmitWindowMs: 1_000,
  outboxTickMs: 50,
  // A claim held by a killed process is free again after this long.
  outboxLeaseMs: 3_000,
  outboxBaseDelayMs: 100,
  outboxMaxDelayMs: 2_000,
  // A retry budget (~75 s) longer than the whole run's chat faults: an attempt cut short by a SIGKILL still
  // counts, and an `open` that runs out of attempts fails the job (CHAT_UNAVAILABLE) by design — that is
  // stembot giving up on a chat that looks down, not the loss or duplication this run is about.
  outboxMaxAttempts: 40,
  outboxConcurrency: 8,
  pollIntervalMs: 1_000,
  pollTickMs: 100,
  // Callbacks are expected (PUBLIC_URL); a job silent for this long is polled — how lost ones are found.
  callbackGraceMs: 1_500,
  maxActivePerUser: 0,
  maxActivePerWorkspace: 0,
};
