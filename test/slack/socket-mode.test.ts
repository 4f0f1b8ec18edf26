// Socket Mode (SLACK_APP_TOKEN): the same commands arrive over a WebSocket instead of HTTP; acks travel back
// on it, redeliveries are dropped, and no public `/slack/events` route is served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { alice, team, triggerId } from '../fakes/slack-requests.js';
import { CHANNEL, startStack, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ socketMode: true });
  await stack.socket!.whenConnected();
});
afterAll(async () => {
  await stack?.close();
});

const command = (text: string, trigger = triggerId()) => ({
  token: 'x', team_id: team.id, team_domain: team.domain, channel_id: CHANNEL, channel_name: 'music', user_id: alice.id, user_name: alice.name,
  command: '/separate', text, api_app_id: 'A0STEMBOT', response_url: stack.slack.responseUrl(), trigger_id: trigger,
});

describe('Slack Socket Mode', () => {
  it('GIVEN Socket Mode WHEN /separate arrives on the socket THEN it is acked there and the job runs to the thread', async () => {
    const id = stack.socket!.push('slash_commands', command('https://music.example/socket.mp3'));
    await waitFor('ack', () => stack.socket!.acks.find((a) => a.envelope_id === id));
    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[0]);
    await waitFor('2 stems', () => stack.slack.thread(CHANNEL, card.ts).flatMap((m) => m.files).length === 2);
    expect(stack.slack.callsTo('apps.connections.open')).toHaveLength(1);
  });

  it('GIVEN a line with a mistake WHEN it arrives on the socket THEN the usage help travels back in the ack', async () => {
    const id = stack.socket!.push('slash_commands', command('colour:blue'));
    const ack = await waitFor('ack', () => stack.socket!.acks.find((a) => a.envelope_id === id));
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('*Usage*') });
  });

  it('GIVEN an envelope Slack retries WHEN it arrives THEN it is acked and starts nothing', async () => {
    const jobs = (await stack.bot.service.listForUser('slack', alice.id, 100)).length;
    const id = stack.socket!.push('slash_commands', command('https://music.example/retried.mp3'), 1);
    await waitFor('ack', () => stack.socket!.acks.find((a) => a.envelope_id === id));
    const sentinel = stack.socket!.push('slash_commands', command('https://music.example/after.mp3'));
    await waitFor('ack', () => stack.socket!.acks.find((a) => a.envelope_id === sentinel));
    await waitFor('later job', async () => (await stack.bot.service.listForUser('slack', alice.id, 100)).some((j) => j.inputName === 'after.mp3'));
    const all = await stack.bot.service.listForUser('slack', alice.id, 100);
    expect(all.some((j) => j.inputName === 'retried.mp3')).toBe(false);
    expect(all).toHaveLength(jobs + 1);
  });

  it('GIVEN Socket Mode THEN POST /slack/events is not served', async () => {
    const res = await request(`${stack.baseUrl}/slack/events`, { method: 'POST', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(404);
    await res.body.dump();
  });
});
