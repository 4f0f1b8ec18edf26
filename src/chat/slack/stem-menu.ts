// "MIDI of one stem": a menu of the separated tracks beside the MIDI button (docs/kie-midi-wav.md). Each option's
// value names the job and the stem, so the menu works after a restart; the stored job decides who may use it
// (its requester: core/follow-ups.ts), never the value. Its own action prefix keeps it out of the buttons' handler.
// https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#static_select
import type { App, BlockAction, StaticSelectAction } from '@slack/bolt';
import { startFollowUp } from '../../core/follow-ups.js';
import type { Action } from '../../core/ports.js';
import type { SlackDeps } from './deps.js';
import { pressOf } from './press.js';
import { followUpAnswer } from './follow-up-commands.js';

export const stemMenuPrefix = 'stembot_menu:midi:';
const MAX_OPTIONS = 100; // Slack's limit per static_select
const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** The select for a `midi` action that lists stems; nothing for any other action. */
export function stemMenu(action: Action, index: number): Record<string, unknown>[] {
  if (action.id !== 'midi' || !action.stems || action.stems.length < 2) return [];
  return [
    {
      type: 'static_select',
      action_id: `${stemMenuPrefix}${index}`,
      placeholder: { type: 'plain_text', text: 'MIDI of one stem…', emoji: true },
      options: action.stems.slice(0, MAX_OPTIONS).map((s) => ({
        text: { type: 'plain_text', text: clip(s.label, 75), emoji: true },
        value: JSON.stringify({ j: action.jobId, s: s.key }).slice(0, 150),
      })),
    },
  ];
}

export function parseStemChoice(value: string | undefined): { j: string; s: string } | null {
  try {
    const v = JSON.parse(value ?? '') as Record<string, unknown>;
    return typeof v.j === 'string' && typeof v.s === 'string' ? { j: v.j, s: v.s } : null;
  } catch {
    return null;
  }
}

export function registerStemMenu(bolt: App, deps: SlackDeps): void {
  bolt.action({ action_id: new RegExp(`^${stemMenuPrefix}\\d+$`) }, async ({ ack, body, action }) => {
    await ack();
    const b = body as BlockAction;
    const { reply, origin } = pressOf(b, deps);
    const choice = parseStemChoice((action as StaticSelectAction).selected_option?.value);
    if (!choice) return reply('This menu no longer works. Use `/midi <job id> <stem>` instead.');
    // Who may use it is decided by the stored job (core/follow-ups.ts: its requester only), never by the value.
    const r = await startFollowUp(deps.service, { kind: 'midi', jobId: choice.j, stem: choice.s }, origin);
    return reply(followUpAnswer(r));
  });
}
