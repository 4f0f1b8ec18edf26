// The doctor's numbers, units in the names.
export const doctorDefaults = {
  /** One HTTP request of a check (Kie, Discord, Slack, the PUBLIC_URL probe). */
  requestTimeoutMs: 10_000,
  /**
   * The PUBLIC_URL probe is asked again after a 502/503/504: right after start the server may shed load
   * (src/http/load-shedding.ts) and a proxy may still be connecting to it.
   */
  probeAttempts: 3,
  probeRetryDelayMs: 1_000,
  /** Connecting to Redis. */
  redisTimeoutMs: 5_000,
} as const;
