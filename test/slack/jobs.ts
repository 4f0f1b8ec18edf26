// A Job as the core would hand it to the ChatPort, for unit tests of SlackChat.
import type { Command, Job } from '../../src/core/types.js';
import { jobFromCommand } from '../support/job.js';

export function slackJob(over: Partial<Job> = {}): Job {
  const now = Date.now();
  const command: Command = {
    origin: { platform: 'slack', workspaceId: 'T0STEMBOT', channelId: 'C0MUSIC', userId: 'U0ALICE', userName: 'alice' },
    input: { type: 'url', url: 'https://music.example/river.mp3', name: 'river.mp3' },
    params: { kind: 'separate', mode: 'vocals' },
  };
  return jobFromCommand(command, 'job0000001', now - 5_000, { taskId: 'task-1', callbackToken: 'tok', state: 'submitted', updatedAt: now, submittedAt: now - 4_000, ...over });
}
