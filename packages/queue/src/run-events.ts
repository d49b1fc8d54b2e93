import type { Redis } from "ioredis";
import { RUNS_CHANNEL, RunStreamEvent, runChannel } from "@seqlab/contracts";

/** Publishes a run stream event to live viewers. Status events also go to the runs-list channel. */
export async function publishRunEvent(redis: Redis, event: RunStreamEvent): Promise<void> {
  const message = JSON.stringify(event);
  // Progress is for the runs table only; status goes to both; everything else to the run's own viewers.
  if (event.type !== "progress") await redis.publish(runChannel(event.runId), message);
  if (event.type === "status" || event.type === "progress") await redis.publish(RUNS_CHANNEL, message);
}

/**
 * Subscribes to one run's events (or every run's status when runId is null) on a dedicated connection.
 * Malformed messages are dropped: the channel is ours, but a viewer must never crash on one.
 */
export async function subscribeRunEvents(
  subscriber: Redis,
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
