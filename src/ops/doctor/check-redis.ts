// Redis, when REDIS_URL is set: connect and PING, once, no retries.
import { Redis } from 'ioredis';
import { defaults, type Config } from '../../config.js';
import { failed, networkReason, ok, skip, type CheckResult } from './types.js';

export async function checkRedis(config: Config): Promise<CheckResult> {
  const name = 'Redis';
  if (!config.redisUrl) return skip(name, 'REDIS_URL not set (Postgres or this process holds Kie’s submission limit)');
  const u = new URL(config.redisUrl);
  const where = `${u.hostname}:${u.port || '6379'}`;
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: defaults.doctorRedisTimeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: unknown;
  redis.on('error', (err) => (lastError = err));
  try {
    await redis.connect();
    const pong = await redis.ping();
    return ok(name, `${where} answered ${pong}`);
  } catch (err) {
    return failed(name, `REDIS_URL: Redis at ${where} is unreachable (${networkReason(lastError ?? err)}) — start it or fix REDIS_URL (or unset it: Postgres then holds the limit).`);
  } finally {
    redis.disconnect();
  }
}
