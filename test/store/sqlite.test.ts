import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { jobStoreContract } from '../contract/job-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'stembot-store-'));
let n = 0;
jobStoreContract('sqlite', async () => {
  const s = new SqliteJobStore(join(dir, `s${++n}.db`));
  await s.migrate();
  await s.migrate(); // idempotent: a second start applies nothing
  return s;
});
