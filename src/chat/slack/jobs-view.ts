// `/jobs` (the caller's recent jobs) and `/job <id>` (one job, with "Deliver again"), as private Block Kit.
import { describeFailure } from '../../core/messages.js';
import { statusView } from '../../core/status-view.js';
import type { Job } from '../../core/types.js';
import { actionsBlock, mrkdwn, type Block } from './blocks.js';
import { escapeText, slackLink, truncate } from './format.js';

const stateMark: Record<Job['state'], string> = {
  queued: ':white_circle:', submitted: ':hourglass_flowing_sand:', text: ':hourglass_flowing_sand:', first: ':hourglass_flowing_sand:', complete: ':white_check_mark:', failed: ':x:', cancelled: ':black_square_for_stop:',
};

/** A link to the job's status message (its thread), when the workspace's domain is known. */
function threadLink(job: Job, teamDomain?: string): string | undefined {
  if (!teamDomain || !job.statusMessageId || !/^\d+\.\d+$/.test(job.statusMessageId)) return undefined;
  return `https://${teamDomain}.slack.com/archives/${job.channelId}/p${job.statusMessageId.replace('.', '')}`;
}

const when = (ms: number) => `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;

export function jobsList(jobs: Job[], now: number, teamDomain?: string): { text: string; blocks: Block[] } {
  if (jobs.length === 0) return { text: 'You have no stembot jobs yet. Start one with `/separate`, `/add-vocals` or `/add-instrumental`.', blocks: [] };
  const lines = jobs.map((j) => {
    const v = statusView(j, now);
    const link = threadLink(j, teamDomain);
    return `${stateMark[j.state]} \`${j.id}\` *${escapeText(v.title)}* — ${escapeText(truncate(j.inputName, 60))} · ${when(j.createdAt)}${link ? ` · ${slackLink(link, 'thread')}` : ''}\n    ${escapeText(v.stageLine)}`;
  });
  const text = `Your recent jobs (newest first). \`/job <id>\` shows one.\n${lines.join('\n')}`;
  return { text: truncate(text, 3000), blocks: [{ type: 'section', text: mrkdwn(truncate(text, 3000)) }] };
}

export function jobDetail(job: Job, now: number, viewerId: string, teamDomain?: string): { text: string; blocks: Block[] } {
  const v = statusView(job, now);
  const link = threadLink(job, teamDomain);
  const lines = [
    `${stateMark[job.state]} *${escapeText(v.title)}* · job \`${job.id}\``,
    `*Input:* ${escapeText(truncate(job.inputName, 200))}`,
    `*Requested by:* ${escapeText(job.userName)} · ${when(job.createdAt)}`,
    `*State:* ${escapeText(v.stageLine)}`,
    ...(job.failure ? [`*What happened:* ${escapeText(describeFailure(job.failure.code, job.failure.detail, job.kind))}`] : []),
    ...(link ? [`*Thread:* ${slackLink(link, 'open the conversation')}`] : []),
    ...(job.files.length ? ['*Files* (Kie’s links last about 14 days):', ...job.files.slice(0, 20).map((f) => `• ${slackLink(f.url, f.label)}`)] : []),
  ];
  const text = truncate(lines.join('\n'), 3000);
  const blocks: Block[] = [{ type: 'section', text: mrkdwn(text) }];
  if (job.state === 'complete' && job.userId === viewerId) {
    blocks.push(actionsBlock([{ id: 'redeliver', label: 'Deliver again', jobId: job.id }]));
  }
  return { text, blocks };
}
