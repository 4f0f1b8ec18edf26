// `npm run test:chaos`: 300 jobs, stembot SIGKILLed and restarted at random moments, chat failing in bursts.
// Three runs. Discord-like (the chat honours `enforce_nonce`) GATES the command — it fails unless nothing was
// lost and nothing duplicated. Slack (stembot's real SlackChat against the server's Slack Web API face, no
// idempotency key), first with SIGKILLs and 500/429 bursts only, then also with dropped answers, is measured and
// printed, never gating: files are shared exactly once (ids recorded before the share, files.info on retry), but
// a text post or status card that went through and whose answer was lost is posted again there.
// Env: CHAOS_JOBS (300), CHAOS_KILLS (10), CHAOS_SEED, CHAOS_LOG_LEVEL (stembot's log level, default silent).
import { runChaos, type ChaosReport } from './run-chaos.js';

const jobs = Number(process.env.CHAOS_JOBS ?? 300);
const kills = Number(process.env.CHAOS_KILLS ?? 10);
const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : undefined;
const log = (line: string) => process.stdout.write(`  ${line}\n`);

function print(name: string, r: ChaosReport): void {
  const rows: [string, string | number][] = [
    ['jobs', r.jobs],
    ['SIGKILLs / starts', `${r.kills} / ${r.starts}`],
    ['deliverables expected', r.expected],
    ['delivered', r.delivered],
    ['lost', r.lost],
    ['duplicated', r.duplicated],
    ['  of which stems / tracks (files)', r.duplicatedFiles],
    ['jobs with a wrong or missing outcome', r.wrongOutcome],
    ['Kie tasks submitted twice (orphans)', r.orphanTasks],
    ['submissions unconfirmed → completed by callback', r.unconfirmedThenCallback],
    ['submissions unconfirmed → "Submit again" pressed', r.resubmitted],
    ['Kie callbacks sent / failed / scripted lost', `${r.sim.callbacksSent} / ${r.sim.callbacksFailed} / ${r.sim.callbacksLost}`],
    ['Kie 429s', r.sim.rateLimited],
    ['chat faults served', Object.entries(r.chatFaults).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'],
    ['finished before the deadline', r.finished ? 'yes' : 'NO'],
    ['wall time', `${(r.wallMs / 1000).toFixed(1)} s`],
    ['seed', r.seed],
  ];
  process.stdout.write(`\n${name}\n${rows.map(([k, v]) => `  ${k.padEnd(44)} ${v}`).join('\n')}\n`);
  for (const p of r.problems.slice(0, 20)) process.stdout.write(`    ${p}\n`);
}

process.stdout.write(`chaos: ${jobs} jobs, ${kills} SIGKILLs per run\n\nrun 1 — Discord-like chat (nonce + enforce_nonce honoured), chat bursts of 500 / 429 / dropped answers\n`);
const discord = await runChaos({ jobs, kills, honourNonces: true, seed, log });
print('Discord-like (gating)', discord);
process.stdout.write('\nrun 2 — Slack (real SlackChat, no idempotency key), chat bursts of 500 / 429 only: duplicates from the SIGKILLs alone\n');
const slackKills = await runChaos({ jobs, kills, honourNonces: false, chat: 'slack', seed: discord.seed, faults: ['500', '429'], log });
print('Slack, kills only (measured, not gating)', slackKills);
process.stdout.write('\nrun 3 — Slack (real SlackChat), bursts of 500 / 429 / dropped answers\n');
const slackDrops = await runChaos({ jobs, kills, honourNonces: false, chat: 'slack', seed: discord.seed, log });
print('Slack, kills + dropped answers (measured, not gating)', slackDrops);

const pass = discord.finished && discord.lost === 0 && discord.duplicated === 0;
process.stdout.write(
  `\n${pass ? 'PASS' : 'FAIL'}: Discord-like run lost ${discord.lost}, duplicated ${discord.duplicated}. ` +
    `Slack: lost ${slackKills.lost} / ${slackDrops.lost}, duplicated ${slackKills.duplicated} (files ${slackKills.duplicatedFiles}) (kills only) / ` +
    `${slackDrops.duplicated} (files ${slackDrops.duplicatedFiles}) (with ${(slackDrops.chatFaults['post:drop'] ?? 0) + (slackDrops.chatFaults['share:drop'] ?? 0)} dropped answers)\n`,
);
process.exit(pass ? 0 : 1);
