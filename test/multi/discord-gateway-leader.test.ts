// Discord gateway mode with several instances on one Postgres database, end to end: real discord.js Clients
// connect a fake Discord gateway over WebSocket, and the advisory-lock leader (src/cluster/leader.ts, wired in
// src/chat/discord/mount.ts) decides which one. Asserted as a user would see it: one gateway session open at
// any time, every interaction answered once, and after the leader stops or loses its database session another
// instance connects and answers. The fake gateway sends each interaction to every open session, so a second
// connection would show as a second answer. The last two cases hold src/chat/discord/gateway.ts to two
// discord.js traps: a Client destroyed a second time (after a second login) keeps its connection, and one
// destroyed while its login waits for READY reconnects by itself. The last two suites: a leader that cannot log in
// (its IDENTIFYs refused, or READY never coming) gives the lock up after gatewayLoginGiveUpMs and its abandoned
// client stays closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayIntentBits } from 'discord.js';
import type { Tuning } from '../../src/config.js';
import { discordStackTuning } from '../support/tuning.js';
import { sleep, waitFor } from '../support/wait.js';
import { slashCommand, type Person } from '../fakes/discord-interactions.js';
import type { GatewaySession } from '../fakes/discord-gateway.js';
import { APP_ID, startDiscordBots, type Bot, type DiscordBots } from './discord-bots.js';
import { failMissing, pgUrl } from './env.js';

const RETRY_MS = 150;
/** The Discord suites' fast clocks, a quick leader hand-over and a short stop. */
const tuning: Partial<Tuning> = { ...discordStackTuning, leaderRetryMs: RETRY_MS, httpCloseGraceMs: 200 };
const alice: Person = { id: '1200000000000000001', username: 'alice' };
const LOCK_KEY = `stembot:discord-gateway:${APP_ID}`;


