// Buttons on result messages: "Separate stems" (a finished add-vocals / add-instrumental track, by its Kie
// taskId + audioId), "Split into 12 stems" (a finished vocals separation, on the same input) and "Deliver again"
// (from `/job`). Each button's value names the job, its requester and the Kie track, so it works after a restart.
// Only the requester may press. https://docs.slack.dev/interactivity/handling-user-interaction#payloads
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { startFollowUp } from '../../core/follow-ups.js';
import type { AudioInput, Command, Job } from '../../core/types.js';
import { actionPrefix, parseButton, type ButtonValue } from './blocks.js';
import { originOf, type SlackDeps } from './deps.js';
import { startJob } from './intake.js';
import { replyTo, type Reply } from './reply.js';
import { registerStemMenu } from './stem-menu.js';

function trackName(job: Job | undefined, audioId: string): string {
  if (!job || job.params.kind === 'separate') return `Kie track ${audioId.slice(0, 8)}`;
  const take = job.files.findIndex((f) => f.audioId === audioId);
  return `${job.params.title}${job.files.length > 1 && take >= 0 ? ` (take ${take + 1})` : ''}`;
}

async function inputFor(deps: SlackDeps, id: 'separate_track' | 'split_stems', v: ButtonValue, reply: Reply): Promise<AudioInput | undefined> {
  const job = await deps.service.get(v.j);
  if (id === 'separate_track') {
    if (v.t && v.a) return { type: 'kie_track', taskId: v.t, audioId: v.a, name: trackName(job, v.a) };
    await reply('This button does not name a Kie track to separate.');
    return undefined;
  }
  // The input as the job last recorded it: after submission that is Kie's own re-hosted copy.
  if (job?.platform === 'slack') return job.input;
  await reply('That job is not known here any more. Start a new one with `/separate`.');
  return undefined;
}

export function registerActions(bolt: App, deps: SlackDeps): void {
  bolt.action({ action_id: new RegExp(`^${actionPrefix}`) }, async ({ ack, body, action }) => {
    await ack();
    const b = body as BlockAction;
    const a = action as ButtonAction;
    const channelId = b.channel?.id ?? b.container?.channel_id ?? '';
    const threadTs = (b.container as { thread_ts?: string } | undefined)?.thread_ts;
    const reply = replyTo(deps.web, deps.log, { responseUrl: b.response_url, channelId, userId: b.user.id, ...(threadTs ? { threadTs } : {}) });
    const pressed = parseButton(a.action_id, a.value);
    if (!pressed) return reply('This button no longer works. Start a new job with `/separate`.');
    if (pressed.value.u !== b.user.id) return reply(`Only <@${pressed.value.u}>, who started this job, can use its buttons. Start your own with \`/separate\`.`);

    if (pressed.id === 'redeliver') {
      const r = await deps.service.redeliver(pressed.value.j, b.user.id);
      return reply(r.ok ? 'Delivering the files again in the job’s thread.' : r.message);
    }
    const user = b.user as { id: string; name?: string; username?: string; team_id?: string };
    if (pressed.id === 'midi' || pressed.id === 'wav') {
      // MIDI of the separation / WAV of a take (src/core/follow-ups.ts): a job of its own, with its own thread.
      const origin = originOf({ teamId: b.team?.id ?? user.team_id, channelId, userId: user.id, userName: user.username ?? user.name });
      const r = await startFollowUp(deps.service, pressed.id === 'midi' ? { kind: 'midi', jobId: pressed.value.j } : { kind: 'wav', jobId: pressed.value.j, take: pressed.value.n ?? 1 }, origin);
      return reply(r.ok ? `Started job \`${r.job.id}\` — ${pressed.id === 'midi' ? 'MIDI' : 'WAV'} of “${r.job.inputName}”. Its status message is in this channel; the file${pressed.id === 'midi' ? 's' : ''} will arrive in its thread.` : r.message);
    }
    const input = await inputFor(deps, pressed.id, pressed.value, reply);
    if (!input) return;
    const command: Command = {
      origin: originOf({ teamId: b.team?.id ?? user.team_id, channelId, userId: user.id, userName: user.username ?? user.name }),
      input,
      params: { kind: 'separate', mode: pressed.id === 'split_stems' ? 'stems' : 'vocals' },
    };
    await startJob(deps, command, reply, b.response_url);
  });
  registerStemMenu(bolt, deps);
}
