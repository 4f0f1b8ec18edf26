// The doctor as an operator meets it: `node dist/main.js doctor` (here the same entry through tsx) as a real
// child process, and the one summary line the running server logs at start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { FakeSlack } from '../fakes/slack-api.js';
import { freePort } from '../multi/processes.js';
import { runEntry } from './entry.js';

let sim: RunningSimulator;
let slack: FakeSlack;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: 'kie-key', credits: 777 });
  slack = await FakeSlack.start({ botToken: 'xoxb-cli' });
  dir = mkdtempSync(join(tmpdir(), 'stembot-doctor-cli-'));
});
afterAll(async () => {
  await sim.close();
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (port: number, over: Record<string, string> = {}) => ({
  HOST: '127.0.0.1',
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  DATA_DIR: join(dir, 'data'),
  DATABASE_URL: `sqlite:${join(dir, 'stembot.db')}`,
  KIE_API_KEY: 'kie-key',
  KIE_API_URL: sim.url,
  KIE_UPLOAD_URL: sim.url,
  SLACK_BOT_TOKEN: 'xoxb-cli',
  SLACK_SIGNING_SECRET: 'signing-secret',
  SLACK_API_URL: slack.apiUrl,
  ...over,
});

describe('doctor as a child process', () => {
  it('GIVEN a Slack token without files:write WHEN `main.ts doctor` runs THEN it prints the checklist and exits 1', async () => {
    slack.scopes = ['commands', 'chat:write', 'files:read', 'channels:read', 'groups:read', 'im:read', 'mpim:read'];
    const port = await freePort();
    const r = await runEntry(['doctor'], env(port), { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      '✔ configuration — valid (Kie, Slack)',
      `✔ store — SQLite at ${join(dir, 'stembot.db')} reachable, migrations applied`,
      '– Redis — REDIS_URL not set (Postgres or this process holds Kie’s submission limit)',
      '✔ Kie key and balance — key accepted, balance 777 credits',
      `✔ Kie upload host — ${new URL(sim.url).host} answers (HTTP 404)`,
      `! PUBLIC_URL is https — http://127.0.0.1:${port} is plain http on this machine: fine for a local test, but Kie, Discord and Slack need a public https URL.`,
      `✔ PUBLIC_URL routes back — http://127.0.0.1:${port}/callbacks/kie/… reached this stembot (answered by the doctor listening on 127.0.0.1:${port}; nothing else was running)`,
      '– Discord — DISCORD_TOKEN not set',
      '✔ Slack token — valid, @stembot in Stembot Test',
      '✘ Slack scopes — missing files:write — add them under OAuth & Permissions (or reinstall from slack-manifest.yml) and reinstall the app.',
      `✔ Slack request URL — set every request URL of the app (slash commands, interactivity — the URLs in slack-manifest.yml) to http://127.0.0.1:${port}/slack/events; a bot token cannot read them back`,
      'doctor: 7 ok, 1 warning (PUBLIC_URL is https), 1 failed (Slack scopes)',
    ]);
    expect(r.code).toBe(1);
  });

  it('GIVEN the same failure WHEN the server starts THEN it logs ONE doctor summary line and keeps serving', async () => {
    slack.scopes = ['commands', 'chat:write', 'files:read', 'channels:read', 'groups:read', 'im:read', 'mpim:read'];
    const port = await freePort();
    let health = 0;
    const r = await runEntry([], env(port, { DATA_DIR: join(dir, 'srv'), DATABASE_URL: `sqlite:${join(dir, 'srv.db')}` }), {
      cwd: dir,
      until: '"msg":"doctor:',
      meanwhile: async () => void (health = (await fetch(`http://127.0.0.1:${port}/healthz`)).status),
    });
    const doctorLines = r.stdout.split('\n').filter((l) => l.includes('"msg":"doctor:'));
    expect(doctorLines, r.stdout + r.stderr).toHaveLength(1);
    const logged = JSON.parse(doctorLines[0]!);
    expect(logged.checks.filter((c: { status: string }) => c.status === 'fail')).toEqual([expect.objectContaining({ name: 'Slack scopes' })]);
    expect(logged.msg).toBe('doctor: 7 ok, 1 warning (PUBLIC_URL is https), 1 failed (Slack scopes) — run `npm run doctor` for the checklist');
    expect(logged.checks).toContainEqual({ name: 'PUBLIC_URL routes back', status: 'ok', detail: `http://127.0.0.1:${port}/callbacks/kie/… reached this stembot` });
    // It started (and listened) before the checks ran, and a failed check did not stop it.
    expect(r.stdout.indexOf('stembot is running')).toBeGreaterThan(-1);
    expect(r.stdout.indexOf('stembot is running')).toBeLessThan(r.stdout.indexOf('"msg":"doctor:'));
    expect(health).toBe(200);
    expect(r.stderr).toBe('');
  });
});
