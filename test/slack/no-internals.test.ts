// Chat shows no internals on Slack either: when Slack cannot be reached to open a form, the person is told so
// without the network error (addresses, ECONNREFUSED), which goes to the log. A real WebClient against a port
// nobody listens on, so the error is the one a real outage produces.
import { describe, expect, it } from 'vitest';
import { openModal } from '../../src/chat/slack/command-handlers.js';
import type { SlackDeps } from '../../src/chat/slack/deps.js';
import { createWebClient } from '../../src/chat/slack/web-client.js';
import { createLogger } from '../../src/ops/logger.js';

describe('Slack answers without internals', () => {
  it('GIVEN Slack’s API is unreachable WHEN a form should open THEN the private answer has no address or error code', async () => {
    const log = createLogger('silent');
    const web = createWebClient('xoxb-unused', 'http://127.0.0.1:1/api/', log, 2_000);
    const said: string[] = [];
    await openModal({ web, log } as unknown as SlackDeps, 'trigger-1', 'separate', { c: 'C1' }, async (text) => void said.push(text));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^Slack did not open the form\. Try again/);
    expect(said[0]).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|network|:1\b/);
  });
});
