import IORedis, { Cluster, type ClusterOptions, type Redis, type RedisOptions } from "ioredis";
import { describeRedisTarget, parseRedisUrl, type RedisTarget } from "./redis-url";

/** What {@link createRedisClient} returns: one Redis (single node or Sentinel-managed master), or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** Options of {@link createRedisClient}: per-connection ioredis options (every node's, in a cluster) and cluster ones. */
export interface RedisConnectionOptions extends RedisOptions {
  /**
   * Cluster-wide ioredis options for `redis+cluster://` URLs: `natMap` when the nodes announce addresses the client
   * cannot reach (Docker, NAT), `scaleReads`, `slotsRefreshTimeout`... Default: none beyond those set here.
   */
  cluster?: Omit<ClusterOptions, "redisOptions">;
}

/**
 * Options BullMQ needs on every connection: `maxRetriesPerRequest: null` so a blocked BZPOPMIN is never abandoned
 * (BullMQ refuses a worker connection without it), and the ready check so commands wait for a loaded dataset.
 */
const BULLMQ_OPTIONS = { maxRetriesPerRequest: null, enableReadyCheck: true } satisfies RedisOptions;

/** Reconnects back off up to 2 s, so a Redis restart or a failover (a few seconds) is ridden out. */
const retry = (times: number) => Math.min(times * 200, 2_000);

/** One log line per 10 s at most: ioredis reports every failed reconnect, and one line says enough. */
const LOG_EVERY_MS = 10_000;

/** Labels for log lines, so a duplicate logs under its original's name. */
const labels = new WeakMap<RedisClient, string>();

function quietErrors(client: RedisClient, label: string): void {
  labels.set(client, label);
  let lastLogged = 0;
  const log = (error: Error) => {
    const now = Date.now();
    if (now - lastLogged < LOG_EVERY_MS) return;
    lastLogged = now;
    console.warn(`[redis] ${label}: ${error.message} (retrying)`);
  };
  // Without an "error" listener ioredis prints a stack trace on every failed reconnect.
  client.on("error", log);
  // A Cluster reports each node's trouble separately; the cluster-wide "error" follows when it matters.
  if (client instanceof Cluster) client.on("node error", log);
}

/** True for an ioredis Cluster (BullMQ's `connection` may also be a plain options object: false then). */
export function isRedisCluster(connection: unknown): connection is Cluster {
  return (
    connection instanceof Cluster ||
    (typeof connection === "object" &&
      connection !== null &&
      (connection as { isCluster?: unknown }).isCluster === true)
  );
}

function connect(target: RedisTarget, options: RedisConnectionOptions): RedisClient {
  const { cluster: clusterOptions, ...redisOptions } = options;
  switch (target.mode) {
    case "single":
      // ioredis reads the URL itself (user, password, db, rediss -> TLS); it was only validated here.
      return new IORedis(target.url, { ...BULLMQ_OPTIONS, retryStrategy: retry, ...redisOptions });
    case "sentinel":
      return new IORedis({
        ...BULLMQ_OPTIONS,
        retryStrategy: retry,
        sentinels: target.sentinels,
        name: target.masterName,
        db: target.db,
        ...(target.username ? { username: target.username } : {}),
        ...(target.password ? { password: target.password } : {}),
        ...(target.sentinelUsername ? { sentinelUsername: target.sentinelUsername } : {}),
        ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
        ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
        ...redisOptions,
      });
    case "cluster":
      return new Cluster(target.nodes, {
        clusterRetryStrategy: retry,
        enableReadyCheck: true,
        // TLS managed clusters (ElastiCache, MemoryDB) announce hostnames whose certificates name them: ioredis's
        // default lookup would connect by IP and fail the certificate check (ioredis README, "ElastiCache with TLS").
        ...(target.tls
          ? { dnsLookup: (address: string, done: (e: null, a: string) => void) => done(null, address) }
          : {}),
        ...clusterOptions,
        redisOptions: {
          ...BULLMQ_OPTIONS,
          ...(target.username ? { username: target.username } : {}),
          ...(target.password ? { password: target.password } : {}),
          ...(target.tls ? { tls: {} } : {}),
          ...redisOptions,
        },
      });
  }
}

/**
 * A Redis connection for any REDIS_URL form (docs/redis.md): a Redis for `redis://`, `rediss://` and
 * `redis+sentinel://`, a Cluster for `redis+cluster://`. Configured for BullMQ workers and blocking commands (see
 * BULLMQ_OPTIONS), with reconnects backing off up to 2 s and one log line per 10 s while Redis is away.
 * Throws a {@link RedisUrlError} for a URL that does not parse.
 */
export function createRedisClient(url: string, options: RedisConnectionOptions = {}): RedisClient {
  const target = parseRedisUrl(url);
  const client = connect(target, options);
  quietErrors(client, describeRedisTarget(target));
  return client;
}

/**
 * {@link createRedisClient} for callers that take a single `Redis` (single node or Sentinel): refuses a
 * `redis+cluster://` URL with an error saying so, instead of handing them a Cluster their types do not expect.
 */
export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  const target = parseRedisUrl(url);
  if (target.mode === "cluster")
    throw new Error(
      `REDIS_URL ${describeRedisTarget(target)} is a Redis Cluster; this caller takes one Redis: use createRedisClient`,
    );
  const client = connect(target, options) as Redis;
  quietErrors(client, describeRedisTarget(target));
  return client;
}

/**
 * A new connection to the same Redis or Cluster with the same options, e.g. a subscriber (a connection in
 * subscriber mode can run nothing else) or BullMQ's blocking connection. Logs like its original.
 */
export function duplicateRedisConnection<C extends RedisClient>(client: C): C {
  const copy = (client instanceof Cluster ? client.duplicate() : (client as Redis).duplicate()) as C;
  quietErrors(copy, labels.get(client) ?? "redis");
  return copy;
}
