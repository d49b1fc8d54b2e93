import { RUNS_CHANNEL, RunStreamEvent, runChannel } from "@seqlab/contracts";
import { isRedisCluster, type RedisClient } from "./connection";

/**
 * PUBLISH through the node that owns the channel name's slot. A cluster broadcasts every PUBLISH to all nodes,
 * but ioredis sends a keyless command to any node it likes: two messages of one channel published through two
 * nodes can reach a subscriber out of order. A script keyed by the channel name is routed by that key (and
 * follows MOVED like any keyed command), so one channel's messages from one publisher keep their order, as they do
 * on a single Redis. Redis 7's sharded SPUBLISH would also do it, but needs SSUBSCRIBE and per-shard subscriber
 * connections on the other side.
 */
const PUBLISH_BY_CHANNEL = 'return redis.call("PUBLISH", KEYS[1], ARGV[1])';

/** Publishes one message: plain PUBLISH on a single Redis, routed by channel on a Cluster (see above). */
export async function publishOrdered(redis: RedisClient, channel: string, message: string): Promise<void> {
  if (isRedisCluster(redis)) await redis.eval(PUBLISH_BY_CHANNEL, 1, channel, message);
  else await redis.publish(channel, message);
}

/** Publishes a run stream event to live viewers. Status events also go to the runs-list channel. */
export async function publishRunEvent(redis: RedisClient, event: RunStreamEvent): Promise<void> {
  const message = JSON.stringify(event);
  // Progress is for the runs table only; status goes to both; everything else to the run's own viewers.
  if (event.type !== "progress") await publishOrdered(redis, runChannel(event.runId), message);
  if (event.type === "status" || event.type === "progress") await publishOrdered(redis, RUNS_CHANNEL, message);
}

/**
 * Subscribes to one run's events (or every run's status when runId is null) on a dedicated connection (a Cluster
 * subscribes through one of its nodes, which gets every node's messages). Malformed messages are dropped: the
 * channel is ours, but a viewer must never crash on one.
 */
export async function subscribeRunEvents(
  subscriber: RedisClient,
  runId: string | null,
  onEvent: (event: RunStreamEvent) => void,
): Promise<() => Promise<void>> {
  const channel = runId === null ? RUNS_CHANNEL : runChannel(runId);
  const listener = (ch: string, message: string) => {
    if (ch !== channel) return;
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      return;
    }
    const parsed = RunStreamEvent.safeParse(json);
    if (parsed.success) onEvent(parsed.data);
  };
  subscriber.on("message", listener);
  await subscriber.subscribe(channel);
  return async () => {
    subscriber.off("message", listener);
    await subscriber.unsubscribe(channel).catch(() => undefined);
  };
}
