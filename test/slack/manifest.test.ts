// slack-manifest.yml is what an admin pastes into Slack: it must declare exactly the commands, shortcuts and
// request URL the adapter listens for, and the scopes it needs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandKinds } from '../../src/chat/slack/options.js';
import { shortcutKinds } from '../../src/chat/slack/shortcuts.js';

const manifest = readFileSync(new URL('../../slack-manifest.yml', import.meta.url), 'utf8');
const all = (re: RegExp) => [...manifest.matchAll(re)].map((m) => m[1]!);

describe('slack-manifest.yml', () => {
  it('declares every command and message shortcut stembot handles, and only those', () => {
    expect(all(/^\s+- command: (\S+)$/gm).sort()).toEqual([...Object.keys(commandKinds).map((c) => `/${c}`), '/jobs', '/job', '/credits', '/midi', '/wav'].sort());
    expect(all(/^\s+callback_id: (\S+)$/gm).sort()).toEqual(Object.keys(shortcutKinds).sort());
    expect(all(/^\s+type: (\S+)$/gm).every((t) => t === 'message')).toBe(true);
  });

  it('points commands and interactivity at /slack/events and asks for the scopes stembot uses', () => {
    const urls = all(/(?:url|request_url): (\S+)$/gm);
    expect(urls).toHaveLength(9);
    expect(urls.every((u) => u === 'https://stembot.example.com/slack/events')).toBe(true);
    expect(manifest).toMatch(/interactivity:\n\s+is_enabled: true/);
    const scopes = all(/^\s+- ([a-z]+:[a-z.]+|commands)$/gm);
    expect(scopes.slice(0, 4)).toEqual(['commands', 'chat:write', 'files:read', 'files:write']);
  });
});
