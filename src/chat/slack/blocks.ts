// Block Kit for stembot's messages: the status card (edited in place as stages arrive) and thread messages
// with follow-up buttons. https://docs.slack.dev/reference/block-kit/blocks
import type { KnownBlock } from '@slack/web-api';
import type { Action, StatusView } from '../../core/ports.js';
import { stemMenu } from './stem-menu.js';
import type { Job } from '../../core/types.js';
import { escapeText, truncate } from './format.js';

// Slack's @slack/types block unions are strict and verbose; stembot builds plain JSON and Slack validates it.
export type Block = Record<string, unknown>;
export const asKnown = (blocks: Block[]) => blocks as unknown as KnownBlock[];

const marks = { done: ':white_check_mark:', current: ':hourglass_flowing_sand:', todo: ':white_circle:', failed: ':x:' } as const;

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

export function statusMessage(view: StatusView): { text: string; blocks: Block[] } {
  const steps = view.steps.map((s) => `${marks[s.state]} ${escapeText(s.label)}`).join('  →  ');
  return {
    // The fallback text shows in notifications and screen readers.
    text: truncate(`${view.title} — ${view.stageLine}`, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(view.title, 150), emoji: true } },
      {
        type: 'section',
        fields: [mrkdwn(`*Input*\n${truncate(escapeText(view.inputName), 1900)}`), mrkdwn(`*Requested by*\n${escapeText(view.requester.userName)}`)],
      },
      { type: 'context', elements: [mrkdwn(steps)] },
      { type: 'section', text: mrkdwn(escapeText(view.stageLine)) },
      // The stage line already ends with the elapsed time, e.g. "Kie is separating the audio… (1m 12s)".
      { type: 'context', elements: [mrkdwn(`Job \`${view.jobId}\` · \`/job ${view.jobId}\` for details`)] },
    ],
  };
}

/** What a button carries so it still works after a restart: the job, its requester and the Kie track. */
export interface ButtonValue {
  /** job id */
  j: string;
  /** requester's Slack user id: only they may press */
  u: string;
  /** Kie task id and audio id (separate_track) */
  t?: string;
  a?: string;
  /** take number (wav) */
  n?: number;
}

export const actionPrefix = 'stembot:';

export function button(action: Action, job: Pick<Job, 'userId'>, index: number): Block {
  const value: ButtonValue = { j: action.jobId, u: job.userId, ...(action.taskId ? { t: action.taskId } : {}), ...(action.audioId ? { a: action.audioId } : {}), ...(action.take ? { n: action.take } : {}) };
  return {
    type: 'button',
    // action_id must be unique within the message: two "Separate stems (take n)" buttons differ by index.
    action_id: `${actionPrefix}${action.id}:${index}`,
    text: { type: 'plain_text', text: truncate(action.label, 75), emoji: true },
    value: JSON.stringify(value),
    ...(action.id === 'redeliver' ? {} : { style: 'primary' }),
  };
}

export function actionsBlock(actions: Action[], job: Pick<Job, 'userId'>): Block {
  // A MIDI button brings its stem menu (stem-menu.ts); Slack allows 25 elements per actions block.
  return { type: 'actions', elements: actions.flatMap((a, i) => [button(a, job, i), ...stemMenu(a, job, i)]).slice(0, 25) };
}

export function parseButton(actionId: string, value: string | undefined): { id: Action['id']; value: ButtonValue } | null {
  const m = /^stembot:(separate_track|split_stems|redeliver|midi|wav):\d+$/.exec(actionId);
  if (!m || !value) return null;
  try {
    const v = JSON.parse(value) as Partial<ButtonValue>;
    if (typeof v.j !== 'string' || typeof v.u !== 'string') return null;
    return { id: m[1] as Action['id'], value: { j: v.j, u: v.u, ...(typeof v.t === 'string' ? { t: v.t } : {}), ...(typeof v.a === 'string' ? { a: v.a } : {}), ...(typeof v.n === 'number' ? { n: v.n } : {}) } };
  } catch {
    return null;
  }
}
