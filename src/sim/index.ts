// Public surface of the Kie simulator (see README.md in this folder).
export { simulatorPlugin, type SimulatorPluginOptions } from './plugin.js';
export { buildSimulator, startSimulator, type BuildSimulatorOptions, type StartSimulatorOptions, type RunningSimulator } from './server.js';
export { createSimulatorControl, type SimulatorControl, type SimTaskView, type SimulatorStats } from './control.js';
export { simDefaults, type SimulatorOptions, type SimulatorSettings, type TaskKind, type SetTimer } from './options.js';
export {
  scenarioNames,
  failureMessages,
  stageDelaysMs,
  type ScenarioName,
  type ScenarioInput,
  type ScenarioStep,
  type ScriptSpec,
  type InfoKey,
} from './scenarios.js';
export type { CallbackLogEntry } from './callbacks.js';
export type { CallbackBody } from './payloads.js';
export type { UploadRecord } from './uploads.js';
export { webhookSignature, signatureHeaders } from './signature.js';
export { wavHeader, wavStream, wavBytesFor, wavTotalBytes, wavDurationSec, seedFrom, WAV_HEADER_BYTES, type WavSpec } from './wav.js';
export { stemKeyFor, stemKeysFor, splitStems, separateVocalStems } from './stems.js';
