import type { RedisClient } from "@seqlab/queue";

/** The answer of {@link RateLimiter.hit}: allowed, or how long until the window resets. */
export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Fixed-window counters in Redis, shared by every web replica: at most `limit` hits per `key` per window. A Redis
 * outage lets requests through (the limiter guards against abuse; it must not take the dashboard down with it).
 */
export class RateLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    const window = Math.floor(Date.now() / 1000 / windowSeconds);
    const redisKey = `${this.prefix}:ratelimit:${key}:${window}`;
    let count: number;
    try {
      const [[, incr]] = (await this.redis
        .multi()
        .incr(redisKey)
        .expire(redisKey, windowSeconds + 1)
        .exec()) as [[Error | null, number], [Error | null, number]];
      count = incr;
    } catch {
      return { allowed: true };
    }
    if (count <= limit) return { allowed: true };
    const resetAt = (window + 1) * windowSeconds;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(resetAt - Date.now() / 1000)) };
  }
}
