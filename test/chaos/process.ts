// The chaos run's stembot process: the shared StembotProcess (test/support/process.ts) started on stembot-entry.ts.
import { fileURLToPath } from 'node:url';
import { StembotProcess as Base } from '../support/process.js';

export const entryPath = fileURLToPath(new URL('./stembot-entry.ts', import.meta.url));

export class StembotProcess extends Base {
  constructor(env: Record<string, string>, o: { entry?: string; readyTimeoutMs?: number } = {}) {
    super(env, { ...o, entry: o.entry ?? entryPath });
  }
}
