// The shared submission window in Redis: a sorted set of start times, checked and written by one Lua
// script, so the decision is atomic however many instances ask at once. Times come from Redis' TIME,
// one clock for every instance. https://redis.io/docs/latest/develop/interact/programmability/eval-intro/
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Take, WindowBackend } from './shared-gate.js';

// KEYS[1] start times (zset), KEYS[2] hold-until; ARGV limit, span ms, a unique member for this start.
// Answers {1, now} when the start was recorded, else {0, ms until one may fit}.
const takeScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = tonumber(redis.call('GET', KEYS[2]) or '0')
if held > now then return {0, held - now} end
local limit = tonumber(ARGV[1])
local span = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, math.max(1, tonumber(oldest[2]) + span - now)}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], span)
return {1, now}`;

// KEYS[1] hold-until; ARGV ms. Only ever extends a hold.
const holdScript = `
local t = redis.call('TIME')
local untilMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], untilMs, 'PX', ARGV[1]) end
return 0`;

export class RedisWindow implements WindowBackend {
  private readonly redis: Redis;
  private readonly keys: [string, string];
  private seq = 0;
  private readonly instance = randomBytes(6).toString('hex');

  /** `name` identifies the limited account; both keys share a hash tag so a Redis Cluster keeps them on one slot. */
  constructor(url: string, name: string, log?: { warn(obj: object, msg: string): void }) {
    // Fail a command after a couple of reconnect attempts instead of queueing it forever: the outbox
    // retries the submission, and /readyz stays honest.
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5_000 });
    let warned = false;
    // Without a listener ioredis reports every failed reconnect on the console; warn once per outage.
    this.redis.on('error', (err: Error) => {
      if (!warned) log?.warn({ err: err.message }, 'shared rate limiter: Redis unreachable');
      warned = true;
    });
    this.redis.on('ready', () => (warned = false));
    this.keys = [`stembot:{${name}}:starts`, `stembot:{${name}}:hold`];
  }

  async take(limit: number, spanMs: number): Promise<Take> {
    const member = `${this.instance}:${++this.seq}`;
    const [taken, ms] = (await this.redis.eval(takeScript, 2, ...this.keys, limit, spanMs, member)) as [number, number];
    return taken === 1 ? { taken: true, atMs: Number(ms) } : { taken: false, waitMs: Number(ms) };
  }

  async hold(ms: number): Promise<void> {
    await this.redis.eval(holdScript, 1, this.keys[1], Math.ceil(ms));
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}
