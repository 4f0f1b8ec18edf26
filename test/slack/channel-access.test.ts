// Where stembot cannot post, the person who asked is told privately what to fix, and no Kie credits are spent
// when that is known up front. Where Slack only slows down (429, 5xx), the outbox retries and nothing shows twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slashCommand } from '../fakes/slack-requests.js';
import { CHANNEL, startStack, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
/** Each group gets its own stembot and fakes: jobs left over in one must not consume the other's faults. */
function freshStack() {
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });
}

async function separateIn(channelId: string, file: string) {
  const responseUrl = stack.slack.responseUrl();
  const res = await stack.send(slashCommand({ command: '/separate', text: `https://music.example/${file}`, channelId, responseUrl }));
  expect(res.status).toBe(200);
  return responseUrl;
}
const answerAt = (responseUrl: string) => waitFor('private answer', () => stack.slack.responses.find((r) => responseUrl.endsWith(`/${r.id}`)));

describe('Slack channels stembot cannot post in', () => {
  freshStack();
  it('GIVEN stembot is not in #outside WHEN someone runs /separate there THEN they are told privately to invite it, and no job starts', async () => {
    stack.slack.addChannel('C0OUTSIDE', { name: 'outside', isMember: false });
    const answer = await answerAt(await separateIn('C0OUTSIDE', 'outside.mp3'));
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(answer.body.text)).toContain('not a member of this channel');
    expect(String(answer.body.text)).toContain('/invite @stembot');
    expect(stack.sim.control.tasks()).toHaveLength(0);
    expect(stack.slack.channelMessages('C0OUTSIDE')).toHaveLength(0);
    expect(await stack.bot.service.listForUser('slack', 'U0ALICE', 10)).toHaveLength(0);
  });

  it('GIVEN a private channel stembot is not in WHEN a command runs there THEN the answer explains it cannot see the conversation', async () => {
    stack.slack.addChannel('G0SECRET', { isMember: false, isPrivate: true });
    const answer = await answerAt(await separateIn('G0SECRET', 'secret.mp3'));
    expect(String(answer.body.text)).toContain('private channel or a direct message');
    expect(stack.sim.control.tasks()).toHaveLength(0);
  });

  it('GIVEN the optional chat:write.public scope WHEN a command runs in a public channel stembot never joined THEN the job goes ahead there', async () => {
    stack.slack.addChannel('C0OPEN', { isMember: false });
    stack.slack.scopes.push('chat:write.public');
    try {
      await separateIn('C0OPEN', 'open.mp3');
      const card = await waitFor('status card', () => stack.slack.channelMessages('C0OPEN')[0]);
      await waitFor('stems', () => stack.slack.thread('C0OPEN', card.ts).flatMap((m) => m.files).length === 2);
    } finally {
      stack.slack.scopes.pop();
    }
  });

  it('GIVEN stembot cannot check membership (no read scope) WHEN Slack then refuses the status post with not_in_channel THEN the requester still hears why', async () => {
    stack.slack.addChannel('C0UNSEEN', { isMember: false });
    stack.slack.failNext('conversations.info', { error: 'missing_scope', needed: 'channels:read' });
    const url = await separateIn('C0UNSEEN', 'unseen.mp3');
    // The job started (its private "Started job" answer comes first), then Slack refused the card.
    expect(String((await answerAt(url)).body.text)).toMatch(/^Started job `[0-9a-z]+`/);
    const answer = await waitFor('the not-a-member answer', () =>
      stack.slack.responses.find((r) => url.endsWith(`/${r.id}`) && /^Job `[0-9a-z]+`: I’m not a member of this channel/.test(String(r.body.text))),
    );
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(stack.slack.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0UNSEEN')).toBe(true);
  });
});

describe('Slack slowing down', () => {
  freshStack();
  it('GIVEN Slack answers 429 with Retry-After to the first status post WHEN a job starts THEN the card appears once, after the wait', async () => {
    stack.slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    const started = Date.now();
    await separateIn(CHANNEL, 'busy.mp3');
    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[0]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await waitFor('done', () => card.updates.some((u) => u.text.includes('Done')));
    expect(stack.slack.channelMessages(CHANNEL)).toHaveLength(1);
    await waitFor('both stems', () => stack.slack.thread(CHANNEL, card.ts).flatMap((m) => m.files).length === 2);
  });

  it('GIVEN sharing the stems is rate limited once WHEN the outbox retries THEN they are shared without uploading again, and appear once', async () => {
    const uploadsBefore = stack.slack.callsTo('files.getUploadURLExternal').length;
    stack.slack.failNext('files.completeUploadExternal', { error: 'ratelimited' });
    stack.slack.failNext('chat.update', { status: 503 }, 2); // and a passing 5xx on the card (twice: the client retries once itself)
    await separateIn(CHANNEL, 'slow.mp3');
    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[1]);
    const files = await waitFor('stems', () => {
      const f = stack.slack.thread(CHANNEL, card.ts).flatMap((m) => m.files);
      return f.length === 2 ? f : null;
    });
    expect(files.every((f) => f.sha256)).toBe(true);
    expect(stack.slack.callsTo('files.getUploadURLExternal').length - uploadsBefore).toBe(2);
    await waitFor('card done', () => card.updates.some((u) => u.text.includes('Done')));
    expect(stack.slack.thread(CHANNEL, card.ts).filter((m) => m.files.length)).toHaveLength(1);
  });
});
