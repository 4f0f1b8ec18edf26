// Kie callbacks for the intake benchmarks: the current split_stem payload (test/fixtures/kie/), one per
// job, signed as Kie signs them. Half the requests go to a job not called back yet, half repeat a job
// already called back (Kie "may call back more than once"), so both the applying and the duplicate path
// of stembot's intake are measured.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { signWebhook } from '../../src/kie/signature.js';

export interface JobSpec {
  token: string;
  taskId: string;
}

const fixture = fileURLToPath(new URL('../../test/fixtures/kie/separation-current-split-stem.json', import.meta.url));

export function jobSpecs(n: number): JobSpec[] {
  return Array.from({ length: n }, () => ({ token: randomBytes(24).toString('base64url'), taskId: randomBytes(16).toString('hex') }));
}

export interface CallbackRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
}

/** A generator of callback requests, shared by every connection. */
export function callbackStream(jobs: JobSpec[], hmacKey: string): { next(): CallbackRequest; fresh(): number } {
  const template = JSON.parse(readFileSync(fixture, 'utf8')) as { data: { task_id: string } };
  const ts = String(Math.floor(Date.now() / 1000));
  const cache = new Map<number, CallbackRequest>();
  let cursor = 0;
  let i = 0;
  const build = (k: number): CallbackRequest => {
    let r = cache.get(k);
    if (!r) {
      const job = jobs[k]!;
      template.data.task_id = job.taskId;
      r = {
        path: `/callbacks/kie/${job.token}`,
        body: JSON.stringify(template),
        headers: { 'content-type': 'application/json', 'x-webhook-timestamp': ts, 'x-webhook-signature': signWebhook(hmacKey, job.taskId, Number(ts)) },
      };
      cache.set(k, r);
    }
    return r;
  };
  return {
    next() {
      const repeat = i++ % 2 === 1 && cursor > 0;
      const k = repeat || cursor >= jobs.length ? Math.floor(Math.random() * Math.max(1, cursor)) : cursor++;
      return build(k);
    },
    fresh: () => cursor,
  };
}
