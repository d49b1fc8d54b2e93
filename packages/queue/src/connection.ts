import IORedis, { type Redis, type RedisOptions } from "ioredis";

/**
 * A Redis connection configured for BullMQ workers and blocking commands:
 * `maxRetriesPerRequest: null` is required by BullMQ so a blocked BRPOPLPUSH is never abandoned,
 * and reconnects back off up to 2 s so a Redis restart is ridden out.
 */
export function createRedisConnection(url: string, options: RedisOptions = {}): Redis {
  const redis = new IORedis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
  // Without a listener ioredis prints a stack trace on every failed reconnect; one line per 10 s says enough.
  let lastLogged = 0;
  redis.on("error", (error: Error) => {
    const now = Date.now();
    if (now - lastLogged < 10_000) return;
    lastLogged = now;
    console.warn(`[redis] ${new URL(url).host}: ${error.message} (retrying)`);
  });
  return redis;
}
