// The HTTP receiver on its own (Fastify inject, no network): Slack always gets an answer before its 3 s are up,
// the listener's ack body is the HTTP answer, and a crash before the ack is a 500 rather than a hang.
import Fastify from 'fastify';
import type { ReceiverEvent } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { FastifyReceiver, slackEventsRoute } from '../../src/chat/slack/receiver.js';
import { ReplayCache } from '../../src/chat/replay-cache.js';
import { parseSlackSettings } from '../../src/chat/slack/settings.js';
import { verifySlackSignature } from '../../src/chat/slack/signature.js';
import { sign } from '../fakes/slack-requests.js';

const secret = 'unit-secret';

/** A receiver whose "Bolt" is the given listener. */
class StubReceiver extends FastifyReceiver {
  constructor(private readonly listener: (e: ReceiverEvent) => Promise<void>) {
    super();
  }
  override dispatch(event: ReceiverEvent): Promise<void> {
    return this.listener(event);
  }
}

async function appWith(listener: (e: ReceiverEvent) => Promise<void>, ackTimeoutMs = 2_500) {
  const app = Fastify();
  // A JSON parser on the parent must not interfere: the route has its own raw-body parsers.
  app.post('/other', async (req) => req.body);
  await app.register(slackEventsRoute({ receiver: new StubReceiver(listener), signingSecret: secret, clock: { now: () => Date.now() }, toleranceSec: 300, ackTimeoutMs, replay: new ReplayCache(60_000) }));
  return app;
}

function signedForm(body: string) {
  const ts = Math.floor(Date.now() / 1000);
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(secret, ts, body) };
}

const commandBody = (trigger: string) => new URLSearchParams({ command: '/separate', text: '', trigger_id: trigger, team_id: 'T', channel_id: 'C', user_id: 'U' }).toString();

describe('Slack HTTP receiver', () => {
  it('GIVEN a listener that acks with a body WHEN a command arrives THEN that body is the answer', async () => {
    const app = await appWith(async (e) => {
      expect(e.body).toMatchObject({ command: '/separate', trigger_id: 't1' });
      await e.ack({ response_type: 'ephemeral', text: 'hi' });
    });
    const body = commandBody('t1');
    const res = await app.inject({ method: 'POST', url: '/slack/events', headers: signedForm(body), payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ response_type: 'ephemeral', text: 'hi' });
    // The parent app's JSON parsing still works outside the plugin.
    expect((await app.inject({ method: 'POST', url: '/other', payload: { a: 1 } })).json()).toEqual({ a: 1 });
  });

  it('GIVEN a listener that never acks WHEN a command arrives THEN Slack still gets a 200 before its 3 s deadline', async () => {
    const app = await appWith(() => new Promise(() => undefined), 150);
    const body = commandBody('t2');
    const started = Date.now();
    const res = await app.inject({ method: 'POST', url: '/slack/events', headers: signedForm(body), payload: body });
    expect(res.statusCode).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('GIVEN a listener that throws before or after acking THEN Slack still gets its 200 (a 5xx would only make it redeliver)', async () => {
    let ran = 0;
    const crash = await appWith(async () => {
      ran++;
      throw new Error('boom');
    });
    const body = commandBody('t3');
    expect((await crash.inject({ method: 'POST', url: '/slack/events', headers: signedForm(body), payload: body })).statusCode).toBe(200);
    expect(ran).toBe(1);
    const late = await appWith(async (e) => {
      await e.ack();
      throw new Error('after');
    });
    const body2 = commandBody('t4');
    expect((await late.inject({ method: 'POST', url: '/slack/events', headers: signedForm(body2), payload: body2 })).statusCode).toBe(200);
  });

  it('verifies signatures in constant time over the raw body, within ±5 minutes', () => {
    const raw = Buffer.from('a=1');
    const now = 1_700_000_000_000;
    const ts = String(now / 1000);
    const good = sign(secret, Number(ts), 'a=1');
    const check = (o: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
      verifySlackSignature({ signingSecret: secret, timestamp: ts, signature: good, rawBody: raw, nowMs: now, toleranceSec: 300, ...o });
    expect(check({})).toEqual({ ok: true });
    expect(check({ nowMs: now + 301_000 })).toEqual({ ok: false, reason: 'stale' });
    expect(check({ nowMs: now - 301_000 })).toEqual({ ok: false, reason: 'stale' });
    expect(check({ signature: good.slice(0, -1) })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ signature: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(check({ timestamp: '12abc' })).toEqual({ ok: false, reason: 'missing' });
  });

  it('reads SLACK_MAX_FILE_BYTES, naming it when it is wrong', () => {
    expect(parseSlackSettings({})).toMatchObject({ ok: true, settings: { maxFileBytes: 100 * 1024 * 1024, maxFilesPerMessage: 10 } });
    expect(parseSlackSettings({ SLACK_MAX_FILE_BYTES: '52428800' })).toMatchObject({ ok: true, settings: { maxFileBytes: 52_428_800 } });
    expect(parseSlackSettings({ SLACK_MAX_FILE_BYTES: 'lots' })).toMatchObject({ ok: false, message: expect.stringContaining('SLACK_MAX_FILE_BYTES') });
    expect(parseSlackSettings({ SLACK_MAX_FILE_BYTES: String(2 * 1024 ** 3) })).toMatchObject({ ok: false, message: expect.stringContaining('1 GB') });
  });
});
