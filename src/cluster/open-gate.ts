// Config → the Kie submission gate several instances share: Redis when REDIS_URL is set, else Postgres
// when DATABASE_URL is one, else none (SQLite means one instance, and the Kie client's in-process window
// is the whole truth).
import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import { PostgresWindow } from './postgres-window.js';
import { RedisWindow } from './redis-window.js';
import { SharedWindowGate } from './shared-gate.js';

export type GateConfig = Pick<Config, 'redisUrl' | 'databaseUrl' | 'tuning'> & { kie: Pick<Config['kie'], 'apiKey'> };

/**
 * Kie limits per account, so the shared window is named after the key (hashed: the key itself never
 * reaches Redis or the database). Two deployments with different accounts on one Redis don't share it.
 */
export function gateName(apiKey: string | undefined): string {
  return `kie-submit:${createHash('sha256').update(apiKey ?? 'demo').digest('hex').slice(0, 16)}`;
}

export function openSubmitGate(config: GateConfig, log?: { warn(obj: object, msg: string): void }): SharedWindowGate | undefined {
  const name = gateName(config.kie.apiKey);
  const limits = { limit: config.tuning.kieSubmitPerWindow, windowMs: config.tuning.kieSubmitWindowMs, ...(log ? { log } : {}) };
  if (config.redisUrl) return new SharedWindowGate(new RedisWindow(config.redisUrl, name, log), limits);
  if (/^postgres(ql)?:\/\//.test(config.databaseUrl)) return new SharedWindowGate(new PostgresWindow(config.databaseUrl, name), limits);
  return undefined;
}
