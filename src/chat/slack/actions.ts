// Buttons on result messages: "Separate stems" (a finished add-vocals / add-instrumental track, by its Kie
// taskId + audioId), "Split into 12 stems" (a finished vocals separation, on the same input) and "Deliver again"
// (from `/job`), "Submit again" (a submission that may or may not have reached Kie). Each button's value names the job (and which of its tracks), so it works after a restart.
// A value is whatever the presser's Slack client sends: it is never trusted. The job is loaded and only its
// requester, in its workspace, may press (as on Discord, where moderators may too; Slack has no equivalent
// permission in the payload); the Kie track comes from the job's own files.
// https://docs.slack.dev/interactivity/handling-user-interaction#payloads
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { startFollowUp } from '../../core/follow-ups.js';
import { followUpInputName } from '../../core/input-name.js';
import type { AudioInput, Command, Job } from '../../core/types.js';
import { actionPrefix, parseButton, type ButtonValue } from './blocks.js';
import type { SlackDeps } from './deps.js';
import { pressOf } from './press.js';
import { startJob } from './intake.js';
import type { Reply } from './reply.js';
import { registerStemMenu } from './stem-menu.js';
import { followUpAnswer } from './follow-up-commands.js';

async function inputFor(job: Job, id: 'separate_track' | 'split_stems', v: ButtonValue, reply: Reply): Promise<AudioInput | undefined> {
  if (id === 'separate_track') {
    // The track must be one this job produced, and Kie's task is the job's own, whatever the value says.
    const file = v.a ? job.files.find((f) => f.audioId === v.a) : undefined;
    if (file?.audioId && job.taskId && job.params.kind !== 'separate') return { type: 'kie_track', taskId: job.taskId, audioId: file.audioId, name: followUpInputName(job, file.audioId) };
    await reply('That track is not part of this job.');
    return undefined;
  }
  // The input as the job last recorded it: after submission that is Kie's own re-hosted copy. Once Kie has
  // deleted it (3 days), JobService.submit swaps in the original Slack file (core/hosted-input.ts); the bot
  // token is added at download time, for Slack's file origin only (delivery/credentials.ts).
  if (job.params.kind === 'separate') return { ...job.input, name: followUpInputName(job) };
  await reply('This button does not apply to this job.');
  return undefined;
}

export function registerActions(bolt: App, deps: SlackDeps): void {
  bolt.action({ action_id: new RegExp(`^${actionPrefix}`) }, async ({ ack, body, action }) => {
    await ack();
    const b = body as BlockAction;
    const a = action as ButtonAction;
    const { reply, origin, teamId } = pressOf(b, deps);
    const pressed = parseButton(a.action_id, a.value);
    if (!pressed) return reply('This button no longer works. Start a new job with `/separate`.');
    const job = await deps.service.get(pressed.value.j);
    if (!job || job.platform !== 'slack' || job.workspaceId !== teamId) return reply('That job is not known here any more. Start a new one with `/separate`.');
    if (pressed.id === 'cancel') {
      // The requester, or a workspace admin (or a listed SLACK_ADMIN_USER_IDS) acting for them.
      if (job.userId !== origin.userId && !(await deps.isAdmin?.(origin.userId))) return reply(`Only <@${job.userId}>, who started this job, or a workspace admin can cancel it.`);
      const r = await deps.service.cancel(job.id, { userId: origin.userId, userName: origin.userName });
      return reply(r.message);
    }
    if (job.userId !== origin.userId) return reply(`Only <@${job.userId}>, who started this job, can use its buttons. Start your own with \`/separate\`.`);

    if (pressed.id === 'redeliver') {
      const r = await deps.service.redeliver(job.id, origin.userId);
      return reply(r.ok ? 'Delivering the files again in the job’s thread.' : r.message);
    }
    if (pressed.id === 'midi' || pressed.id === 'wav') {
      // MIDI of the separation / WAV of a take (src/core/follow-ups.ts): a job of its own, with its own thread.
      const r = await startFollowUp(deps.service, pressed.id === 'midi' ? { kind: 'midi', jobId: job.id } : { kind: 'wav', jobId: job.id, take: pressed.value.n ?? 1 }, origin);
      return reply(followUpAnswer(r));
    }
    if (pressed.id === 'resubmit') {
      const r = await deps.service.resubmit(job.id, origin.userId);
      return reply(r.ok ? 'Submitting again — the status message will follow it.' : r.message);
    }
    const input = await inputFor(job, pressed.id, pressed.value, reply);
    if (!input) return;
    const command: Command = {
      origin,
      input,
      params: { kind: 'separate', mode: pressed.id === 'split_stems' ? 'stems' : 'vocals' },
    };
    await startJob(deps, command, reply, b.response_url);
  });
  registerStemMenu(bolt, deps);
}
