// Fuzzed intake at POST /slack/events (HTTP mode, HMAC-SHA256-signed) on a real app and store, the Slack
// adapter mounted by createStembot and talking to the fake Slack Web API: unsigned or forged requests are
// refused and change nothing; signed ones — Slack's own request shapes, mutated — never get a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../fakes/slack-api.js';
import { buttonPress, interactive, messageShortcut, sign, slashCommand } from '../fakes/slack-requests.js';
import { contentType, garbage, junkBody, mutated } from './arbitraries.js';
import { quiet, startIntake, type Intake } from './harness.js';

const BOT_TOKEN = 'xoxb-fuzz-bot-token';
const SECRET = 'fuzz-signing-secret-0123456789';
const CHANNEL = 'C0MUSIC';

let slack: FakeSlack;
let intake: Intake;
beforeAll(async () => {
  slack = await FakeSlack.start({ botToken: BOT_TOKEN });
  slack.addChannel(CHANNEL, { name: 'music' });
  intake = await startIntake({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, DOWNLOAD_ALLOW_HOSTS: slack.host }, { shedEventLoopDelayMs: 0 });
});
afterAll(async () => {
  await intake?.close();
  await slack?.close();
});

/** Slack's request shapes as key/value objects: form fields of slash commands, `payload` JSON of interactivity. */
function seeds(): Record<string, unknown>[] {
  const responseUrl = slack.responseUrl();
  const form = (b: string) => Object.fromEntries(new URLSearchParams(b));
  const payload = (b: string) => JSON.parse(new URLSearchParams(b).get('payload')!) as Record<string, unknown>;
  return [
    form(slashCommand({ command: '/separate', text: 'https://audio.example/song.mp3 stems', channelId: CHANNEL, responseUrl })),
    form(slashCommand({ command: '/add-vocals', text: 'https://audio.example/song.mp3 prompt:"a folk song" style:Folk title:"River"', channelId: CHANNEL, responseUrl })),
    form(slashCommand({ command: '/jobs', text: '', channelId: CHANNEL, responseUrl })),
    { payload: payload(buttonPress({ channelId: CHANNEL, messageTs: '1.0001', responseUrl, actionId: 'redeliver', value: 'abcdefghjk' })) },
    { payload: payload(messageShortcut({ callbackId: 'separate_message', channelId: CHANNEL, responseUrl, message: { ts: '1.0002', text: 'https://audio.example/a.mp3' } })) },
  ];
}
/** Back to the wire: form-encoded, interactivity's `payload` as JSON text. */
const encode = (o: Record<string, unknown>) =>
  new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
const body = () => fc.oneof({ weight: 3, arbitrary: mutated(seeds()).map(encode) }, { weight: 1, arbitrary: junkBody }, { weight: 1, arbitrary: junkBody.map((j) => interactive({ junk: j })) });
const form = fc.oneof({ weight: 4, arbitrary: fc.constant('application/x-www-form-urlencoded') }, { weight: 1, arbitrary: contentType });

describe('fuzzed Slack events endpoint', () => {
  it('GIVEN requests without a valid Slack signature WHEN posted THEN refused and the store is unchanged', async () => {
    const statuses = new Set<number>();
    const forged = fc.record({ body: body(), type: form, how: fc.constantFrom('missing', 'garbled', 'other-body', 'stale', 'v1'), noise: garbage });
    await fc.assert(
      fc.asyncProperty(forged, async (r) => {
        const ts = r.how === 'stale' ? Math.floor(Date.now() / 1000) - 3_600 : Math.floor(Date.now() / 1000);
        const sig = { missing: undefined, garbled: r.noise, 'other-body': sign(SECRET, ts, `${r.body}&x=1`), stale: sign(SECRET, ts, r.body), v1: sign(SECRET, ts, r.body).replace('v0=', 'v1=') }[r.how];
        const headers: Record<string, string> = { 'content-type': r.type, 'x-slack-request-timestamp': r.how === 'garbled' ? r.noise : String(ts), ...(sig !== undefined ? { 'x-slack-signature': sig } : {}) };
        const before = intake.snapshot();
        const res = await intake.bot.app.inject({ method: 'POST', url: '/slack/events', payload: r.body, headers });
        statuses.add(res.statusCode);
        // Slack's unsigned certificate check (`ssl_check=1`) is answered 200 and does nothing: also "unchanged".
        expect(res.statusCode).toBeLessThan(500);
        expect(intake.snapshot()).toBe(before);
      }),
      { numRuns: 300 },
    );
    expect(statuses.has(401)).toBe(true);
  });

  it('GIVEN correctly signed but arbitrary or mutated Slack requests WHEN posted THEN never a 5xx, and a refusal changes nothing', async () => {
    const statuses = new Set<number>();
    let accepted = true;
    await fc.assert(
      fc.asyncProperty(body(), form, async (payload, type) => {
        // Only an accepted request can leave work running after its answer.
        const before = accepted ? await quiet(intake) : intake.snapshot();
        const ts = Math.floor(Date.now() / 1000);
        const res = await intake.bot.app.inject({
          method: 'POST',
          url: '/slack/events',
          payload,
          headers: { 'content-type': type, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(SECRET, ts, payload) },
        });
        statuses.add(res.statusCode);
        accepted = res.statusCode < 300;
        expect(res.statusCode).toBeLessThan(500);
        if (!accepted) expect(intake.snapshot()).toBe(before);
      }),
      // Always tried first: signed JSON that is not an object (found by this test: `null` answered 500).
      { numRuns: 200, examples: [['null', 'application/json'], ['payload=null', 'application/x-www-form-urlencoded'], ['[]', 'application/json'], ['7', 'application/json']] },
    );
    expect(statuses.has(200)).toBe(true);
    expect((await intake.bot.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  }, 90_000);
});
