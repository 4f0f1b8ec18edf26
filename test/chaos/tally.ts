// Counts, from the fake chat server's own records, what every job's requester saw — checked against what
// Kie (the simulator) really did. A job's deliverables are: its status card showing the final stage, and
// then each stem / track (complete) or the one failure notice (failed). Lost = a deliverable never shown;
// duplicated = one shown more than once (a second status card, a stem posted twice, two failure notices).
import type { Job } from '../../src/core/types.js';
import type { SimTaskView } from '../../src/sim/index.js';
import type { ChatMessage } from '../fakes/chat-server.js';

export interface Tally {
  jobs: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Of `duplicated`: stems / tracks shown more than once (the rest are status cards and failure notices). */
  duplicatedFiles: number;
  /** Jobs whose final state differs from Kie's truth, or that never finished. */
  wrongOutcome: number;
  /** Kie tasks no job points to: a submission repeated after a kill (Kie has no idempotency key). */
  orphanTasks: number;
  /** One line per job with a loss or a duplicate, for the log. */
  problems: string[];
}

// `**X failed**` on Discord, `*X failed*` once converted to Slack's mrkdwn.
const isFailureNotice = (m: ChatMessage) => / failed\*\*?/.test(m.content);
const linkNames = (m: ChatMessage) => m.content.split('\n').flatMap((l) => /^(.+\.[a-z0-9]{2,4}): https?:\/\//i.exec(l)?.[1] ?? []);

export function tally(refs: string[], jobs: Map<string, Job>, tasks: SimTaskView[], messages: ChatMessage[], rootOf: (channel: string) => string): Tally {
  const t: Tally = { jobs: refs.length, expected: 0, delivered: 0, lost: 0, duplicated: 0, duplicatedFiles: 0, wrongOutcome: 0, orphanTasks: 0, problems: [] };
  const byRef = new Map<string, ChatMessage[]>();
  for (const m of messages) {
    const ref = rootOf(m.channelId);
    byRef.set(ref, [...(byRef.get(ref) ?? []), m]);
  }
  const taskById = new Map(tasks.map((task) => [task.taskId, task]));
  const used = new Set<string>();
  for (const ref of refs) {
    const job = jobs.get(ref);
    const task = job?.taskId ? taskById.get(job.taskId) : undefined;
    if (task) used.add(task.taskId);
    const seen = byRef.get(ref) ?? [];
    const truth = !task ? 'unsubmitted' : task.failure ? 'failed' : task.progress === 'complete' ? 'complete' : 'unfinished';
    const files = truth === 'complete' ? task!.files.filter((f) => !f.empty).length : 0;
    const expected = 1 + (truth === 'failed' ? 1 : files);
    t.expected += expected;
    const wrong = !job || job.state !== truth;
    if (wrong) t.wrongOutcome++;

    const cards = seen.filter((m) => m.status !== undefined);
    const card = cards.find((m) => m.id === job?.statusMessageId);
    const names = seen.flatMap((m) => [...m.files.map((f) => f.name), ...linkNames(m)]);
    const distinct = new Set(names).size;
    const notices = seen.filter(isFailureNotice).length;
    const got = (card && !wrong && card.status === job!.state ? 1 : 0) + Math.min(distinct, files) + (truth === 'failed' ? Math.min(notices, 1) : 0);
    const dup = Math.max(0, cards.length - 1) + (names.length - distinct) + Math.max(0, notices - 1);
    t.delivered += got;
    t.lost += expected - got;
    t.duplicated += dup;
    t.duplicatedFiles += names.length - distinct;
    if (expected - got > 0 || dup > 0) {
      t.problems.push(`${ref}: job ${job?.id ?? '-'} ${job?.state ?? 'missing'}${job?.failure ? ` ${job.failure.code} ${job.failure.detail ?? ''}` : ''} (Kie: ${truth}), cards ${cards.length} (${card?.status ?? 'none'}), files ${distinct}/${files} in ${names.length} posts, notices ${notices}`);
    }
  }
  t.orphanTasks = tasks.filter((task) => !used.has(task.taskId)).length;
  return t;
}
