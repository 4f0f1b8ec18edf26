// Slows password guessing: after too many wrong passwords from one address, logins from it are refused for
// a while. In memory on purpose: the playground is one process, and a restart forgetting is harmless.
import type { Clock } from '../../core/ports.js';

export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxFailures = 10,
    private readonly windowMs = 10 * 60_000,
  ) {}

  blocked(address: string): boolean {
    const entry = this.failures.get(address);
    if (!entry) return false;
    if (entry.resetAt <= this.clock.now()) {
      this.failures.delete(address);
      return false;
    }
    return entry.count >= this.maxFailures;
  }

  recordFailure(address: string): void {
    const now = this.clock.now();
    const entry = this.failures.get(address);
    if (!entry || entry.resetAt <= now) this.failures.set(address, { count: 1, resetAt: now + this.windowMs });
    else entry.count += 1;
    // Bound memory if many addresses try: drop the expired ones.
    if (this.failures.size > 10_000) {
      for (const [key, value] of this.failures) if (value.resetAt <= now) this.failures.delete(key);
    }
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }
}
