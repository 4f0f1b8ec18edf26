// The one place where text from people or from Kie (titles, prompts, styles, tags, input and stem names,
// user names, Kie's error messages) is made safe for Slack. Slack reads `<…>` as a control sequence in
// message text and in every text object: `<!channel>`, `<!everyone>`, `<@U…>`, `<https://x|label>` would
// notify a whole channel or show a link whose label lies. Slack's rule: escape `&`, `<` and `>` as HTML
// entities, and Slack shows them as the characters. https://docs.slack.dev/messaging/formatting-message-text#escaping
// Mrkdwn text objects stembot builds also carry `verbatim: true` (blocks.ts), so Slack does not turn a bare
// `@channel` or `#general` in a name into a mention or a channel link. docs/chat-escaping.md

/** Word joiner: invisible, and `@\u2060channel` is no longer the word `@channel`. */
const WJ = '\u2060';

/** Bidirectional controls reorder what is shown (`evil\u202Egpj.mp3`): they never reach chat. */
const bidi = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function escapeText(text: string): string {
  return text
    .replace(bidi, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(?=(channel|here|everyone)\b)/gi, `@${WJ}`);
}
