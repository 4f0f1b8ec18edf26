// The one interaction handler behind both intakes (gateway and HTTP). It answers within Discord's 3 s
// (an immediate private refusal, an autocomplete list, or a private "thinking…" defer), then finishes the
// work and edits that private answer through the interaction token. Everything public — the status message,
// the thread, the stems, failure notices — is posted by the core's outbox through the ChatPort.
// https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
import {
  InteractionResponseType,
  MessageFlags,
  Routes,
  type APIApplicationCommandOptionChoice,
  type APIInteractionResponse,
  type REST,
} from 'discord.js';
import { creditsText } from '../../core/costs.js';
import { displayTitle, followUpInputName } from '../../core/input-name.js';
import { kindLabels, modeLabels } from '../../core/messages.js';
import type { Clock, JobsApi } from '../../core/ports.js';
import { startFollowUp, type FollowUpRequest } from '../../core/follow-ups.js';
import type { Command, Job } from '../../core/types.js';
import { ADVANCED_STEM_NAMES } from '../../core/kie-vocabulary.js';
import type { Logger } from '../../ops/logger.js';
import { manages, mayPress, refuseStart } from './access.js';
import { reuseInput } from './attachment-input.js';
import { decodeAction, type ButtonAction } from './custom-id.js';
import { discordDefaults as d } from './settings.js';
import type { DiscordEnv } from './settings.js';
import type { Intake, IntakeBase } from './intake.js';
import { jobReply, jobsReply, type ReplyBody } from './replies.js';
import { escapeMarkdown, escapePlain } from './escape.js';
import { clip } from './render.js';
import { isJobCommand, originOf, toCommand } from './to-command.js';

/** Sends the interaction's first answer: the HTTP response body, or the callback route on the gateway. */
export type InitialResponder = (body: APIInteractionResponse) => Promise<void>;

export interface HandlerOptions {
  rest: REST;
  service: JobsApi;
  clock: Clock;
  logger: Logger;
  rules: DiscordEnv;
  maxInputBytes: number;
  /** How long an attachment's CDN URL must stay valid to be given to Kie as is. */
  cdnMinLifetimeMs: number;
}

const oops = 'Something went wrong inside stembot; it has been logged. Try again in a moment.';
const ephemeral = (content: string): APIInteractionResponse => ({
  type: InteractionResponseType.ChannelMessageWithSource,
  data: { content: clip(content, d.maxContentChars), flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } },
});
const deferPrivately: APIInteractionResponse = { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } };
const text = (content: string): ReplyBody => ({ content: clip(content, d.maxContentChars), allowed_mentions: { parse: [] } });

export class InteractionHandler {
  private readonly inflight = new Set<Promise<void>>();
  constructor(private readonly o: HandlerOptions) {}

  /** Handle in the background (the intake returns at once); `drain` waits for all of it at shutdown. */
  dispatch(intake: Intake, initial: InitialResponder): void {
    const run = this.handle(intake, initial).finally(() => this.inflight.delete(run));
    this.inflight.add(run);
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  async handle(intake: Intake, initial: InitialResponder): Promise<void> {
    let answered = false;
    const first: InitialResponder = async (body) => {
      if (answered) return;
      answered = true;
      await initial(body);
    };
    try {
      if (intake.kind === 'autocomplete') {
        await first({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: await this.choices(intake) } });
      } else if (intake.kind === 'command') {
        await this.command(intake, first);
      } else if (intake.kind === 'button') {
        await first(deferPrivately);
        await this.edit(intake, text(await this.button(intake)));
      } else {
        await first(ephemeral('stembot does not handle this kind of interaction.'));
      }
    } catch (err) {
      this.o.logger.error({ err, interaction: intake.id, kind: intake.kind }, 'discord interaction failed');
      try {
        if (!answered) await first(ephemeral(oops));
        else await this.edit(intake, text(oops));
      } catch {
        // The token may be gone; nothing more can be said to this person.
      }
    }
  }

