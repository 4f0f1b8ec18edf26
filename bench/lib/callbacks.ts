// Kie callbacks for the intake benchmarks: the current split_stem payload (test/fixtures/kie/), one per
// job, signed as Kie signs them. Half the requests go to a job not called back yet, half repeat a job
// already called back (Kie "may call back more than once"), so both the applying and the duplicate path
// of stembot's intake are measured. The stream counts what it actually sent: once every job has been called
// back, "new" requests can only be repeats, and a fast server would silently be measured on the cheaper
// path (with 20,000 jobs that happened above ~3,600 req/s) — so give it enough jobs (`jobsFor`) and report
// the mix achieved.
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

/** The requests a stream sent: `fresh` went to a job not called back before, `repeats` to one that was. */
export interface Mix {
  sent: number;
  fresh: number;
  repeats: number;
  /** Share of fresh requests (0.5 intended). */
  freshShare: number;
  /** Every job was called back before the stream ended: the mix drifted towards repeats. */
  ranOutOfJobs: boolean;
}

/** Jobs enough for a half-fresh mix at `rps` for `seconds` (twice the need, and never fewer than 80,000). */
export function jobsFor(rps: number, seconds: number): number {
  return Math.max(80_000, Math.ceil(rps * seconds));
}

const built = new WeakMap<JobSpec[], Map<number, CallbackRequest>>();

/** A generator of callback requests, shared by every connection. */
export function callbackStream(jobs: JobSpec[], hmacKey: string): { next(): CallbackRequest; mix(): Mix } {
  const template = JSON.parse(readFileSync(fixture, 'utf8')) as { data: { task_id: string } };
  const ts = String(Math.floor(Date.now() / 1000));
  // Built once per job and shared by every stream over the same jobs (the targets of one comparison).
  let cache = built.get(jobs);
  if (!cache) built.set(jobs, (cache = new Map()));
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
      cache!.set(k, r);
    }
    return r;
  };
  let repeats = 0;
  return {
    next() {
      const repeat = i++ % 2 === 1 && cursor > 0;
      if (!repeat && cursor < jobs.length) return build(cursor++);
      repeats++;
      return build(Math.floor(Math.random() * Math.max(1, cursor)));
    },
    mix: () => ({ sent: i, fresh: cursor, repeats, freshShare: i === 0 ? 0 : Math.round((cursor / i) * 1000) / 1000, ranOutOfJobs: cursor >= jobs.length }),
  };
}
