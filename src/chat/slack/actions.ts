// Buttons on result messages: "Separate stems" (a finished add-vocals / add-instrumental track, by its Kie
// taskId + audioId), "Split into 12 stems" (a finished vocals separation, on the same input) and "Deliver again"
// (from `/job`), "Submit again" (a submission that may or may not have reached Kie). Each button's value names the job (and which of its tracks), so it works after a restart.
// A value is whatever the presser's Slack client sends: it is never trusted. The job is loaded and only its
// requester, in its workspace, may press (as on Discord, where moderators may too; Slack has no equivalent
// permission in the payload); the Kie track comes from the job's own files.
// https://docs.slack.dev/interactivity/handling-user-interaction#payloads
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { AudioInput, Command, Job } from '../../core/types.js';
import { actionPrefix, parseButton, type ButtonValue } from './blocks.js';
import { originOf, type SlackDeps } from './deps.js';
import { startJob } from './intake.js';
import { replyTo, type Reply } from './reply.js';

function trackName(job: Job, audioId: string): string {
  if (job.params.kind === 'separate') return `Kie track ${audioId.slice(0, 8)}`;
  const take = job.files.findIndex((f) => f.audioId === audioId);
  return `${job.params.title}${job.files.length > 1 && take >= 0 ? ` (take ${take + 1})` : ''}`;
}

async function inputFor(job: Job, id: 'separate_track' | 'split_stems', v: ButtonValue, reply: Reply): Promise<AudioInput | undefined> {
  if (id === 'separate_track') {
    // The track must be one this job produced, and Kie's task is the job's own, whatever the value says.
    const file = v.a ? job.files.find((f) => f.audioId === v.a) : undefined;
    if (file?.audioId && job.taskId && job.params.kind !== 'separate') return { type: 'kie_track', taskId: job.taskId, audioId: file.audioId, name: trackName(job, file.audioId) };
    await reply('That track is not part of this job.');
    return undefined;
  }
  // The input as the job last recorded it: after submission that is Kie's own re-hosted copy.
  if (job.params.kind === 'separate') return job.input;
  await reply('This button does not apply to this job.');
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
    const user = b.user as { id: string; name?: string; username?: string; team_id?: string };
    const teamId = b.team?.id ?? user.team_id;
    const job = await deps.service.get(pressed.value.j);
    if (!job || job.platform !== 'slack' || job.workspaceId !== teamId) return reply('That job is not known here any more. Start a new one with `/separate`.');
    if (job.userId !== user.id) return reply(`Only <@${job.userId}>, who started this job, can use its buttons. Start your own with \`/separate\`.`);

    if (pressed.id === 'redeliver') {
      const r = await deps.service.redeliver(job.id, user.id);
      return reply(r.ok ? 'Delivering the files again in the job’s thread.' : r.message);
    }
    if (pressed.id === 'resubmit') {
      const r = await deps.service.resubmit(job.id, user.id);
      return reply(r.ok ? 'Submitting again — the status message will follow it.' : r.message);
    }
    const input = await inputFor(job, pressed.id, pressed.value, reply);
    if (!input) return;
    const command: Command = {
      origin: originOf({ teamId, channelId, userId: user.id, userName: user.username ?? user.name }),
      input,
      params: { kind: 'separate', mode: pressed.id === 'split_stems' ? 'stems' : 'vocals' },
    };
    await startJob(deps, command, reply, b.response_url);
  });
}
