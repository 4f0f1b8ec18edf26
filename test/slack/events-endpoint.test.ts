// `POST /slack/events` as Slack's docs require: signature over the raw body, 5-minute window, redeliveries
// answered and dropped. Each refusal is checked by what did NOT happen: no job, no Kie task, no Slack post.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { sign, slashCommand } from '../fakes/slack-requests.js';
import { CHANNEL, SIGNING_SECRET, startStack, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const command = (text = 'https://music.example/one.mp3') => slashCommand({ command: '/separate', text, channelId: CHANNEL, responseUrl: stack.slack.responseUrl() });
const jobsOf = async () => stack.bot.service.listForUser('slack', 'U0ALICE', 100);

describe('Slack request verification', () => {
  it('GIVEN a request signed with another secret WHEN it arrives THEN it is refused with 401 and nothing starts', async () => {
    const res = await stack.send(command(), { secret: 'not-the-signing-secret' });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ error: 'invalid_signature' });
    expect(await jobsOf()).toHaveLength(0);
  });

  it('GIVEN a correct signature over a different body WHEN it arrives THEN it is refused (the signature covers the raw bytes)', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const signed = command();
    const res = await stack.send(`${signed}&text=https%3A%2F%2Fevil.example%2Fx.mp3`, { signature: sign(SIGNING_SECRET, ts, signed), timestampSec: ts });
    expect(res.status).toBe(401);
  });

  it('GIVEN a validly signed request six minutes old WHEN it arrives THEN it is refused as stale', async () => {
    const res = await stack.send(command(), { timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
    expect(await jobsOf()).toHaveLength(0);
    expect(stack.sim.control.tasks()).toHaveLength(0);
  });

  it('GIVEN no signature headers at all WHEN a request arrives THEN it is refused', async () => {
    const res = await request(`${stack.baseUrl}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: command() });
    expect(res.statusCode).toBe(401);
    await res.body.dump();
  });

  it('GIVEN Slack’s URL check WHEN it arrives THEN the challenge is echoed, and ssl_check is answered', async () => {
    const body = JSON.stringify({ type: 'url_verification', token: 't', challenge: 'ch-123' });
    const ts = Math.floor(Date.now() / 1000);
    const res = await request(`${stack.baseUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(SIGNING_SECRET, ts, body) },
      body,
    });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ challenge: 'ch-123' });
    const ssl = await request(`${stack.baseUrl}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'ssl_check=1&token=x' });
    expect(ssl.statusCode).toBe(200);
    await ssl.body.dump();
  });
});

describe('Slack redeliveries', () => {
  it('GIVEN a command WHEN Slack redelivers it (X-Slack-Retry-Num) THEN it is acknowledged with 200 and no second job starts', async () => {
    const body = command('https://music.example/once.mp3');
    const first = await stack.send(body);
    expect(first.status).toBe(200);
    const redelivered = await stack.send(body, { retryNum: 1 });
    expect(redelivered.status).toBe(200);
    expect(redelivered.text).toBe('');

    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL).at(-1));
    await waitFor('job done', () => card.updates.some((u) => u.text.includes('Done')));
    expect((await jobsOf()).filter((j) => j.inputName === 'once.mp3')).toHaveLength(1);
    expect(stack.sim.control.tasks().filter((t) => String(t.params.audioUrl).includes('once.mp3'))).toHaveLength(1);
    expect(stack.slack.channelMessages(CHANNEL)).toHaveLength(1);

    // The header alone decides: a redelivery is dropped even if its first try is unknown here.
    expect((await stack.send(command('https://music.example/only-retry.mp3'), { retryNum: 2 })).status).toBe(200);
    await stack.send(command('https://music.example/sentinel.mp3'));
    await waitFor('a later command’s job', async () => (await jobsOf()).some((j) => j.inputName === 'sentinel.mp3'));
    expect((await jobsOf()).some((j) => j.inputName === 'only-retry.mp3')).toBe(false);
  });

  it('GIVEN the same signed request replayed (same trigger id, no retry header) WHEN it arrives again THEN it starts nothing either', async () => {
    const body = command('https://music.example/replayed.mp3');
    expect((await stack.send(body)).status).toBe(200);
    expect((await stack.send(body)).status).toBe(200);
    await waitFor('job created', async () => (await jobsOf()).some((j) => j.inputName === 'replayed.mp3'));
    expect((await jobsOf()).filter((j) => j.inputName === 'replayed.mp3')).toHaveLength(1);
  });

  it('GIVEN an interaction Slack did not send as JSON WHEN its payload is broken THEN it is a 400, not a crash', async () => {
    const res = await stack.send('payload=%7Bnot-json');
    expect(res.status).toBe(400);
  });
});
