import IORedis, { type Redis, type RedisOptions } from "ioredis";

/**
 * A Redis connection configured for BullMQ workers and blocking commands:
 * `maxRetriesPerRequest: null` is required by BullMQ so a blocked BRPOPLPUSH is never abandoned,
 * and reconnects back off up to 2 s so a Redis restart is ridden out.
 */
export function createRedisConnection(url: string, options: RedisOptions = {}): Redis {
  return new IORedis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
}
