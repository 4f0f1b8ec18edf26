// Stems over the Slack cap (SLACK_MAX_FILE_BYTES) are not uploaded: the thread links Kie's copies instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slashCommand } from '../fakes/slack-requests.js';
import { CHANNEL, startStack, type Stack } from './harness.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { SLACK_MAX_FILE_BYTES: String(1024 * 1024) } });
});
afterAll(async () => {
  await stack?.close();
});

describe('Slack file cap', () => {
  it('GIVEN a 1 MiB cap WHEN Kie’s stems are 30 MiB each THEN the thread links them and uploads nothing', async () => {
    await stack.send(slashCommand({ command: '/separate', text: 'https://music.example/huge.wav?sim=big-stems', channelId: CHANNEL, responseUrl: stack.slack.responseUrl() }));
    const card = await waitFor('status card', () => stack.slack.channelMessages(CHANNEL)[0]);
    const links = await waitFor('links message', () => stack.slack.thread(CHANNEL, card.ts).find((m) => m.text.includes('Too large to attach here')));
    const task = stack.sim.control.tasks()[0]!;
    expect(links.text).toContain('(limit 1 MiB)');
    for (const f of task.files) expect(links.text).toContain(`<${f.url}|`);
    expect(stack.slack.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    expect(JSON.stringify(links.blocks ?? [])).toContain('Split into 12 stems');
  });
});
