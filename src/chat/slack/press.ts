// What every interactive press (a result button, the stem menu) works out first: where to answer the presser
// privately (the response_url, else an ephemeral in the message's thread) and the presser as an Origin.
// https://docs.slack.dev/interactivity/handling-user-interaction#payloads
import type { BlockAction } from '@slack/bolt';
import type { Origin } from '../../core/types.js';
import { originOf, type SlackDeps } from './deps.js';
import { replyTo, type Reply } from './reply.js';

export interface Press {
  reply: Reply;
  /** The presser, in the workspace and channel of the pressed message. */
  origin: Origin;
  /** The workspace the payload names (absent in odd payloads: then no job matches it). */
  teamId: string | undefined;
}

export function pressOf(b: BlockAction, deps: SlackDeps): Press {
  const channelId = b.channel?.id ?? b.container?.channel_id ?? '';
  const threadTs = (b.container as { thread_ts?: string } | undefined)?.thread_ts;
  const reply = replyTo(deps.web, deps.log, { responseUrl: b.response_url, channelId, userId: b.user.id, ...(threadTs ? { threadTs } : {}) });
  const user = b.user as { id: string; name?: string; username?: string; team_id?: string };
  const teamId = b.team?.id ?? user.team_id;
  return { reply, origin: originOf({ teamId, channelId, userId: user.id, userName: user.username ?? user.name }), teamId };
}
