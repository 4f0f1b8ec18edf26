// What every Slack listener needs, built once in mount.ts.
import type { WebClient } from '@slack/web-api';
import type { Clock, JobsApi } from '../../core/ports.js';
import type { Origin } from '../../core/types.js';
import type { Logger } from '../../ops/logger.js';
import type { SlackSettings } from './settings.js';

export interface SlackDeps {
  service: JobsApi;
  web: WebClient;
  log: Logger;
  clock: Clock;
  botToken: string;
  /** Origins a Slack file may come from (the bot token is added for these only, at download time). */
  fileOrigins: readonly string[];
  settings: SlackSettings;
  /** response_url per job, kept in memory (it expires after 30 minutes anyway) for late private answers. */
  responseUrls: ResponseUrls;
  /** Workspace admin or owner, or listed in SLACK_ADMIN_USER_IDS (admins.ts). Absent: nobody is. */
  isAdmin?: (userId: string) => Promise<boolean>;
}

export class ResponseUrls {
  private readonly urls = new Map<string, { url: string; at: number }>();
  constructor(private readonly clock: Clock, private readonly ttlMs = 30 * 60_000) {}

  /** Remembered under the job id and, from before the job exists, under its channel and requester. */
  set(key: { jobId?: string; channelId: string; userId: string }, url: string | undefined): void {
    if (!url) return;
    const now = this.clock.now();
    for (const [id, v] of this.urls) if (now - v.at > this.ttlMs) this.urls.delete(id);
    this.urls.set(`${key.channelId}:${key.userId}`, { url, at: now });
    if (key.jobId) this.urls.set(key.jobId, { url, at: now });
  }

  forJob(job: { id: string; channelId: string; userId: string }): string | undefined {
    const v = this.urls.get(job.id) ?? this.urls.get(`${job.channelId}:${job.userId}`);
    return v && this.clock.now() - v.at <= this.ttlMs ? v.url : undefined;
  }
}

/** Who asked and where, from any Slack payload's team / channel / user. */
export function originOf(p: { teamId?: string | null; channelId: string; userId: string; userName?: string | null }): Origin {
  return { platform: 'slack', workspaceId: p.teamId || 'unknown', channelId: p.channelId, userId: p.userId, userName: p.userName || p.userId };
}
