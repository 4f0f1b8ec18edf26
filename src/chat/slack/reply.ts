// Private answers to the person who asked. A request's `response_url` works even where the bot is not a member
// (5 uses within 30 minutes); chat.postEphemeral is the fallback when there is none.
// https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
import type { WebClient } from '@slack/web-api';
import { request } from 'undici';
import type { Logger } from '../../ops/logger.js';
import { asKnown, type Block } from './blocks.js';

export interface ReplyTarget {
  responseUrl?: string;
  channelId: string;
  userId: string;
  threadTs?: string;
}

export type Reply = (text: string, blocks?: Block[]) => Promise<void>;

export async function postToResponseUrl(url: string, payload: Record<string, unknown>, timeoutMs = 10_000): Promise<boolean> {
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump();
    return res.statusCode >= 200 && res.statusCode < 300;
  } catch {
    return false;
  }
}

export function replyTo(web: WebClient, log: Logger, to: ReplyTarget): Reply {
  return async (text, blocks) => {
    const content = { text, ...(blocks ? { blocks: asKnown(blocks) } : {}) };
    if (to.responseUrl && (await postToResponseUrl(to.responseUrl, { response_type: 'ephemeral', replace_original: false, ...content }))) return;
    try {
      await web.chat.postEphemeral({ channel: to.channelId, user: to.userId, ...content, ...(to.threadTs ? { thread_ts: to.threadTs } : {}) });
    } catch (err) {
      log.warn({ err, channel: to.channelId }, 'could not answer the user privately');
    }
  };
}