  private async command(i: Extract<Intake, { kind: 'command' }>, first: InitialResponder): Promise<void> {
    if (i.command === 'jobs' || i.command === 'job') {
      await first(deferPrivately);
      await this.edit(i, i.command === 'jobs' ? await this.jobs(i) : await this.job(i, String(i.options.id ?? '').trim()));
      return;
    }
    if (i.command === 'credits') {
      if (!i.guildId) return first(ephemeral('`/credits` works in a server.'));
      await first(deferPrivately);
      // Those who manage the server see the balance and the server's spending; everyone sees their own.
      await this.edit(i, text(await this.o.service.credits({ platform: 'discord', workspaceId: i.guildId, userId: i.user.id }, manages(i))));
      return;
    }
    if (i.command === 'midi' || i.command === 'wav') {
      const refusal = refuseStart(i, this.o.rules);
      if (refusal) return first(ephemeral(refusal));
      await first(deferPrivately);
      const jobId = String(i.options.id ?? '').trim();
      const req: FollowUpRequest =
        i.command === 'midi'
          ? { kind: 'midi', jobId, ...(typeof i.options.stem === 'string' && i.options.stem.trim() ? { stem: i.options.stem } : {}) }
          : { kind: 'wav', jobId, take: typeof i.options.take === 'number' ? i.options.take : 1 };
      await this.edit(i, text(await this.followUpJob(i, req, false)));
      return;
    }
    if (!isJobCommand(i.command)) return first(ephemeral(`stembot has no command /${i.command}.`));
    // Checks that need no I/O answer at once, privately; everything else after a private defer.
    const refusal = refuseStart(i, this.o.rules);
    if (refusal) return first(ephemeral(refusal));
    const converted = toCommand(i, { now: this.o.clock.now(), maxInputBytes: this.o.maxInputBytes, cdnMinLifetimeMs: this.o.cdnMinLifetimeMs });
    if (!converted.ok) return first(ephemeral(converted.message));
    await first(deferPrivately);
    await this.edit(i, text(await this.submit(converted.command)));
  }

  private async submit(command: Command): Promise<string> {
    const r = await this.o.service.submit(command);
    if (!r.ok) return r.message;
    this.o.logger.info({ jobId: r.job.id, kind: r.job.kind, guild: r.job.workspaceId }, 'discord job accepted');
    return `Started job \`${r.job.id}\` — ${describeJob(r.job)} on **${escapeMarkdown(clip(r.job.inputName, 100))}**. It costs ≈ ${creditsText(r.job.cost)} of the server’s Kie credits. Its status message is in <#${r.job.channelId}>; the files will arrive in its thread.`;
  }

  private async jobs(i: IntakeBase): Promise<ReplyBody> {
    return jobsReply(await this.o.service.listForUser('discord', i.user.id, d.jobsListLimit));
  }

