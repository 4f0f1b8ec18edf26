// One leader among the instances, for work only one may do at a time (the Discord gateway connection: two
// gateways would answer every interaction twice). A Postgres session-level advisory lock on a dedicated
// connection: the holder keeps it while its session lives, releases it on stop(), and when the holder dies
// its session ends, the server drops the lock, and the next instance to try takes over.
// https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS
import pg from 'pg';

export interface LeaderLockOptions {
  connectionString: string;
  /** A name (hashed to the lock's 64-bit key by Postgres' hashtextextended) or the key itself. */
  key: string | bigint;
  /** How often a follower tries to take the lock, and how often the leader checks its session still lives. */
  retryMs?: number;
  log?: { warn(obj: object, msg: string): void };
}

type Hook = () => void | Promise<void>;

export class LeaderLock {
  private readonly retryMs: number;
  private readonly keySql: string;
  private client: pg.Client | undefined;
  private held = false;
  /** After losing the lead, let the others try first: this instance's own connection may be the trouble. */
  private pausedUntil = 0;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private onAcquire: Hook = () => {};
  private onLose: Hook = () => {};

  constructor(private readonly o: LeaderLockOptions) {
    this.retryMs = o.retryMs ?? 5_000;
    this.keySql = typeof o.key === 'string' ? 'hashtextextended($1, 0)' : '$1::bigint';
  }

  get isLeader(): boolean {
    return this.held;
  }

  /** Try now and every `retryMs`. `onAcquire` runs when this instance becomes leader, `onLose` when it stops being one. */
  start(onAcquire: Hook, onLose: Hook): void {
    if (!this.stopped) throw new Error('LeaderLock already started');
    this.onAcquire = onAcquire;
    this.onLose = onLose;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stop trying; a leader runs `onLose` first (close the gateway), then releases the lock for the next. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.held && this.client) {
      await this.lose();
      await this.client.query(`SELECT pg_advisory_unlock(${this.keySql})`, [String(this.o.key)]).catch(() => undefined);
    }
    await this.disconnect();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule(this.retryMs));
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      if (!this.held && Date.now() < this.pausedUntil) return;
      const client = this.client ?? (await this.connect());
      if (this.held) {
        await client.query('SELECT 1'); // the session, and with it the lock, is still there
        return;
      }
      const r = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${this.keySql}) AS ok`, [String(this.o.key)]);
      if (!r.rows[0]?.ok || this.stopped) {
        if (r.rows[0]?.ok) await client.query(`SELECT pg_advisory_unlock(${this.keySql})`, [String(this.o.key)]);
        return;
      }
      this.held = true;
      try {
        await this.onAcquire();
      } catch (err) {
        // Could not lead (say the gateway refused to log in): step back so another instance may try.
        this.o.log?.warn({ err }, 'leader could not start its work; releasing the lock');
        await this.lose();
        await client.query(`SELECT pg_advisory_unlock(${this.keySql})`, [String(this.o.key)]);
      }
    } catch (err) {
      this.o.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'leader lock connection failed; will retry');
      await this.disconnect();
      await this.lose();
    }
  }

  private async connect(): Promise<pg.Client> {
    // A query that gets no answer within retryMs means the session may be gone: treat the lock as lost.
    const client = new pg.Client({
      connectionString: this.o.connectionString,
      application_name: 'stembot-leader',
      keepAlive: true,
      connectionTimeoutMillis: Math.max(this.retryMs, 2_000),
      query_timeout: Math.max(this.retryMs, 2_000),
    });
    // The session ended under us (server restart, pg_terminate_backend, network): so did the lock. Tell the
    // work at once rather than at the next check; the next tick reconnects and tries again.
    const gone = () => {
      if (this.client !== client) return; // our own disconnect()
      this.client = undefined;
      client.end().catch(() => undefined);
      void this.lose();
    };
    client.on('error', gone);
    client.on('end', gone);
    await client.connect();
    this.client = client;
    return client;
  }

  private async lose(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    this.pausedUntil = Date.now() + 2 * this.retryMs;
    try {
      await this.onLose();
    } catch (err) {
      this.o.log?.warn({ err }, 'leader onLose failed');
    }
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
