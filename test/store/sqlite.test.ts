import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { jobStoreContract } from '../contract/job-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'stembot-store-'));
let n = 0;
const files = new WeakMap<object, string>();
jobStoreContract(
  'sqlite',
  async () => {
    const file = join(dir, `s${++n}.db`);
    const s = new SqliteJobStore(file);
    files.set(s, file);
    await s.migrate();
    await s.migrate(); // idempotent: a second start applies nothing
    return s;
  },
  async (s) => new SqliteJobStore(files.get(s)!),
);

