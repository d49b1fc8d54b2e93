import { createRedisClient, createSweepWorker } from "@seqlab/queue";
import type { Services, WebConfig } from "../services";

/**
 * How often the tick advances every running sweep. Trial reports drive a sweep; the tick only repairs what a crash
 * or a lost report left (a trial QUEUED with no job, a report never sent), so 5 s bounds that delay cheaply.
 */
const TICK_EVERY_MS = 5_000;

/**
 * Consumes the sweep controller's jobs in this web process (every replica does: the row lock serialises decisions
 * about one sweep) and makes sure the tick is scheduled. Returns a function that stops it.
 */
export async function startSweepJobs(
  services: () => Services,
  config: Pick<WebConfig, "redisUrl" | "queuePrefix">,
): Promise<() => Promise<void>> {
  const connection = createRedisClient(config.redisUrl);
  const worker = createSweepWorker({
    connection,
    prefix: config.queuePrefix,
    handler: async ({ sweepId }) => {
      const controller = services().sweepController;
      if (sweepId === null) await controller.tick();
      else await controller.advance(sweepId);
    },
  });
  worker.on("error", (error) => console.error("[web] sweep jobs:", error.message));
  await services().sweepQueue.scheduleTick(TICK_EVERY_MS);
  return async () => {
    await worker.close();
    connection.disconnect();
  };
}
