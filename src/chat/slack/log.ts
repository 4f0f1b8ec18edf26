// Bolt, WebClient and SocketModeClient log through @slack/logger's interface; route it into stembot's pino
// logger so Slack's own messages carry the same level, format and redaction as everything else.
import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../../ops/logger.js';

const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');

export function slackLogger(log: Logger, name = 'slack'): SlackLogger {
  const child = log.child({ component: name });
  return {
    debug: (...msg: unknown[]) => child.debug(text(msg)),
    info: (...msg: unknown[]) => child.debug(text(msg)), // Slack's "info" is chatty (every socket ping)
    warn: (...msg: unknown[]) => child.warn(text(msg)),
    error: (...msg: unknown[]) => child.error(text(msg)),
    setLevel: () => undefined,
    getLevel: () => (child.isLevelEnabled('debug') ? LogLevel.DEBUG : LogLevel.INFO),
    setName: () => undefined,
  };
}
