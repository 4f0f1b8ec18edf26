// How the core's neutral messages look on Discord: the status message as an embed (stage row + stage line),
// result messages with link buttons, follow-up buttons and plain-text links where buttons cannot go.
// Limits: https://discord.com/developers/docs/resources/message#create-message (content 2000, 10 embeds,
// 6000 characters across embeds) and .../message-components#button-object (5×5 buttons, URL ≤ 512).
import { createHash } from 'node:crypto';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { Action, OutgoingMessage, StatusView } from '../../core/ports.js';
import type { Job } from '../../core/types.js';
import { encodeAction } from './custom-id.js';
import { stemSelectRows } from './stem-select.js';
import { discordDefaults as d } from './settings.js';
import { escapeMarkdown, escapePlain, toDiscordMarkdown } from './escape.js';

const marks = { done: '✅', current: '⏳', todo: '▫️', failed: '❌' } as const;
const colors = { queued: 0x99aab5, submitted: 0x5865f2, text: 0x5865f2, first: 0x5865f2, complete: 0x57f287, failed: 0xed4245, cancelled: 0x99aab5 } as const;

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The status message: kind, input, who asked, the stage row and the stage line with elapsed time. */
export function statusEmbed(view: StatusView): APIEmbed {
  const row = view.steps.map((s) => `${marks[s.state]} ${s.label}`).join('  →  ');
  return {
    // The title carries the user's title or stem name; the stage row and line are stembot's own words.
    title: clip(escapeMarkdown(view.title), 256),
    description: clip(`${row}\n${view.stageLine}`, d.maxEmbedDescriptionChars),
    color: colors[view.state],
    fields: [
      { name: 'Input', value: clip(escapeMarkdown(view.inputName) || '—', 1024), inline: true },
      { name: 'Requested by', value: `<@${view.requester.userId}>`, inline: true },
    ],
    footer: { text: `Job ${view.jobId} · ${view.costLine ? `${view.costLine} · ` : ''}/job id:${view.jobId}` },
  };
}

/** The status message's own buttons (Cancel while the job runs); an empty list removes them once it ends. */
export function statusComponents(view: StatusView): Row[] {
  const buttons: APIButtonComponent[] = [];
  for (const a of view.actions ?? []) {
    const customId = encodeAction(a);
    if (customId) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Danger, label: clip(a.label, d.maxButtonLabelChars), custom_id: customId });
  }
  return buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [];
}

/** Discord's `nonce` (≤ 25 characters) for an idempotency key: equal keys give equal nonces. */
export function nonceFor(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, d.nonceChars);
}

type Row = APIActionRowComponent<APIButtonComponent>;

function actionButton(job: Job, action: Action): APIButtonComponent | null {
  const index = action.audioId ? job.files.findIndex((f) => f.audioId === action.audioId) : -1;
  const customId = encodeAction(action, index);
  if (!customId) return null;
  // "Submit again" may cost a second charge: Discord's red style.
  const style = action.id === 'resubmit' ? ButtonStyle.Danger : ButtonStyle.Primary;
  return { type: ComponentType.Button, style, label: clip(escapePlain(action.label), d.maxButtonLabelChars), custom_id: customId };
}

const linkable = (url: string) => url.length <= d.maxLinkButtonUrlChars && /^https?:\/\//i.test(url);

export interface RenderedMessage {
  content: string;
  embeds: APIEmbed[];
  components: Row[];
  allowed_mentions: { parse: []; users?: string[] };
}

/** The body of a result or notice message (files are added by the caller). */
export function renderMessage(job: Job, message: OutgoingMessage): RenderedMessage {
  const buttons: APIButtonComponent[] = [];
  for (const a of message.actions ?? []) {
    const b = actionButton(job, a);
    if (b) buttons.push(b);
  }
  const room = d.maxButtonsPerRow * d.maxRows - buttons.length;
  const links = message.links ?? [];
  const asButtons = links.filter((l) => linkable(l.url)).slice(0, Math.max(0, room));
  const asText = links.filter((l) => !asButtons.includes(l));
  for (const l of asButtons) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Link, label: clip(escapePlain(l.label), d.maxButtonLabelChars), url: l.url });
  const components: Row[] = [];
  for (let i = 0; i < buttons.length; i += d.maxButtonsPerRow) {
    components.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + d.maxButtonsPerRow) });
  }
  // The stem menu of a MIDI button, in a row of its own while rows remain.
  for (const row of stemSelectRows(message.actions ?? [])) if (components.length < d.maxRows) components.push(row as unknown as Row);
  const mention = message.mention ? `<@${job.userId}> ` : '';
  return {
    content: clip(`${mention}${toDiscordMarkdown(message.text)}`, d.maxContentChars),
    embeds: linkEmbeds(asText, job.id),
    components,
    // Only a failure notice pings, and only the requester; nothing else a message contains may ping anyone.
    allowed_mentions: message.mention ? { parse: [], users: [job.userId] } : { parse: [] },
  };
}

/** Links that cannot be buttons (too long, too many) as plain text in embeds, within Discord's limits. */
function linkEmbeds(links: { label: string; url: string }[], jobId: string): APIEmbed[] {
  const embeds: APIEmbed[] = [];
  let lines: string[] = [];
  let length = 0;
  let total = 0;
  const flush = () => {
    if (lines.length > 0) embeds.push({ description: lines.join('\n') });
    lines = [];
    length = 0;
  };
  for (const [i, l] of links.entries()) {
    const line = `**${escapeMarkdown(clip(l.label, 200))}**: ${clip(l.url, 2000)}`;
    // Keep room for the closing note within the 6000 characters all embeds of a message may hold.
    if (total + line.length + 100 > d.maxEmbedTotalChars || (embeds.length === 9 && length + line.length + 100 > d.maxEmbedDescriptionChars)) {
      lines.push(`…and ${links.length - i} more: \`/job id:${jobId}\` lists every file.`);
      break;
    }
    if (length + line.length + 1 > d.maxEmbedDescriptionChars) flush();
    lines.push(line);
    length += line.length + 1;
    total += line.length + 1;
  }
  flush();
  return embeds;
}
