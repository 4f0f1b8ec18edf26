// Fixed choices the composer offers: the simulator's scenario names. Instrument names for `stem` are Kie's own
// list (src/core/kie-vocabulary.ts), the same one Discord's autocomplete and Slack's modal offer.

/** The simulator's scenarios (src/sim/), shown as one-click demo tricks. */
export const simScenarios = [
  'happy',
  'skip-stages',
  'duplicate',
  'out-of-order',
  'lost-callback',
  'fail-400',
  'fail-402',
  'fail-451',
  'fail-500',
  'big-stems',
] as const;
