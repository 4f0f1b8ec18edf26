// A separate process that becomes leader and stays so until killed: the "holder dies" case of leader.test.ts.
// Run as `node --import tsx test/multi/leader-holder.ts` with LEADER_URL and LEADER_KEY set.
import { LeaderLock } from '../../src/cluster/leader.js';

const lock = new LeaderLock({ connectionString: process.env.LEADER_URL!, key: process.env.LEADER_KEY!, retryMs: 200 });
lock.start(
  () => void process.stdout.write('acquired\n'),
  () => void process.stdout.write('lost\n'),
);
// The lock's timer is unref'd; this keeps the process alive until the test kills it.
setInterval(() => undefined, 60_000);
