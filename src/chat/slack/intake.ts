// From a Slack request to a job: check stembot can post where the results will go, then hand the neutral
// Command to the core. Refusals are answered privately, in the core's words.
import type { WebClient } from '@slack/web-api';
import { creditsText } from '../../core/costs.js';
import type { JobsApi } from '../../core/ports.js';
import type { Command, Job } from '../../core/types.js';
import type { Logger } from '../../ops/logger.js';
import type { ResponseUrls } from './deps.js';
import type { Reply } from './reply.js';
import { explainForbidden, slackFailure } from './web-client.js';

export interface IntakeDeps {
  service: JobsApi;
  web: WebClient;
  log: Logger;
  botToken: string;
  responseUrls: ResponseUrls;
}

/**
 * Can stembot post in this conversation? Asked before a job exists, so a channel stembot is not in costs no Kie
 * credits and gets an explanation instead of silence. Without the read scopes (channels:read…) Slack answers
 * `missing_scope`: then nobody knows, the job goes ahead, and a refusal to post is explained later.
 */
async function checkChannel(deps: Pick<IntakeDeps, 'web' | 'log'>, channelId: string): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    const res = await deps.web.conversations.info({ channel: channelId });
    const c = res.channel as { is_member?: boolean; is_im?: boolean; is_private?: boolean; is_archived?: boolean } | undefined;
    if (c?.is_archived) return { ok: false, message: explainForbidden({ slackError: 'is_archived' }) };
    // With chat:write.public a bot posts in any public channel without joining it.
    const anyPublic = !c?.is_private && (res.response_metadata?.scopes ?? []).includes('chat:write.public');
    if (c && !c.is_im && c.is_member === false && !anyPublic) return { ok: false, message: explainForbidden({ slackError: 'not_in_channel' }) };
    return { ok: true };
  } catch (err) {
    const f = slackFailure(err);
    if (f.slackError === 'channel_not_found') return { ok: false, message: explainForbidden(f) };
    if (f.slackError !== 'missing_scope') deps.log.warn({ channel: channelId, detail: f.detail }, 'could not check the channel; going ahead');
    return { ok: true };
  }
}

/** `responseUrl` is kept (in memory) so a later refusal to post can still be explained privately. */
export async function startJob(deps: IntakeDeps, command: Command, reply: Reply, responseUrl?: string): Promise<Job | undefined> {
  const where = await checkChannel(deps, command.origin.channelId);
  if (!where.ok) {
    await reply(where.message);
    return undefined;
  }
  const { channelId, userId } = command.origin;
  // Registered before the job exists: the outbox may try to post before submit() has even answered.
  deps.responseUrls.set({ channelId, userId }, responseUrl);
  try {
    const r = await deps.service.submit(command);
    if (r.ok) {
      deps.responseUrls.set({ jobId: r.job.id, channelId, userId }, responseUrl);
      await reply(`Started job \`${r.job.id}\` — it costs ≈ ${creditsText(r.job.cost)} of the workspace’s Kie credits. Its status card is in the channel; the files will arrive in its thread.`);
      return r.job;
    }
    await reply(r.message);
  } catch (err) {
    deps.log.error({ err }, 'slack command could not be submitted');
    await reply('stembot hit an internal error and could not start this job. It has been logged; try again in a moment.');
  }
  return undefined;
}
