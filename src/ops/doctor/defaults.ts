// The doctor's numbers, units in the names.
export const doctorDefaults = {
  /** One HTTP request of a check (Kie, Discord, Slack, the PUBLIC_URL probe). */
  requestTimeoutMs: 10_000,
  /** Connecting to Redis. */
  redisTimeoutMs: 5_000,
} as const;
