// The private answers of /jobs and /job: the caller's jobs with their state and links, and one job in full
// with a "Deliver again" button. Rendered as embeds (description ≤ 4096 characters).
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import { describeFailure, kindLabels } from '../../core/messages.js';
import { statusView } from '../../core/status-view.js';
import type { Job, JobState } from '../../core/types.js';
import { encodeAction } from './custom-id.js';
import { discordDefaults as d, discordWebUrl } from './settings.js';
import { escapeMarkdown, linkTarget } from './escape.js';
import { clip } from './render.js';

const stateWords: Record<JobState, string> = {
  queued: '⏳ queued',
  submitted: '⏳ working',
  text: '⏳ lyrics ready',
  first: '⏳ first take ready',
  complete: '✅ complete',
  failed: '❌ failed',
  cancelled: '⏹️ cancelled',
};

const unix = (ms: number) => Math.floor(ms / 1000);

function links(job: Job): string[] {
  const out: string[] = [];
  if (job.statusMessageId) out.push(`[status](${discordWebUrl}/channels/${job.workspaceId}/${job.channelId}/${job.statusMessageId})`);
  if (job.threadId && job.threadId !== job.channelId) out.push(`[thread](${discordWebUrl}/channels/${job.workspaceId}/${job.threadId})`);
  return out;
}

function jobLine(job: Job): string {
  return [`\`${job.id}\``, kindLabels[job.kind], `**${escapeMarkdown(clip(job.inputName, 60))}**`, stateWords[job.state], `<t:${unix(job.createdAt)}:R>`, ...links(job)].join(' · ');
}

export interface ReplyBody {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIButtonComponent>[];
  allowed_mentions: { parse: [] };
}

export function jobsReply(jobs: Job[]): ReplyBody {
  if (jobs.length === 0) return { content: 'You have no stembot jobs yet. Start one with `/separate`.', allowed_mentions: { parse: [] } };
  let description = '';
  for (const job of jobs) {
    const line = `${jobLine(job)}\n`;
    if (description.length + line.length > d.maxEmbedDescriptionChars) break;
    description += line;
  }
  return {
    embeds: [{ title: 'Your recent jobs', description: description.trimEnd(), footer: { text: '/job id:<id> shows one job and can deliver it again' } }],
    allowed_mentions: { parse: [] },
  };
}

export function jobReply(job: Job, now: number): ReplyBody {
  const view = statusView(job, now);
  const lines = [view.stageLine, `Requested by <@${job.userId}> <t:${unix(job.createdAt)}:f>`];
  const l = links(job);
  if (l.length > 0) lines.push(l.join(' · '));
  if (job.state === 'failed' && job.failure) lines.push('', escapeMarkdown(describeFailure(job.failure.code, job.failure.detail, job.kind)));
  if (job.files.length > 0) {
    lines.push('', '**Files** (Kie keeps them about 14 days):');
    for (const f of job.files) lines.push(`• [${escapeMarkdown(clip(f.label, 80))}](${linkTarget(f.url)})`);
  }
  const description = clip(lines.join('\n'), d.maxEmbedDescriptionChars);
  const components: APIActionRowComponent<APIButtonComponent>[] = [];
  const customId = job.state === 'complete' ? encodeAction({ id: 'redeliver', label: 'Deliver again', jobId: job.id }) : null;
  if (customId) {
    components.push({ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Deliver again', custom_id: customId }] });
  }
  return {
    embeds: [{ title: clip(escapeMarkdown(`${view.title} · ${job.inputName}`), 256), description, footer: { text: `Job ${job.id}` } }],
    components,
    allowed_mentions: { parse: [] },
  };
}
