// The one place where text from people or from Kie (titles, prompts, styles, tags, input and stem names,
// user names, Kie's error messages) is made safe for Discord. Discord renders Markdown in message content,
// embed titles, descriptions and field names/values: a name such as `[Free Nitro](https://evil.example)`
// would become a masked link, `@everyone` a mention pill, `<@&id>` a role mention, `# x` a headline.
// `allowed_mentions` stops the ping; these functions stop the look. docs/chat-escaping.md
//
// A backslash before ASCII punctuation is Discord's own escape (the backslash is not shown). Escaped: what
// formats or links anywhere in a line (`\ * _ ~ ` | [ ]`), `<` so `<@…>`, `<#…>`, `<t:…>` and `<https://…>`
// stay text, the `:` of `://` so a URL in a title is not auto-linked (nor unfurled into a preview), what starts a
// headline, quote or list at the beginning of a line (`#`, `>`, `-`, `+`, `1.`).

/** Zero-width space: after `@` it keeps `@everyone` / `@here` / `<@id>` from being read as a mention. */
const ZWSP = '\u200b';

/** Bidirectional controls: they reorder what is shown (`evil\u202Egpj.mp3`), so they never reach chat. */
// eslint-disable-next-line no-control-regex
const invisible = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const inline = /[\\*_~`|[\]<]/g;
const lineStart = /^(\s*)([#>+-]|\d+\.)/gm;

/** No mention can be formed: `@` is followed by a zero-width space. */
function defuseMentions(text: string): string {
  return text.replace(/@/g, `@${ZWSP}`);
}

/**
 * For fields Discord renders as Markdown (content, embed title / description / field name and value):
 * whatever would format, link or mention is escaped. Use on user or Kie text only, never on stembot's own
 * markup around it.
 */
export function escapeMarkdown(text: string): string {
  const escaped = text.replace(invisible, '').replace(inline, (c) => `\\${c}`).replace(/:\/\//g, '\\://');
  return defuseMentions(escaped.replace(lineStart, (_m, space: string, mark: string) => `${space}${mark.endsWith('.') ? `${mark.slice(0, -1)}\\.` : `\\${mark}`}`));
}

/**
 * For fields Discord shows as written (embed footer, button labels, thread names, autocomplete choices,
 * file names): no Markdown to escape (a backslash would show), only mentions and `[label](url)` defused.
 */
export function escapePlain(text: string): string {
  // `](` broken too: a thread name or label shown somewhere that does render Markdown is no masked link.
  return defuseMentions(text.replace(invisible, '').replace(/\]\(/g, `]${ZWSP}(`));
}

/**
 * The core's message text → Discord Markdown: the core marks bold with `**…**` around its own words and
 * around names; everything else is escaped. A `**` inside a name can at worst make text bold.
 */
export function toDiscordMarkdown(text: string): string {
  return text
    .split(/\*\*(.+?)\*\*/s)
    .map((part, i) => (i % 2 === 1 ? `**${escapeMarkdown(part)}**` : escapeMarkdown(part)))
    .join('');
}

/** A URL inside `[label](url)`: characters that would end the link early or start another are percent-encoded. */
export function linkTarget(url: string): string {
  return url.replace(/[()<>\s[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
