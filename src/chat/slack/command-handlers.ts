// Slash commands. With text, the line is parsed (usage help on a mistake, answered in the ack itself); without,
// a modal opens. Every command is acknowledged first: Slack allows 3 s. `/jobs` and `/job <id>` answer privately.
// https://docs.slack.dev/interactivity/implementing-slash-commands
import type { App, SlashCommand } from '@slack/bolt';
import type { StartKind as JobKind } from '../../core/types.js';
import { originOf, type SlackDeps } from './deps.js';
import { startJob } from './intake.js';
import { jobDetail, jobsList } from './jobs-view.js';
import { buildModal, type ModalMeta } from './modals.js';
import { registerFollowUpCommands } from './follow-up-commands.js';
import { commandKinds } from './options.js';
import { commandFromLine, usage } from './parse-line.js';
import { replyTo, type Reply } from './reply.js';
import { slackFailure } from './web-client.js';

export async function openModal(deps: SlackDeps, triggerId: string, kind: JobKind, meta: ModalMeta, reply: Reply, prefill: { url?: string } = {}): Promise<void> {
  try {
    await deps.web.views.open({ trigger_id: triggerId, view: buildModal(kind, meta, prefill) as never });
  } catch (err) {
    const f = slackFailure(err);
    deps.log.warn({ detail: f.detail }, 'slack views.open failed');
    // Slack's own error code may be shown; a network error (addresses, ECONNREFUSED) stays in the log.
    await reply(`Slack did not open the form${f.slackError ? ` (${f.slackError})` : ''}. Try again, or give the options on the command line:\n${usage[kind]}`);
  }
}

const replyFor = (deps: SlackDeps, c: SlashCommand) => replyTo(deps.web, deps.log, { responseUrl: c.response_url, channelId: c.channel_id, userId: c.user_id });

export function registerCommands(bolt: App, deps: SlackDeps): void {
  for (const [name, kind] of Object.entries(commandKinds)) {
    bolt.command(`/${name}`, async ({ command, ack }) => {
      const text = command.text?.trim() ?? '';
      const reply = replyFor(deps, command);
      if (text === '') {
        await ack();
        await openModal(deps, command.trigger_id, kind, { c: command.channel_id, r: command.response_url }, reply);
        return;
      }
      if (/^(help|\?)$/i.test(text)) return ack({ response_type: 'ephemeral', text: usage[kind] });
      const parsed = commandFromLine(kind, text);
      if (!parsed.ok) return ack({ response_type: 'ephemeral', text: parsed.message });
      await ack();
      const origin = originOf({ teamId: command.team_id, channelId: command.channel_id, userId: command.user_id, userName: command.user_name });
      await startJob(deps, { origin, input: parsed.input, params: parsed.params }, reply, command.response_url);
    });
  }

  bolt.command('/jobs', async ({ command, ack }) => {
    await ack();
    const jobs = await deps.service.listForUser('slack', command.user_id, deps.settings.recentJobs);
    const { text, blocks } = jobsList(jobs, deps.clock.now(), command.team_domain);
    await replyFor(deps, command)(text, blocks.length ? blocks : undefined);
  });

  bolt.command('/credits', async ({ command, ack }) => {
    await ack();
    // Admins (workspace admins and owners, or SLACK_ADMIN_USER_IDS) see the balance and the workspace's spending.
    const full = (await deps.isAdmin?.(command.user_id)) ?? false;
    const text = await deps.service.credits({ platform: 'slack', workspaceId: command.team_id, userId: command.user_id }, full);
    await replyFor(deps, command)(text);
  });

  bolt.command('/job', async ({ command, ack }) => {
    const id = command.text?.trim().replace(/^`|`$/g, '') ?? '';
    if (!/^[0-9a-z]{4,40}$/i.test(id)) return ack({ response_type: 'ephemeral', text: 'Usage: `/job <id>` — `/jobs` lists your jobs and their ids.' });
    await ack();
    const job = await deps.service.get(id.toLowerCase());
    const reply = replyFor(deps, command);
    // Job ids are unguessable; still, a job from another workspace is not shown here.
    if (!job || job.platform !== 'slack' || job.workspaceId !== command.team_id) return reply(`There is no job \`${id}\` here. \`/jobs\` lists yours.`);
    const { text, blocks } = jobDetail(job, deps.clock.now(), command.user_id, command.team_domain);
    await reply(text, blocks);
  });

  registerFollowUpCommands(bolt, deps);
}
