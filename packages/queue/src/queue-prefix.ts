import type { ConnectionOptions } from "bullmq";
import { isRedisCluster } from "./connection";

/** BullMQ's own default key prefix, and seqlab's (SEQLAB_QUEUE_PREFIX). */
export const DEFAULT_QUEUE_PREFIX = "bull";

/**
 * The hash tag of a key by Redis Cluster's rule: the text between the first `{` and the first `}` after it, when
 * that is not empty; null when the whole key is hashed. (Redis Cluster specification, "Hash tags".)
 */
export function redisHashTag(key: string): string | null {
  const open = key.indexOf("{");
  if (open === -1) return null;
  const close = key.indexOf("}", open + 1);
  if (close === -1 || close === open + 1) return null;
  return key.slice(open + 1, close);
}

/**
 * A prefix under which every key of a queue lands in one cluster slot: BullMQ's Lua scripts touch several keys of a
 * queue at once, and a cluster refuses a script whose keys span slots (CROSSSLOT). A prefix with a hash tag is kept
 * as it is (`{seqlab}`, `app:{q}`); any other is wrapped whole: `bull` -> `{bull}`.
 */
export function clusterSafePrefix(prefix: string): string {
  if (redisHashTag(prefix) !== null) return prefix;
  const wrapped = `{${prefix}}`;
  // Only a prefix that starts with "}" or is empty defeats the wrapping (`{}...}` has an empty tag).
  if (redisHashTag(wrapped) === null)
    throw new Error(`queue prefix "${prefix}" cannot be made cluster-safe; give it a hash tag such as "{seqlab}"`);
  return wrapped;
}

/**
 * The key prefix a queue or worker uses on `connection`: the configured one on a single Redis (so existing keys stay
 * where they are), its {@link clusterSafePrefix} on a Cluster. Producers and workers must agree on it, and do as
 * long as both go through this function with the same configured prefix. Default prefix: "bull".
 */
export function queuePrefix(connection: ConnectionOptions, prefix: string = DEFAULT_QUEUE_PREFIX): string {
  return isRedisCluster(connection) ? clusterSafePrefix(prefix) : prefix;
}
