// No silent double charge: stembot is SIGKILLed while its submission is with Kie (Kie accepted and charged, the
// answer never came back). After the restart it does not submit again on its own — Kie has no idempotency key.
// The Slack status card says the job may or may not have started and the thread gets a "Submit again" button
// that only the requester may press; pressing it submits once more. A callback that does arrive still completes
// the job. Real stembot process (test/support/stembot-entry.ts, the Slack adapter mounted from the environment),
// the Kie simulator behind a proxy that holds the submission's answer, the fake Slack Web API.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { StembotProcess } from '../support/stembot-process.js';
import { HoldingProxy } from './holding-kie.js';
import { chaosTuning } from '../chaos/settings.js';
import { FakeSlack, type FakeMessage } from '../fakes/slack-api.js';
import { alice, bob, buttonPress, postToSlackEndpoint, slashCommand } from '../fakes/slack-requests.js';
import { BOT_TOKEN, CHANNEL, SIGNING_SECRET } from '../slack/harness.js';
import { freePort } from '../multi/processes.js';
import { sleep, waitFor } from '../support/wait.js';

let sim: RunningSimulator;
let kie: HoldingProxy;
let slack: FakeSlack;
let dir: string;
let proc: StembotProcess;
let base = '';

beforeAll(async () => {
  sim = await startSimulator({ apiKey: 'unsure-kie-key', speed: 10, stemBytes: 4_044 });
  kie = await new HoldingProxy(sim.url).start();
  slack = await FakeSlack.start({ botToken: BOT_TOKEN });
  slack.addChannel(CHANNEL, { name: 'music' });
  dir = await mkdtemp(join(tmpdir(), 'stembot-unsure-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  proc = new StembotProcess({
    KIE_API_KEY: 'unsure-kie-key',
    KIE_API_URL: kie.url,
    KIE_UPLOAD_URL: kie.url,
    PUBLIC_URL: base,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: `sqlite:${join(dir, 'stembot.db')}`,
    DATA_DIR: dir,
    DOWNLOAD_ALLOW_HOSTS: [new URL(sim.url).host, slack.host].join(','),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    LOG_LEVEL: 'silent',
    STEMBOT_TUNING: JSON.stringify(chaosTuning),
  });
  await proc.start();
}, 60_000);
afterEach(() => {
  kie.hold = false;
});
afterAll(async () => {
  await proc?.stop();
  await kie?.close();
  await sim?.close();
  await slack?.close();
  await rm(dir, { recursive: true, force: true });
});

const send = (body: string) => postToSlackEndpoint(base, body, { secret: SIGNING_SECRET });

/** Start a job with /separate and SIGKILL stembot while Kie holds the submission's answer; start it again. */
async function crashInSubmission(song: string): Promise<{ card: FakeMessage; accepted: number }> {
  const before = slack.channelMessages(CHANNEL).length;
  const acceptedBefore = sim.control.stats().accepted;
  kie.hold = true;
  const held = kie.nextHeld();
  expect((await send(slashCommand({ command: '/separate', text: `https://music.example/${song}.mp3`, channelId: CHANNEL, responseUrl: slack.responseUrl() }))).status).toBe(200);
  await held;
  expect(sim.control.stats().accepted).toBe(acceptedBefore + 1); // Kie took it (and charged)
  await proc.kill();
  kie.hold = false;
  await proc.start();
  const card = await waitFor('status card', () => slack.channelMessages(CHANNEL)[before]);
  return { card, accepted: acceptedBefore + 1 };
}

const cardText = (card: FakeMessage) => card.updates.at(-1)?.text ?? card.text;
const resubmitButton = (m: FakeMessage) => (m.blocks ?? []).flatMap((b) => (b.elements as { action_id?: string; value?: string; text?: { text: string } }[] | undefined) ?? []).find((e) => e.action_id?.startsWith('stembot:resubmit:'));

describe('a crash in the submission round trip', () => {
  it('GIVEN stembot died while Kie held its answer WHEN it restarts THEN it does not submit again, says so with a "Submit again" button only the requester can use, and pressing it submits once', async () => {
    sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 3_600_000, lost: true }] }); // this task never calls back
    const { card, accepted } = await crashInSubmission('unsure');

    const notice = await waitFor('the unconfirmed notice', () => slack.thread(CHANNEL, card.ts).find((m) => resubmitButton(m)), 20_000);
    expect(notice.text).toMatch(/Not sure Kie got this job/);
    expect(notice.text).toMatch(/may be charged twice/);
    expect(resubmitButton(notice)?.text?.text).toBe('Submit again (may charge twice)');
    await waitFor('the status card says so', () => /may or may not have started/.test(cardText(card)));
    // Well past the lease that would have retried the submission before: still one submission at Kie.
    await sleep(4_000);
    expect(sim.control.stats().accepted).toBe(accepted);
    expect(slack.thread(CHANNEL, card.ts).filter((m) => resubmitButton(m))).toHaveLength(1);

    // Someone else's press is refused; nothing is sent to Kie.
    const button = resubmitButton(notice)!;
    const press = (user: typeof alice) => send(buttonPress({ channelId: CHANNEL, messageTs: notice.ts, threadTs: card.ts, responseUrl: slack.responseUrl(), actionId: button.action_id!, value: button.value!, user }));
    expect((await press(bob)).status).toBe(200);
    await waitFor('the refusal', () => slack.responses.find((r) => /Only <@U0ALICE>/.test(String(r.body.text))));
    expect(sim.control.stats().accepted).toBe(accepted);

    // The requester's press submits once, and the job completes.
    expect((await press(alice)).status).toBe(200);
    const files = await waitFor('stems after Submit again', () => {
      const f = slack.thread(CHANNEL, card.ts).flatMap((m) => m.files);
      return f.length === 2 ? f : undefined;
    }, 30_000);
    expect(files.map((f) => f.name)).toEqual(['unsure - Vocals.wav', 'unsure - Instrumental.wav']);
    expect(sim.control.stats().accepted).toBe(accepted + 1);
    await waitFor('the card shows the result', () => /Done — 2 stems/.test(cardText(card)));

    // A second press after that is refused: Kie has the job.
    expect((await press(alice)).status).toBe(200);
    await waitFor('the second refusal', () => slack.responses.find((r) => /Kie has this job already/.test(String(r.body.text))));
    expect(sim.control.stats().accepted).toBe(accepted + 1);
  }, 90_000);

  it('GIVEN stembot died while Kie held its answer WHEN Kie calls back later THEN the job completes from the callback, with no second submission', async () => {
    // Kie finishes well after the restart (simulator time runs 10× faster: 80 s here is 8 s).
    sim.control.scriptNext({ steps: [{ stage: 'complete', afterMs: 80_000 }] });
    const { card, accepted } = await crashInSubmission('late-callback');
    await waitFor('the unconfirmed notice', () => slack.thread(CHANNEL, card.ts).find((m) => resubmitButton(m)), 20_000);
    const files = await waitFor('stems from the callback', () => {
      const f = slack.thread(CHANNEL, card.ts).flatMap((m) => m.files);
      return f.length === 2 ? f : undefined;
    }, 40_000);
    expect(files.map((f) => f.name)).toEqual(['late-callback - Vocals.wav', 'late-callback - Instrumental.wav']);
    await waitFor('the card shows the result', () => /Done — 2 stems/.test(cardText(card)));
    expect(sim.control.stats().accepted).toBe(accepted);
  }, 90_000);
});
