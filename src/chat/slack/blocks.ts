// Block Kit for stembot's messages: the status card (edited in place as stages arrive) and thread messages
// with follow-up buttons. https://docs.slack.dev/reference/block-kit/blocks
import type { KnownBlock } from '@slack/web-api';
import type { Action, StatusView } from '../../core/ports.js';
import { stemMenu } from './stem-menu.js';
import { escapeText, truncate } from './format.js';

// Slack's @slack/types block unions are strict and verbose; stembot builds plain JSON and Slack validates it.
export type Block = Record<string, unknown>;
export const asKnown = (blocks: Block[]) => blocks as unknown as KnownBlock[];

const marks = { done: ':white_check_mark:', current: ':hourglass_flowing_sand:', todo: ':white_circle:', failed: ':x:' } as const;

/** `verbatim`: Slack adds no links or mentions of its own to the text (a bare `@channel` in a name stays text). */
export const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });

export function statusMessage(view: StatusView): { text: string; blocks: Block[] } {
  const steps = view.steps.map((s) => `${marks[s.state]} ${escapeText(s.label)}`).join('  →  ');
  return {
    // The fallback text shows in notifications and screen readers.
    text: truncate(`${escapeText(view.title)} — ${escapeText(view.stageLine)}`, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(escapeText(view.title), 150), emoji: true } },
      {
        type: 'section',
        fields: [mrkdwn(`*Input*\n${truncate(escapeText(view.inputName), 1900)}`), mrkdwn(`*Requested by*\n${escapeText(view.requester.userName)}`)],
      },
      { type: 'context', elements: [mrkdwn(steps)] },
      // Cancel rides on the stage line as its accessory while the job runs (the card keeps its block layout).
      { type: 'section', text: mrkdwn(escapeText(view.stageLine)), ...(view.actions?.length ? { accessory: { ...button(view.actions[0]!, 0), style: 'danger' } } : {}) },
      // The stage line already ends with the elapsed time, e.g. "Kie is separating the audio… (1m 12s)".
      { type: 'context', elements: [mrkdwn(`Job \`${view.jobId}\` · ${view.costLine ? `${escapeText(view.costLine)} · ` : ''}\`/job ${view.jobId}\` for details`)] },
    ],
  };
}

/**
 * What a button carries so it still works after a restart: the job and, for separate_track, which of its
 * tracks. Anyone can forge a value in a signed request of their own, so none of it is trusted: the presser's
 * right to press and the Kie track are read from the stored job (actions.ts).
 */
export interface ButtonValue {
  /** job id */
  j: string;
  /** Kie task id and audio id (separate_track): only names one of the job's own tracks */
  t?: string;
  a?: string;
  /** take number (wav) */
  n?: number;
}

export const actionPrefix = 'stembot:';

export function button(action: Action, index: number): Block {
  const value: ButtonValue = { j: action.jobId, ...(action.taskId ? { t: action.taskId } : {}), ...(action.audioId ? { a: action.audioId } : {}), ...(action.take ? { n: action.take } : {}) };
  return {
    type: 'button',
    // action_id must be unique within the message: two "Separate stems (take n)" buttons differ by index.
    action_id: `${actionPrefix}${action.id}:${index}`,
    text: { type: 'plain_text', text: truncate(action.label, 75), emoji: true },
    value: JSON.stringify(value),
    ...(action.id === 'redeliver' ? {} : { style: action.id === 'resubmit' ? 'danger' : 'primary' }),
  };
}

export function actionsBlock(actions: Action[]): Block {
  // A MIDI button brings its stem menu (stem-menu.ts); Slack allows 25 elements per actions block.
  return { type: 'actions', elements: actions.flatMap((a, i) => [button(a, i), ...stemMenu(a, i)]).slice(0, 25) };
}

export function parseButton(actionId: string, value: string | undefined): { id: Action['id']; value: ButtonValue } | null {
  const m = /^stembot:(separate_track|split_stems|redeliver|cancel|midi|wav|resubmit):\d+$/.exec(actionId);
  if (!m || !value) return null;
  try {
    const v = JSON.parse(value) as Partial<ButtonValue>;
    // Buttons posted before this change also carry `u` (the requester): ignored, the job says who that is.
    if (typeof v.j !== 'string') return null;
    return { id: m[1] as Action['id'], value: { j: v.j, ...(typeof v.t === 'string' ? { t: v.t } : {}), ...(typeof v.a === 'string' ? { a: v.a } : {}), ...(typeof v.n === 'number' ? { n: v.n } : {}) } };
  } catch {
    return null;
  }
}
