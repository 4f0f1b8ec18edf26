// `/midi <job id> [stem]` and `/wav <job id> [take]` (docs/kie-midi-wav.md): the result buttons' work by command,
// under the same rules (src/core/follow-ups.ts). Answered privately; the new job posts its own status card.
import type { App, SlashCommand } from '@slack/bolt';
import { startFollowUp, type FollowUpOutcome, type FollowUpRequest } from '../../core/follow-ups.js';
import { originOf, type SlackDeps } from './deps.js';
import { escapeText } from './escape.js';
import { decode } from './parse-line.js';
import { replyTo } from './reply.js';

export const followUpUsage = {
  midi: '*Usage*: `/midi <job id>` — MIDI of a finished separation (with a piano-roll picture); `/midi <job id> Bass` — of one stem. `/jobs` lists your job ids.',
  wav: '*Usage*: `/wav <job id>` — take 1 of a finished `/add-vocals` or `/add-instrumental` as a WAV file; `/wav <job id> 2` — take 2.',
} as const;

/** The private answer to a follow-up from the command, a result button or the stem menu. Both the input name
 * and the core's refusal (which may echo a typed stem name or a stem label) pass the one escaper. */
export function followUpAnswer(r: FollowUpOutcome): string {
  if (!r.ok) return escapeText(r.message);
  const midi = r.job.kind === 'midi';
  return `Started job \`${r.job.id}\` — ${midi ? 'MIDI' : 'WAV'} of “${escapeText(r.job.inputName)}”. Its status message is in this channel; the file${midi ? 's' : ''} will arrive in its thread.`;
}

/** `id [rest]` → the request, or null when the line is not that shape. */
export function parseFollowUpLine(kind: 'midi' | 'wav', text: string): FollowUpRequest | null {
  const m = /^`?([0-9a-z]{4,40})`?(?:\s+(.+))?$/i.exec(text.trim());
  if (!m) return null;
  const jobId = m[1]!.toLowerCase();
  const rest = m[2] === undefined ? undefined : decode(m[2].trim().replace(/^(stem|take):/i, '').replace(/^"(.*)"$/, '$1'));
  if (kind === 'midi') return { kind, jobId, ...(rest ? { stem: rest } : {}) };
  if (rest !== undefined && !/^\d{1,2}$/.test(rest)) return null;
  return { kind, jobId, take: rest ? Number(rest) : 1 };
}

export function registerFollowUpCommands(bolt: App, deps: SlackDeps): void {
  for (const kind of ['midi', 'wav'] as const) {
    bolt.command(`/${kind}`, async ({ command, ack }: { command: SlashCommand; ack: (r?: { response_type: 'ephemeral'; text: string }) => Promise<void> }) => {
      const req = parseFollowUpLine(kind, command.text ?? '');
      if (!req) return ack({ response_type: 'ephemeral', text: followUpUsage[kind] });
      await ack();
      const reply = replyTo(deps.web, deps.log, { responseUrl: command.response_url, channelId: command.channel_id, userId: command.user_id });
      const origin = originOf({ teamId: command.team_id, channelId: command.channel_id, userId: command.user_id, userName: command.user_name });
      const r = await startFollowUp(deps.service, req, origin);
      await reply(followUpAnswer(r));
    });
  }
}
