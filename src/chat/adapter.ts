// How a chat platform plugs into stembot: it mounts its routes (if any) on the shared Fastify app,
// converts its requests into the core's `Command` through `service` (a JobsApi), and hands back its
// `ChatPort` for the outbox worker. Gateways / sockets start after the server listens.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { ChatPort, Clock, JobsApi, JobStore } from '../core/ports.js';
import type { DownloadCredentials } from '../delivery/credentials.js';
import type { Logger } from '../ops/logger.js';

export interface AdapterContext {
  app: FastifyInstance;
  config: Config;
  service: JobsApi;
  logger: Logger;
  clock: Clock;
  /** Where an adapter registers the credential for its own file host (sent only to that origin, never stored). */
  credentials?: DownloadCredentials;
  /**
   * Where a platform without an idempotency key records the files it uploaded for a post before sharing them,
   * so a retry can ask whether the share happened (Slack: docs/slack-uploads.md). Only this part of the store.
   */
  uploads?: Pick<JobStore, 'recordUploads' | 'recordedUploads'>;
  /** The raw environment, for adapter-specific variables parsed by the adapter's own zod schema. */
  env: Record<string, string | undefined>;
  /**
   * Present when several instances may share the deployment (Postgres): a lock, by name, that one instance
   * holds at a time, for work only one may do (src/cluster/leader.ts). Absent: this instance is the only one.
   */
  leaderLock?: (name: string) => Leader;
}

/** One leader among the instances; `onAcquire` runs when this instance leads, `onLose` when it stops. */
export interface Leader {
  start(onAcquire: () => Promise<void>, onLose: () => Promise<void>): void;
  /** Stop trying; a leader runs `onLose` first, then releases the lock for the next. */
  stop(): Promise<void>;
}

export interface ChatAdapter {
  chat: ChatPort;
  /** Called after the HTTP server listens (connect a gateway, register commands…). */
  start?(): Promise<void>;
  /** Called on shutdown before the store closes. */
  stop?(): Promise<void>;
}

export type MountAdapter = (ctx: AdapterContext) => Promise<ChatAdapter>;