  private async job(i: IntakeBase, id: string): Promise<ReplyBody> {
    const job = id ? await this.o.service.get(id) : undefined;
    // Jobs of this server, or the caller's own; nobody else's.
    if (!job || job.platform !== 'discord' || (job.userId !== i.user.id && job.workspaceId !== i.guildId)) {
      // The id is echoed only when it looks like one: anything else the person typed is not repeated back.
      return text(`There is no job ${/^[0-9a-z]{4,40}$/i.test(id) ? `\`${id}\`` : 'with that id'} here. \`/jobs\` lists yours.`);
    }
    return jobReply(job, this.o.clock.now());
  }

  private async button(i: Extract<Intake, { kind: 'button' }>): Promise<string> {
    const action = decodeAction(i.customId);
    if (!action) return 'This button is not one stembot knows.';
    const job = await this.o.service.get(action.jobId);
    if (!job || job.platform !== 'discord' || job.workspaceId !== i.guildId) return 'That job is not known here any more.';
    if (!mayPress(i, job.userId)) return `Only <@${job.userId}>, who started this job, or someone with Manage Messages can use this button.`;
    if (action.id === 'cancel') {
      const r = await this.o.service.cancel(job.id, { userId: i.user.id, userName: i.user.name });
      return r.message;
    }
    if (action.id === 'redeliver') {
      // The requester, or a moderator acting for them (the core lets only the requester ask).
      const r = await this.o.service.redeliver(job.id, job.userId);
      return r.ok ? 'Delivering again — the files will arrive in the job’s thread.' : r.message;
    }
    if (action.id === 'resubmit') {
      // Acting for the requester, as above; the core refuses when Kie has the job by now.
      const r = await this.o.service.resubmit(job.id, job.userId);
      return r.ok ? 'Submitting again — the status message will follow it.' : r.message;
    }
    const refusal = refuseStart(i, this.o.rules);
    if (refusal) return refusal;
    // MIDI / WAV: the press was allowed above (requester or moderator), the new job is the presser's.
    if (action.id === 'midi') return this.followUpJob(i, { kind: 'midi', jobId: job.id }, true);
    if (action.id === 'wav') return this.followUpJob(i, { kind: 'wav', jobId: job.id, take: action.take }, true);
    if (action.id === 'midi_stem') return this.followUpJob(i, { kind: 'midi', jobId: job.id, stem: action.stem }, true);
    const command = this.followUp(i, job, action);
    return 'message' in command ? command.message : this.submit(command);
  }

  /** MIDI of a separation or WAV of a take (src/core/follow-ups.ts), from a button or `/midi` / `/wav`. */
  private async followUpJob(i: IntakeBase, req: FollowUpRequest, requesterChecked: boolean): Promise<string> {
    const r = await startFollowUp(this.o.service, req, originOf(i), { requesterChecked });
    // The core's refusal may repeat a typed stem or Kie's stem labels: no masked link or mention from them.
    if (!r.ok) return escapePlain(r.message);
    this.o.logger.info({ jobId: r.job.id, kind: r.job.kind, parent: req.jobId }, 'discord follow-up accepted');
    return `Started job \`${r.job.id}\` — ${describeJob(r.job)}. Its status message is in <#${r.job.channelId}>; the file${r.job.kind === 'midi' ? 's' : ''} will arrive in its thread.`;
  }

  /** The new job a follow-up button asks for: separate a generated track, or split a song into 12 stems. */
  private followUp(i: IntakeBase, job: Job, action: ButtonAction): Command | { message: string } {
    if (action.id === 'separate_track') {
      const file = 'audioId' in action ? job.files.find((f) => f.audioId === action.audioId) : job.files[action.index];
      if (!file?.audioId || !job.taskId) return { message: 'That track is not part of this job.' };
      return {
        origin: originOf(i),
        input: { type: 'kie_track', taskId: job.taskId, audioId: file.audioId, name: followUpInputName(job, file.audioId) },
        params: { kind: 'separate', mode: 'vocals' },
      };
    }
    if (action.id !== 'split_stems' || job.params.kind !== 'separate') return { message: 'This button does not apply to this job.' };
    const expiresAt = typeof job.originMeta.inputExpiresAt === 'number' ? job.originMeta.inputExpiresAt : undefined;
    const input = reuseInput(job.input, expiresAt, { now: this.o.clock.now(), minLifetimeMs: this.o.cdnMinLifetimeMs });
    if (!input.ok) return { message: input.message };
    const meta: Record<string, number> = input.input.type === 'url' && expiresAt !== undefined ? { inputExpiresAt: expiresAt } : {};
    return { origin: originOf(i, meta), input: { ...input.input, name: followUpInputName(job) }, params: { kind: 'separate', mode: 'stems' } };
  }

  private async choices(i: Extract<Intake, { kind: 'autocomplete' }>): Promise<APIApplicationCommandOptionChoice<string>[]> {
    const typed = i.focused.value.trim().toLowerCase();
    if (i.command === 'separate' && i.focused.name === 'stem') {
      const starts = ADVANCED_STEM_NAMES.filter((n) => n.toLowerCase().startsWith(typed));
      const contains = ADVANCED_STEM_NAMES.filter((n) => !n.toLowerCase().startsWith(typed) && n.toLowerCase().includes(typed));
      return [...starts, ...contains].slice(0, d.maxChoices).map((n) => ({ name: n, value: n }));
    }
    if (i.command === 'midi' && i.focused.name === 'stem') {
      // The separated tracks Kie named (originData ids), as a menu: one stem's MIDI.
      const job = await this.o.service.get(String(i.options.id ?? '').trim());
      if (!job || job.platform !== 'discord' || job.userId !== i.user.id || job.kind !== 'separate') return [];
      return job.files
        .filter((f) => !typed || f.label.toLowerCase().includes(typed))
        .slice(0, d.maxChoices)
        .map((f) => ({ name: clip(f.label, 100), value: f.key.slice(0, 100) }));
    }
    if ((i.command === 'job' || i.command === 'midi' || i.command === 'wav') && i.focused.name === 'id') {
      const jobs = await this.o.service.listForUser('discord', i.user.id, d.maxChoices);
      return jobs
        .filter((j) => !typed || j.id.includes(typed) || j.inputName.toLowerCase().includes(typed))
        .map((j) => ({ name: clip(escapePlain(`${j.id} · ${kindLabels[j.kind]} · ${j.inputName} · ${j.state}`), 100), value: j.id }));
    }
    return [];
  }

  /** Edit the private answer (the interaction token works for 15 minutes, far longer than this takes). */
  private async edit(i: IntakeBase, body: ReplyBody): Promise<void> {
    await this.o.rest.patch(Routes.webhookMessage(i.applicationId, i.token), { body, auth: false });
  }
}

function describeJob(job: Job): string {
  const p = job.params;
  if (p.kind === 'separate') return `${kindLabels.separate} (${p.mode === 'single' && p.stem ? escapeMarkdown(p.stem) : modeLabels[p.mode]})`;
  return `${kindLabels[p.kind]} (“${escapeMarkdown(clip(displayTitle(p.title), 80))}”)`;
}
