// Text for Slack: the core writes Markdown-ish text (`**bold**`); Slack's mrkdwn wants `*bold*`, `<url|label>`
// links and `&`, `<`, `>` escaped (escape.ts). https://docs.slack.dev/messaging/formatting-message-text
import { escapeText } from './escape.js';

export { escapeText };

/** Core text → mrkdwn: escape first (names and titles are user input), then bold. */
export function toMrkdwn(text: string): string {
  return escapeText(text).replace(/\*\*(.+?)\*\*/gs, '*$1*');
}

export function slackLink(url: string, label: string): string {
  const safeUrl = url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return `<${safeUrl}|${escapeText(label).replace(/\|/g, '¦')}>`;
}

export const mention = (userId: string) => `<@${userId}>`;

/** Slack caps a section's text at 3000 characters: split on line ends where possible. */
export function chunks(text: string, max = 3000): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf('\n', max);
    const at = cut > max / 2 ? cut : max;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest.length > 0 || out.length === 0) out.push(rest);
  return out;
}

export const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
