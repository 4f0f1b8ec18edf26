import { afterAll, describe, expect, it } from 'vitest';
import type { OutboxItem, OutboxKind } from '../../src/core/ports.js';
import type { JobEvent } from '../../src/core/types.js';
import { migrations } from '../../src/store/postgres/migrations/index.js';
import type { PostgresJobStore } from '../../src/store/postgres/postgres-store.js';
import { jobStoreContract, newJob } from '../contract/job-store.contract.js';
import { dropSchemas, freshSchema, pgTestUrl, queryIn, storeIn } from './pg-schemas.js';

const url = pgTestUrl;

if (!url) {
  // No silent pass and no skip: a run without a database must say so (CI always sets the variable).
  it('GIVEN no DATABASE_URL_TEST WHEN the Postgres store suite runs THEN it fails and says how to point it at a database', () => {
    expect.fail(
      'DATABASE_URL_TEST is not set, so the Postgres JobStore was not tested. Start PostgreSQL and run with ' +
        'DATABASE_URL_TEST=postgres://postgres@127.0.0.1:5432/test npx vitest run test/store',
    );
  });
} else {
  const instances: PostgresJobStore[] = [];
  /** One "instance" of stembot: its own pool, in `schema`. */
  const instance = (schema: string): PostgresJobStore => {
    const s = storeIn(url, schema);
    instances.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(instances.map((s) => s.close()));
    await dropSchemas(url);
  });

  const schemas = new WeakMap<object, string>();
  jobStoreContract(
    'postgres',
    async () => {
      const schema = freshSchema();
      const s = storeIn(url, schema);
      schemas.set(s, schema);
      await s.migrate();
      await s.migrate(); // idempotent: a second start applies nothing
      return s;
    },
    async (s) => storeIn(url, schemas.get(s)!),
  );

  const NOW = 10_000;
  const complete = (taskId: string): JobEvent => ({ taskId, source: 'callback', stage: 'complete', files: [{ key: 'vocal', label: 'Vocals', url: 'https://x.test/v.mp3' }] });
  const nextTick = () => new Promise<void>((r) => setTimeout(r, 1));

  describe('PostgresJobStore across instances', () => {
    it('GIVEN a fresh schema WHEN two instances migrate at the same moment THEN both succeed and each migration is applied once', async () => {
      const schema = freshSchema();
      const [a, b] = [instance(schema), instance(schema)];
      await Promise.all([a.migrate(), b.migrate()]);
      const rows = await queryIn<{ version: number }>(url, schema, 'SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
      const j = await a.createJob(newJob(), ['open']);
      expect((await b.getJob(j.id))?.state).toBe('queued');
    });

    it('GIVEN 50 jobs × 3 outbox items WHEN two instances claim in loops THEN no job has two items held at once and every item completes exactly once', async () => {
      const schema = freshSchema();
      const [a, b] = [instance(schema), instance(schema)];
      await a.migrate();
      const kinds: OutboxKind[] = ['open', 'submit', 'status'];
      const jobs = await Promise.all(Array.from({ length: 50 }, () => a.createJob(newJob(), kinds)));

      const holder = new Map<string, string>(); // jobId → worker holding one of its items right now
      const clashes: string[] = [];
      const done: (OutboxItem & { worker: string })[] = [];
      const work = async (store: PostgresJobStore, worker: string) => {
        for (;;) {
          const got = await store.claimOutbox(worker, NOW, 60_000, 7);
          if (got.length === 0) {
            if ((await store.outboxDepth()) === 0) return;
            await nextTick(); // the other instance holds what is left
            continue;
          }
          for (const i of got) {
            if (holder.has(i.jobId)) clashes.push(`${worker} got ${i.kind} of ${i.jobId} held by ${holder.get(i.jobId)}`);
            holder.set(i.jobId, worker);
          }
          await Promise.all(
            got.map(async (i) => {
              await nextTick(); // "work", so the other instance claims meanwhile
              // Released before the completion commits: the next item cannot be claimed until it has.
              holder.delete(i.jobId);
              done.push({ ...i, worker });
              await store.completeOutbox(i.id, worker);
            }),
          );
        }
      };
      await Promise.all([work(a, 'w-a'), work(b, 'w-b')]);

      expect(clashes).toEqual([]);
      expect(done.length).toBe(150);
      expect(new Set(done.map((i) => i.id)).size).toBe(150);
      expect(done.every((i) => i.attempts === 1)).toBe(true);
      expect(new Set(done.map((i) => i.worker))).toEqual(new Set(['w-a', 'w-b']));
      for (const j of jobs) expect(done.filter((i) => i.jobId === j.id).map((i) => i.kind)).toEqual(kinds);
      const left = await queryIn<{ n: string }>(url, schema, 'SELECT COUNT(*) AS n FROM outbox WHERE done_at IS NULL OR attempts <> 1');
      expect(left[0]?.n).toBe('0');
    });

    it('GIVEN a submitted job WHEN 20 copies of its complete callback are applied at once on two instances THEN exactly one applies and delivery is enqueued once', async () => {
      const schema = freshSchema();
      const [a, b] = [instance(schema), instance(schema)];
      await a.migrate();
      const j = await a.createJob(newJob(), []);
      await a.markSubmitted(j.id, `task-${j.id}`, 1_000, 5_000);

      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, n) => (n % 2 ? a : b).applyEvent(j.id, complete(`task-${j.id}`), 2_000 + n)));

      expect(outcomes.filter((o) => o.applied).length).toBe(1);
      expect(outcomes.filter((o) => !o.applied).map((o) => !o.applied && o.reason)).toEqual(Array(19).fill('duplicate'));
      const events = await queryIn<{ applied: boolean }>(url, schema, 'SELECT applied FROM job_events WHERE job_id = $1', [j.id]);
      expect([events.length, events.filter((e) => e.applied).length]).toEqual([20, 1]);
      const outbox = await queryIn<{ kind: string }>(url, schema, 'SELECT kind FROM outbox WHERE job_id = $1 ORDER BY id', [j.id]);
      expect(outbox.map((o) => o.kind)).toEqual(['status', 'status', 'deliver']);
      expect((await b.getJob(j.id))?.state).toBe('complete');
    });
  });
}
