// Everything the two-instance test runs on 127.0.0.1: a fresh Postgres database, the Kie simulator, the fake
// chat server, the callback load balancer, and N stembot processes sharing all of them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Tuning } from '../../src/config.js';
import { startSimulator, type RunningSimulator, type StartSimulatorOptions } from '../../src/sim/index.js';
import { startCallbackProxy, type CallbackProxy } from './callback-proxy.js';
import { startFakeChat, type FakeChat } from './fake-chat.js';
import { freePort, startChild, type Child } from './processes.js';

export const KIE_KEY = 'kie-multi-test-key';
export const HMAC_KEY = 'multi-hmac-key';

export interface Instance extends Child {
  name: string;
  url: string;
}

export interface Cluster {
  databaseUrl: string;
  sim: RunningSimulator;
  chat: FakeChat;
  proxy: CallbackProxy;
  instances: Instance[];
  query<R extends pg.QueryResultRow>(sql: string, args?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  adminUrl: string;
  names: string[];
  sim: StartSimulatorOptions;
  tuning: Partial<Tuning>;
  fanOutRate: number;
  redisUrl?: string;
}

/** One query on a connection of its own, closed before answering (so DROP DATABASE finds none of ours open). */
export async function queryOnce<R extends pg.QueryResultRow>(url: string, sql: string, args: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {}); // a server-side end after our own end() is no news
  await c.connect();
  try {
    return (await c.query<R>(sql, args)).rows;
  } finally {
    await c.end();
  }
}

/** A database of its own for this run (CREATE DATABASE needs no schema tricks from the instances). */
export async function freshDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `stembot_multi_${randomBytes(5).toString('hex')}`;
  const admin = (sql: string) => queryOnce(adminUrl, sql);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: async () => void (await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)) };
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const db = await freshDatabase(o.adminUrl);
  const sim = await startSimulator({ apiKey: KIE_KEY, hmacKey: HMAC_KEY, ...o.sim });
  const chat = await startFakeChat();
  const proxy = await startCallbackProxy({ fanOutRate: o.fanOutRate });
  const dataDir = mkdtempSync(join(tmpdir(), 'stembot-multi-'));
  const instances: Instance[] = [];
  const cluster: Cluster = {
    databaseUrl: db.url,
    sim,
    chat,
    proxy,
    instances,
    query: (sql, args) => queryOnce(db.url, sql, args),
    close: async () => {
      await Promise.all(instances.map((i) => i.kill('SIGKILL')));
      await Promise.all([proxy.close(), chat.close(), sim.close()]);
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    for (const name of o.names) {
      const port = await freePort();
      const child = startChild('test/multi/instance.ts', {
        INSTANCE_NAME: name,
        KIE_API_KEY: KIE_KEY,
        KIE_API_URL: sim.url,
        KIE_UPLOAD_URL: sim.url,
        KIE_WEBHOOK_HMAC_KEY: HMAC_KEY,
        PUBLIC_URL: proxy.url,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: db.url,
        REDIS_URL: o.redisUrl ?? '',
        DATA_DIR: join(dataDir, name),
        DOWNLOAD_ALLOW_HOSTS: new URL(sim.url).host,
        FAKE_CHAT_URL: chat.url,
        LOG_LEVEL: 'warn',
        STEMBOT_TEST_TUNING: JSON.stringify(o.tuning),
      });
      instances.push({ ...child, name, url: `http://127.0.0.1:${port}` });
    }
    await Promise.all(instances.map((i) => i.waitFor(`STEMBOT_READY ${i.name}`, 60_000)));
    proxy.setTargets(instances.map((i) => i.url));
    return cluster;
  } catch (err) {
    await cluster.close();
    throw err;
  }
}
