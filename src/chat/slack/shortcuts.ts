// Message shortcuts "Separate stems", "Add vocals", "Add instrumental": on any message carrying an audio file
// (or a link), they open the matching modal with that file prefilled.
// https://docs.slack.dev/interactivity/implementing-shortcuts#messages
import type { App, MessageShortcut } from '@slack/bolt';
import type { StartKind as JobKind } from '../../core/types.js';
import { openModal } from './command-handlers.js';
import type { SlackDeps } from './deps.js';
import { onOrigin } from '../../delivery/credentials.js';
import { fileUrl, foreignFileMessage, isAudioFile, type SlackFile } from './files.js';
import { replyTo } from './reply.js';

/** callback_id of each shortcut, as declared in slack-manifest.yml. */
export const shortcutKinds: Record<string, JobKind> = {
  stembot_separate: 'separate',
  stembot_add_vocals: 'add_vocals',
  stembot_add_instrumental: 'add_instrumental',
};

/** The first http(s) link in a message's text (Slack writes them as `<url>` or `<url|label>`). */
function firstLink(text: string | undefined): string | undefined {
  const m = /<(https?:\/\/[^|>\s]+)(?:\|[^>]*)?>/.exec(text ?? '');
  return m?.[1]?.replace(/&amp;/g, '&');
}

/** Only what the form needs: the private_metadata that carries it is limited to 3000 characters. */
function slim(f: SlackFile): SlackFile {
  const { id, name, mimetype, filetype, size } = f;
  const url = fileUrl(f);
  return { ...(id ? { id } : {}), ...(name ? { name } : {}), ...(mimetype ? { mimetype } : {}), ...(filetype ? { filetype } : {}), ...(size !== undefined ? { size } : {}), ...(url ? { url_private_download: url } : {}) };
}

export function registerShortcuts(bolt: App, deps: SlackDeps): void {
  bolt.shortcut({ type: 'message_action', callback_id: new RegExp(`^(${Object.keys(shortcutKinds).join('|')})$`) }, async ({ ack, shortcut }) => {
    await ack();
    const s = shortcut as MessageShortcut;
    const kind = shortcutKinds[s.callback_id]!;
    const reply = replyTo(deps.web, deps.log, { responseUrl: s.response_url, channelId: s.channel.id, userId: s.user.id });
    const files = ((s.message.files ?? []) as SlackFile[]).filter(isAudioFile);
    const link = files.length ? undefined : firstLink(s.message.text);
    if (!files.length && !link) {
      await reply('That message has no audio file or link I can use. Pick a message with an MP3, WAV, FLAC, OGG or M4A attached (or a link to one).');
      return;
    }
    // Refused before the form opens: a file served from anywhere but Slack's file host is never fetched.
    const at = files[0] && fileUrl(files[0]);
    if (at && !onOrigin(at, deps.fileOrigins)) {
      deps.log.warn({ origin: URL.canParse(at) ? new URL(at).origin : 'unparseable' }, 'slack file link is not on Slack’s file origin; refused');
      await reply(foreignFileMessage);
      return;
    }
    await openModal(deps, s.trigger_id, kind, { c: s.channel.id, r: s.response_url, ...(files[0] ? { f: slim(files[0]) } : {}) }, reply, link ? { url: link } : {});
  });
}
