// Submitting jobs to the instances under test, and reading back what each job showed in the channel.
import { request } from 'undici';
import type { ChatMessage } from './fake-chat.js';

const stateOrder = ['queued', 'submitted', 'text', 'first', 'complete'];

/**
 * Submit job `n` to a random instance; if that one is down, to the next, as a load balancer would. Every
 * eighth job asks for all 12 stems (two messages: Discord takes 10 files at most).
 * A connection refused never reached stembot; a connection cut after the request went out may have created
 * the job on the instance that died before answering (`ambiguous` counts those): a retry elsewhere then makes
 * a second, equally real job, which the caller must expect to see delivered too.
 */
export async function submitJob(instances: { url: string }[], n: number, ambiguous: { count: number } = { count: 0 }): Promise<string> {
  const body = JSON.stringify({ url: `https://songs.example.com/song-${n}.mp3`, mode: n % 8 === 0 ? 'stems' : 'vocals', user: `user-${n % 17}` });
  const order = [...instances].sort(() => Math.random() - 0.5);
  let lastError: unknown;
  for (const { url } of order) {
    try {
      const res = await request(`${url}/test/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
      const answer = (await res.body.json()) as { jobId?: string; message?: string };
      if (res.statusCode === 202 && answer.jobId) return answer.jobId;
      throw new Error(`job ${n} refused: ${res.statusCode} ${answer.message ?? ''}`);
    } catch (err) {
      lastError = err;
      const what = err instanceof Error ? `${err.message} ${(err as { code?: string }).code ?? ''} ${err.name}` : '';
      if (!/ECONNREFUSED|ECONNRESET|other side closed|SocketError/i.test(what)) throw err;
      if (!/ECONNREFUSED/.test(what)) ambiguous.count += 1; // cut after sending: it may have been created
    }
  }
  throw lastError;
}

/**
 * Everything wrong with what the channel shows for these jobs, as sentences (empty = all good): each job
 * has one status card with a thread, its states only move forward and end `complete`, and every file
 * Kie produced arrives exactly once, as a real WAV, with no failure notice.
 */
export function checkDeliveries(jobs: { id: string; state: string; files: { key: string }[] }[], messages: ChatMessage[]): string[] {
  const problems: string[] = [];
  const byJob = new Map<string, ChatMessage[]>();
  for (const m of messages) byJob.set(m.jobId, [...(byJob.get(m.jobId) ?? []), m]);
  for (const job of jobs) {
    const shown = byJob.get(job.id) ?? [];
    const cards = shown.filter((m) => m.kind === 'status');
    if (job.state !== 'complete') problems.push(`${job.id}: state ${job.state}`);
    if (cards.length !== 1) problems.push(`${job.id}: ${cards.length} status cards`);
    const card = cards[0];
    if (card && !card.thread) problems.push(`${job.id}: no thread`);
    const ranks = card?.states.map((s) => stateOrder.indexOf(s)) ?? [];
    if (ranks.some((r, i) => r < 0 || (i > 0 && r <= ranks[i - 1]!))) problems.push(`${job.id}: states ${card?.states.join(' → ')}`);
    if (card && card.states.at(-1) !== 'complete') problems.push(`${job.id}: card ends ${card.states.at(-1)}`);

    const posts = shown.filter((m) => m.kind === 'message');
    if (posts.some((m) => /failed/i.test(m.text))) problems.push(`${job.id}: failure notice`);
    if (card && posts.some((m) => m.threadId !== card.thread)) problems.push(`${job.id}: a post outside its thread`);
    const files = posts.flatMap((m) => m.files);
    const names = files.map((f) => f.name);
    if (files.length !== job.files.length) problems.push(`${job.id}: ${files.length} files shown, Kie made ${job.files.length}`);
    if (new Set(names).size !== names.length) problems.push(`${job.id}: a file shown twice (${names.join(', ')})`);
    if (files.some((f) => !Buffer.from(f.head, 'base64').toString('latin1').startsWith('RIFF'))) problems.push(`${job.id}: a file is not a WAV`);
  }
  return problems;
}
