// One builder for a Job as the core hands it to a ChatPort: a fresh, queued job from a Command, with the
// fields a test cares about overridden. Shared by the adapters' unit suites.
import type { Command, Job } from '../../src/core/types.js';

export function jobFromCommand(command: Command, id: string, now: number, over: Partial<Job> = {}): Job {
  return {
    id,
    platform: command.origin.platform,
    workspaceId: command.origin.workspaceId,
    channelId: command.origin.channelId,
    userId: command.origin.userId,
    userName: command.origin.userName,
    originMeta: command.origin.meta ?? {},
    kind: command.params.kind,
    params: command.params,
    input: command.input,
    inputName: command.input.name,
    taskId: null,
    callbackToken: `token-${id}`,
    state: 'queued',
    files: [],
    failure: null,
    statusMessageId: null,
    threadId: null,
    delivered: [],
    deliveryRound: 0,
    createdAt: now,
    updatedAt: now,
    submittedAt: null,
    finishedAt: null,
    lastCallbackAt: null,
    nextPollAt: null,
    cost: 10,
    cancelledBy: null,
    ...over,
  };
}