describe('Discord gateway with several instances on Postgres', () => {
  if (!pgUrl) return failMissing('DATABASE_URL_TEST', 'the Discord gateway leader suite');
  const adminUrl = pgUrl;
  let s: DiscordBots;

  beforeAll(async () => {
    s = await startDiscordBots({ adminUrl, names: ['a', 'b', 'c'], startWith: ['a', 'b'], tuning, heartbeatIntervalMs: 500 });
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Count open gateway sessions every few ms while `during` runs: the most seen at once. */
  async function mostOpenDuring(during: () => Promise<void>): Promise<number> {
    let most = s.gateway.openSessions().length;
    const timer = setInterval(() => (most = Math.max(most, s.gateway.openSessions().length)), 2);
    try {
      await during();
    } finally {
      clearInterval(timer);
    }
    return Math.max(most, s.gateway.openSessions().length);
  }

  /** The one open session and the instance it belongs to (fails on none or several). */
  function theSession(): { session: GatewaySession; bot: Bot } {
    const open = s.gateway.openSessions();
    expect(open.map((x) => s.byToken(x.token)?.name), 'whose gateway sessions are open').toHaveLength(1);
    const bot = s.byToken(open[0]!.token);
    expect(bot?.running, 'the session belongs to a running instance').toBe(true);
    return { session: open[0]!, bot: bot! };
  }

  const callbacksFor = (i: { id: string; token: string }) => s.discord.requests.filter((r) => r.method === 'POST' && r.path === `/api/v10/interactions/${i.id}/${i.token}/callback`);

  /** Send /jobs over the gateway; it must reach one session and be answered once, by `by`. */
  async function jobsAnsweredOnceBy(by: Bot): Promise<void> {
    const i = slashCommand('jobs', {}, alice, s.place());
    s.discord.expectInteraction(i.token);
    const reached = s.gateway.dispatchInteraction(i);
    expect(reached.map((x) => s.byToken(x.token)?.name)).toEqual([by.name]);
    const list = await waitFor('the /jobs answer', () => s.discord.privateReply(i.token)?.embeds?.[0]);
    expect(list.title).toBe('Your recent jobs');
    await sleep(RETRY_MS * 2); // a second answer would have come by now
    expect(callbacksFor(i).map((r) => r.status)).toEqual([204]);
  }

  /** End the database session holding the gateway lock, as a failover or a network cut would. */
  async function terminateLockSession(): Promise<void> {
    // pg_locks shows an advisory key's high and low 32 bits as classid and objid (as in leader.test.ts).
    const [holder] = await s.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
         AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
      [LOCK_KEY],
    );
    expect(holder, 'a backend holds the gateway lock').toBeDefined();
    await s.query('SELECT pg_terminate_backend($1)', [holder!.pid]);
  }

  /** Wait until `bot` has the one open session; never more than one open meanwhile. */
  async function handedOverTo(bot: Bot, during: () => Promise<void>): Promise<GatewaySession> {
    let session: GatewaySession | undefined;
    const most = await mostOpenDuring(async () => {
      await during();
      session = await waitFor(`${bot.name} connects the gateway`, () => s.gateway.openSessions().find((x) => x.token === bot.token), RETRY_MS * 30);
      await sleep(RETRY_MS * 4); // and nobody else connects in the next rounds
    });
    expect(most, 'gateway sessions open at once during the hand-over').toBe(1);
    expect(theSession().bot.name).toBe(bot.name);
    return session!;
  }

  let first: Bot;

  it('GIVEN two instances in gateway mode on one database WHEN they settle THEN exactly one holds a gateway session, over many retry periods', async () => {
    await waitFor('a gateway session', () => s.gateway.openSessions().length > 0);
    const most = await mostOpenDuring(() => sleep(RETRY_MS * 8));
    expect(most).toBe(1);
    const { session, bot } = theSession();
    first = bot;
    // One IDENTIFY in all (no churn), with the Guilds intent only, uncompressed.
    expect(s.gateway.identifies.map((x) => ({ token: x.token, intents: x.intents, compress: x.compress, sessionId: x.sessionId }))).toEqual([
      { token: bot.token, intents: GatewayIntentBits.Guilds, compress: false, sessionId: session.sessionId },
    ]);
    expect(s.discord.requests.filter((r) => r.path === '/api/v10/gateway/bot').map((r) => r.status)).toEqual([200]);
    expect(s.gateway.violations).toEqual([]);
  });

  it('WHEN /separate with a link is sent over the gateway THEN it is answered once and one job runs', async () => {
    const i = slashCommand('separate', { url: 'https://songs.example.com/river.mp3' }, alice, s.place());
    s.discord.expectInteraction(i.token);
    const reached = s.gateway.dispatchInteraction(i);
    expect(reached.map((x) => x.token)).toEqual([first.token]);
    const answer = await waitFor('the private answer', () => s.discord.privateReply(i.token)?.content);
    const jobId = /Started job `([0-9a-z]+)`/.exec(answer)?.[1];
    expect(jobId, answer).toBeDefined();
    // The job runs to its stems, posted once in its thread.
    const status = await waitFor('the status message', () => [...s.discord.messages.values()].find((m) => m.embeds[0]?.footer?.text?.startsWith(`Job ${jobId} `)));
    await waitFor('the stems', () => s.discord.messagesIn(status.id).flatMap((m) => m.files).length >= 2 || undefined);
    expect(callbacksFor(i).map((r) => r.status)).toEqual([204]);
    const jobs = await first.stembot.store.listJobsByUser('discord', alice.id, 50);
    expect(jobs.map((j) => j.id)).toEqual([jobId]);
    expect([...s.discord.messages.values()].filter((m) => m.embeds[0]?.footer?.text?.startsWith('Job '))).toHaveLength(1);
  });

  let second: Bot;

  it('WHEN the leader stops THEN the other instance connects within a few retry periods, never two at once, and answers the next interaction once', async () => {
    second = s.bots.find((b) => b !== first)!;
    const stoppedAt = Date.now();
    const session = await handedOverTo(second, () => first.stop());
    const identify = s.gateway.identifies.find((x) => x.sessionId === session.sessionId)!;
    expect(identify.token).toBe(second.token);
    expect(identify.at - stoppedAt).toBeLessThan(RETRY_MS * 10);
    await jobsAnsweredOnceBy(second);
  });

  let third: Bot;

  it('GIVEN a leader and a third instance WHEN the leader’s database session is terminated THEN it closes its gateway and the other takes over, never two at once', async () => {
    third = await s.start('c');
    await sleep(RETRY_MS * 3);
    expect(theSession().bot.name).toBe(second.name);
    await handedOverTo(third, terminateLockSession);
    await jobsAnsweredOnceBy(third);
  });

  it('GIVEN an instance that lost the lead WHEN it leads again and then loses again THEN it closes its gateway again, and the other answers alone', async () => {
    // `second` lost the lead above; it takes it back when `third`'s session ends …
    await handedOverTo(second, terminateLockSession);
    await jobsAnsweredOnceBy(second);
    // … and must give it up as cleanly the second time.
    await handedOverTo(third, terminateLockSession);
    await jobsAnsweredOnceBy(third);
    expect(s.gateway.violations).toEqual([]);
  });

  it('GIVEN an instance whose gateway login is half-way WHEN its database session ends THEN it still closes its gateway, leaves no connection behind, and the lead goes on', async () => {
    // `third` leads, `second` follows. Hold `second`'s READY so its next login stops half-way.
    const hold = s.gateway.holdReady(second.token);
    let since: number;
    try {
      const before = s.gateway.identifies.length;
      await terminateLockSession(); // `third`'s: `second` takes the lock and IDENTIFYs
      await waitFor(`${second.name} identifies`, () => s.gateway.identifies.slice(before).some((x) => x.token === second.token), RETRY_MS * 30);
      await terminateLockSession(); // `second`'s, while its login waits for READY
    } finally {
      hold.release();
      since = s.gateway.identifies.length;
    }
    // Either may lead next (both paused after losing). discord.js waits ~5 s between IDENTIFYs of one Client:
    // a connection left behind would be back within this wait.
    await sleep(7_000);
    const { bot: leader } = theSession();
    expect(s.gateway.openConnections(), 'open gateway connections').toBe(1);
    expect(s.gateway.identifies.slice(since).map((x) => s.byToken(x.token)?.name)).toEqual([leader.name]);
    await jobsAnsweredOnceBy(leader);
    // And the lead goes on: the other takes over when the leader's session ends.
    await handedOverTo(leader === second ? third : second, terminateLockSession);
    expect(s.gateway.violations).toEqual([]);
  });
});

describe('a gateway leader that cannot log in', () => {
  if (!pgUrl) return failMissing('DATABASE_URL_TEST', 'the Discord gateway leader suite');
  const GIVE_UP_MS = 1_500;
  let s: DiscordBots;

  beforeAll(async () => {
    s = await startDiscordBots({ adminUrl: pgUrl!, names: ['refused', 'other'], startWith: [], tuning: { ...tuning, gatewayLoginGiveUpMs: GIVE_UP_MS }, heartbeatIntervalMs: 500 });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('GIVEN the gateway refuses one instance’s login WHEN it has led for gatewayLoginGiveUpMs THEN it closes its connection and gives the lock up, and the other instance connects and answers', async () => {
    const refusing = s.gateway.refuseLogins('token-of-refused');
    const refused = await s.start('refused');
    await waitFor('the refused instance identifies', () => s.gateway.identifies.some((x) => x.token === refused.token), RETRY_MS * 30);
    const other = await s.start('other'); // follows: the refused instance holds the lock
    await sleep(GIVE_UP_MS / 2);
    expect(s.gateway.openSessions()).toEqual([]);
    const session = await waitFor('the other instance connects', () => s.gateway.openSessions().find((x) => x.token === other.token), GIVE_UP_MS * 6);
    expect(session.token).toBe(other.token);
    // Every IDENTIFY of the refused instance was refused; nothing of it stays connected or tries again (discord.js
    // would be back within ~5 s if its client had been left reconnecting).
    await sleep(6_000);
    expect(s.gateway.identifies.filter((x) => x.token === refused.token).every((x) => x.refused !== undefined)).toBe(true);
    const identifiesOfRefused = s.gateway.identifies.filter((x) => x.token === refused.token).length;
    expect(s.gateway.openConnections(), 'open gateway connections').toBe(1);
    expect(s.gateway.openSessions().map((x) => x.token)).toEqual([other.token]);
    const i = slashCommand('jobs', {}, alice, s.place());
    s.discord.expectInteraction(i.token);
    expect(s.gateway.dispatchInteraction(i).map((x) => x.token)).toEqual([other.token]);
    expect(await waitFor('the /jobs answer', () => s.discord.privateReply(i.token)?.content)).toMatch(/no stembot jobs yet/);
    await sleep(2_000);
    expect(s.discord.requests.filter((r) => r.path.startsWith(`/api/v10/interactions/${i.id}/`)).map((r) => r.status)).toEqual([204]);
    expect(s.gateway.identifies.filter((x) => x.token === refused.token)).toHaveLength(identifiesOfRefused);
    refusing.allow();
    expect(s.gateway.violations).toEqual([]);
  }, 60_000);
});

describe('a gateway leader whose login hangs waiting for READY', () => {
  if (!pgUrl) return failMissing('DATABASE_URL_TEST', 'the Discord gateway leader suite');
  const GIVE_UP_MS = 1_500;
  let s: DiscordBots;

  beforeAll(async () => {
    s = await startDiscordBots({ adminUrl: pgUrl!, names: ['stuck', 'other'], startWith: [], tuning: { ...tuning, gatewayLoginGiveUpMs: GIVE_UP_MS }, heartbeatIntervalMs: 500 });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('GIVEN READY never comes for one instance WHEN it gives up THEN its abandoned client does not come back, even once READY could flow again', async () => {
    const hold = s.gateway.holdReady('token-of-stuck');
    const stuck = await s.start('stuck');
    await waitFor('the stuck instance identifies', () => s.gateway.identifies.some((x) => x.token === stuck.token), RETRY_MS * 30);
    const other = await s.start('other');
    await waitFor('the other instance connects', () => s.gateway.openSessions().find((x) => x.token === other.token), GIVE_UP_MS * 6);
    // A client left reconnecting would IDENTIFY again within ~5 s; let READY flow for it afterwards.
    await sleep(7_000);
    hold.release();
    await sleep(1_500);
    expect(s.gateway.identifies.filter((x) => x.token === stuck.token)).toHaveLength(1);
    expect(s.gateway.openSessions().map((x) => x.token)).toEqual([other.token]);
    expect(s.gateway.openConnections(), 'open gateway connections').toBe(1);
    expect(s.gateway.violations).toEqual([]);
  }, 60_000);
});
