// fast-check generators for the callback intake: arbitrary junk, and Kie's own payloads (test/fixtures/kie/)
// mutated — a key removed, a value replaced at any depth, URLs pointed at places stembot must not fetch —
// sent at a real job's token with the job's task id, so mutations reach past the first checks.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const dir = fileURLToPath(new URL('../fixtures/kie/', import.meta.url));
/** Callback bodies only (record-info fixtures are poll answers, not callbacks). */
export const fixtures: Record<string, unknown>[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.includes('record-'))
  .map((f) => JSON.parse(readFileSync(`${dir}${f}`, 'utf8')) as Record<string, unknown>);

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => pathsOf((value as Record<string | number, unknown>)[k], [...prefix, k]))];
}

/** Values Kie never sends but an attacker or a broken proxy might. */
export const nastyValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    '', null, -1, 0, 1e21, 200.5, '200', [], {}, 'http://127.0.0.1:22/x.mp3', 'http://169.254.169.254/latest/meta-data',
    'file:///etc/passwd', 'javascript:alert(1)', 'https://[::1]/a.mp3', 'https://user:pw@example.com/a.mp3', 'ftp://example.com/a.mp3',
    'https://localhost/a.mp3', '\u0000', '__proto__', 'x'.repeat(300), 'failed', 'complete', 'text', 'first',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

type Mutation = { op: 'delete' | 'set'; at: number; value: unknown };
const mutation = fc.record({ op: fc.constantFrom<'delete' | 'set'>('delete', 'set'), at: fc.nat(), value: nastyValue });

function apply(body: Record<string, unknown>, m: Mutation): void {
  const paths = pathsOf(body).filter((p) => p.length > 0);
  if (paths.length === 0) return;
  const path = paths[m.at % paths.length]!;
  let parent = body as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) {
    const next = parent[k];
    if (next === null || typeof next !== 'object') return;
    parent = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (m.op === 'delete') delete parent[last];
  else parent[last] = m.value;
}

/** Any JSON object from `seeds`, with 0–4 mutations (a key removed, a value replaced at any depth). */
export const mutated = <T extends object>(seeds: T[], prepare: (copy: T) => void = () => {}) =>
  fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { maxLength: 4 })).map(([seed, mutations]) => {
    const body = structuredClone(seed);
    prepare(body);
    for (const m of mutations) apply(body as Record<string, unknown>, m);
    return body;
  });

/** A seed payload with its task id set to `taskId` (unless a mutation changes it), mutated, as JSON text. */
export const mutatedFixture = (taskId: string) =>
  mutated(fixtures, (body) => {
    const data = (body as { data?: { task_id?: unknown } }).data;
    if (data && typeof data === 'object') data.task_id = taskId;
  }).map((b) => JSON.stringify(b));

/** Any bytes a client could send as the body. */
export const junkBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('', '{', '{"code":', 'null', '[]', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000\u0001', '{"code":200,"data":{"task_id":"' + 'a'.repeat(200) + '"}}'),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
);

export const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 4, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/json; charset=latin1', 'APPLICATION/JSON', 'application/json, text/plain') },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).filter((s) => !/[\r\n]/.test(s)) },
);

/** A path segment: a token that may exist, a well-formed stranger, or anything at all (percent-encoded). */
export const tokenSegment = (known: string[]) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: 32, maxLength: 32 }) },
    { weight: 2, arbitrary: fc.string({ maxLength: 60 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom('', '..', '..%2F..%2Fhealthz', '%', '%zz', '%00', 'a/b', known[0]! + '?x=1', known[0]! + '%20', ' ' + known[0]!) },
  );

/** `X-Webhook-Timestamp` / `X-Webhook-Signature` as sent: right, stale, garbled or missing. */
export const signatureKind = fc.constantFrom('valid', 'valid', 'stale', 'future', 'garbled', 'missing', 'empty', 'other-task');
export const garbage = fc.string({ maxLength: 60 }).filter((s) => !/[\r\n]/.test(s));
