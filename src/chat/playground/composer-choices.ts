// Fixed choices the composer offers: the simulator's scenario names. Instrument names for `stem` are Kie's own
// list (src/core/kie-vocabulary.ts), the same one Discord's autocomplete and Slack's modal offer.
import { scenarioNames } from '../../sim/scenarios.js';

/** The simulator's scenarios, shown as one-click demo tricks: its own list, so none is missing or unknown. */
export const simScenarios = scenarioNames;
