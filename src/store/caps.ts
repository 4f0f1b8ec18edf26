// The per-user and per-workspace caps as the checks a store runs inside the transaction that creates a job.
// Shared so both stores count the same things in the same order (user first: the Postgres store takes its
// advisory locks in this order, and one order everywhere is what keeps two creates from deadlocking).
import type { ActiveCaps, NewJob } from '../core/ports.js';
import type { Platform } from '../core/types.js';

/** No cap at all: what `createJob` (tests, tools) creates under. */
export const noCaps: ActiveCaps = { perUser: 0, perWorkspace: 0 };

export interface CapCheck {
  code: 'USER_CAP' | 'WORKSPACE_CAP';
  limit: number;
  filter: { platform: Platform; userId?: string; workspaceId?: string };
  /** Names what the check counts, for a lock that serialises creates counting the same thing. */
  lockKey: string;
}

export function capChecks(caps: ActiveCaps, j: Pick<NewJob, 'platform' | 'userId' | 'workspaceId'>): CapCheck[] {
  const checks: CapCheck[] = [];
  if (caps.perUser > 0) {
    checks.push({ code: 'USER_CAP', limit: caps.perUser, filter: { platform: j.platform, userId: j.userId }, lockKey: `stembot:cap:user:${j.platform}:${j.userId}` });
  }
  if (caps.perWorkspace > 0) {
    checks.push({ code: 'WORKSPACE_CAP', limit: caps.perWorkspace, filter: { platform: j.platform, workspaceId: j.workspaceId }, lockKey: `stembot:cap:workspace:${j.platform}:${j.workspaceId}` });
  }
  return checks;
}
