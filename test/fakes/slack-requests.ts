// What Slack itself sends to `POST /slack/events`: slash commands (form fields), interactivity (a `payload`
// JSON field: shortcuts, button presses, modal submissions), signed with the app's signing secret.
import { createHmac, randomBytes } from 'node:crypto';
import { request } from 'undici';

export const team = { id: 'T0STEMBOT', domain: 'stembot-test' };
export const alice = { id: 'U0ALICE', name: 'alice' };
export const bob = { id: 'U0BOB', name: 'bob' };

export interface SignedOptions {
  secret: string;
  /** Unix seconds; default now. */
  timestampSec?: number;
  retryNum?: number;
  /** Send this signature instead of the right one. */
  signature?: string;
}

export function sign(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

export async function postToSlackEndpoint(baseUrl: string, body: string, o: SignedOptions): Promise<{ status: number; text: string; json(): Record<string, unknown> }> {
  const ts = o.timestampSec ?? Math.floor(Date.now() / 1000);
  const res = await request(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': o.signature ?? sign(o.secret, ts, body),
      ...(o.retryNum !== undefined ? { 'x-slack-retry-num': String(o.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

export const triggerId = () => `${Date.now()}.${randomBytes(4).toString('hex')}`;

export function slashCommand(f: { command: string; text: string; channelId: string; responseUrl: string; user?: { id: string; name: string } }): string {
  const user = f.user ?? alice;
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: team.id,
    team_domain: team.domain,
    channel_id: f.channelId,
    channel_name: 'music',
    user_id: user.id,
    user_name: user.name,
    command: f.command,
    text: f.text,
    api_app_id: 'A0STEMBOT',
    is_enterprise_install: 'false',
    response_url: f.responseUrl,
    trigger_id: triggerId(),
  }).toString();
}

export function interactive(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function messageShortcut(f: { callbackId: string; channelId: string; responseUrl: string; message: Record<string, unknown>; user?: { id: string; name: string } }): string {
  const user = f.user ?? alice;
  return interactive({
    type: 'message_action',
    callback_id: f.callbackId,
    trigger_id: triggerId(),
    message_ts: f.message.ts,
    response_url: f.responseUrl,
    team,
    channel: { id: f.channelId, name: 'music' },
    user: { id: user.id, username: user.name, name: user.name, team_id: team.id },
    message: { type: 'message', ...f.message },
    token: 'legacy-verification-token',
    action_ts: `${Date.now() / 1000}`,
  });
}

/** A modal submitted: `values` maps block ids to the element's state (`{ type, value }`, `{ selected_option }`, `{ files }`). */
export function viewSubmission(f: { view: Record<string, unknown>; values: Record<string, Record<string, unknown>>; user?: { id: string; name: string } }): string {
  const user = f.user ?? alice;
  const values = Object.fromEntries(Object.entries(f.values).map(([block, state]) => [block, { v: state }]));
  return interactive({
    type: 'view_submission',
    team,
    user: { id: user.id, username: user.name, name: user.name, team_id: team.id },
    api_app_id: 'A0STEMBOT',
    token: 'legacy-verification-token',
    trigger_id: triggerId(),
    view: { ...f.view, id: 'V0FORM', team_id: team.id, state: { values }, hash: 'h' },
  });
}

export function buttonPress(f: { channelId: string; messageTs: string; threadTs?: string; responseUrl: string; actionId: string; value: string; user?: { id: string; name: string } }): string {
  const user = f.user ?? alice;
  return interactive({
    type: 'block_actions',
    team,
    user: { id: user.id, username: user.name, name: user.name, team_id: team.id },
    api_app_id: 'A0STEMBOT',
    token: 'legacy-verification-token',
    trigger_id: triggerId(),
    container: { type: 'message', message_ts: f.messageTs, channel_id: f.channelId, is_ephemeral: false, ...(f.threadTs ? { thread_ts: f.threadTs } : {}) },
    channel: { id: f.channelId, name: 'music' },
    response_url: f.responseUrl,
    actions: [{ type: 'button', action_id: f.actionId, block_id: 'b', value: f.value, action_ts: `${Date.now() / 1000}` }],
  });
}
