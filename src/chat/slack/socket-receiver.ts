// Socket Mode (SLACK_APP_TOKEN): Slack pushes the same requests over a WebSocket, so no public URL is needed.
// Requests are already authenticated by the app-level token; redeliveries are dropped as in HTTP mode.
// Built on SocketModeClient directly (not Bolt's SocketModeReceiver) so `apps.connections.open` goes to
// SLACK_API_URL too. https://docs.slack.dev/apis/events-api/using-socket-mode
import type { App, Receiver } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import type { Clock } from '../../core/ports.js';
import type { Logger } from '../../ops/logger.js';
import { slackLogger } from './log.js';
import { ReplayCache } from '../replay-cache.js';
import { requestId } from './request-id.js';

interface SocketEvent {
  ack: (response?: Record<string, unknown>) => Promise<void>;
  body: Record<string, unknown>;
  retry_num?: number;
  retry_reason?: string;
}

export class SocketReceiver implements Receiver {
  readonly client: SocketModeClient;
  private bolt: App | undefined;

  constructor(o: { appToken: string; apiUrl: string; log: Logger; clock: Clock; replay: ReplayCache }) {
    this.client = new SocketModeClient({
      appToken: o.appToken,
      logger: slackLogger(o.log, 'slack-socket'),
      clientOptions: { slackApiUrl: o.apiUrl },
    });
    this.client.on('slack_event', async (event: SocketEvent) => {
      const id = requestId(event.body ?? {});
      if (event.retry_num || (id && o.replay.seenBefore(id, o.clock.now()))) {
        o.log.info({ retryNum: event.retry_num }, 'slack redelivery dropped');
        await event.ack().catch(() => undefined);
        return;
      }
      try {
        await this.bolt?.processEvent({ body: event.body, ack: (r?: Record<string, unknown>) => event.ack(r) });
      } catch (err) {
        o.log.error({ err }, 'slack listener failed');
      }
    });
  }

  init(app: App): void {
    this.bolt = app;
  }

  async start(): Promise<void> {
    await this.client.start();
  }

  async stop(): Promise<void> {
    await this.client.disconnect();
  }
}
