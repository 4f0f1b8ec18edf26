// A Kie port for suites that exercise only the intake (callbacks arrive; nothing is submitted, uploaded or
// polled for real): every call answers as an unreachable Kie would, so a stray submission fails loudly.
import type { KiePort } from '../../src/core/ports.js';
import { fail, ok } from '../../src/core/types.js';

export function unreachableKie(label = 'test stub'): KiePort {
  return {
    submit: async () => fail('KIE_UNREACHABLE', label),
    uploadFile: async () => fail('UPLOAD_FAILED', label),
    poll: async () => ok(null),
    credits: async () => ok(0),
  };
}
