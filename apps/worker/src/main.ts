import path from "node:path";
import { artifactStoreConfigFromEnv } from "@seqlab/artifact-store";
import { createPrismaClient } from "@seqlab/db";
import { createWorker } from "./create-worker";
import { parseWorkerArgs, parseWorkerEnv } from "./env";
import { WorkerMetrics } from "./worker-metrics";

/** How long a graceful shutdown may take (checkpoint + hand-over) before the worker exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 60_000;

async function main(): Promise<void> {
  const env = parseWorkerEnv();
  const args = parseWorkerArgs(process.argv.slice(2));
  // The supervisor's writes and the heartbeat; training itself runs in child processes with no database access.
  const prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL, poolSize: 4 });
  let workerMetrics: WorkerMetrics | null = null;
  const worker = await createWorker({
    prisma,
    redisUrl: env.REDIS_URL,
    queues: args.queues ?? env.SEQLAB_QUEUES,
    concurrency: env.SEQLAB_WORKER_CONCURRENCY,
    backend: env.SEQLAB_BACKEND,
    device: args.device ?? env.CUDA_VISIBLE_DEVICES,
    trainerMemoryMb: env.SEQLAB_TRAINER_MEMORY_MB,
    fault: env.SEQLAB_TEST_FAULT,
    prefix: env.SEQLAB_QUEUE_PREFIX,
    artifactStore: artifactStoreConfigFromEnv(env, path.join(env.SEQLAB_DATA_DIR, "artifacts")),
    ...(env.SEQLAB_SPOOL_DIR ? { spoolDir: env.SEQLAB_SPOOL_DIR } : {}),
    // The registry needs the worker's id and backend, known once it has started: counts arrive after that.
    observer: {
      pointsPersisted: (count) => workerMetrics?.pointsPersisted(count),
      checkpointWritten: (bytes) => workerMetrics?.checkpointWritten(bytes),
    },
  });
  workerMetrics =
    env.SEQLAB_METRICS_PORT === undefined
      ? null
      : new WorkerMetrics({
          workerId: worker.id,
          backend: worker.backend,
          queues: args.queues ?? env.SEQLAB_QUEUES,
          trainingRuns: () => worker.trainingPids().length,
        });
  const metricsServer = workerMetrics
    ? await workerMetrics.listen(env.SEQLAB_METRICS_PORT!, env.SEQLAB_METRICS_HOST)
    : null;
  if (metricsServer) console.log(`[worker] metrics on http://${env.SEQLAB_METRICS_HOST}:${metricsServer.port}/metrics`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.log(`[worker] second ${signal}: exiting now`);
      process.exit(1);
    }
    stopping = true;
    console.log(`[worker] ${signal}: checkpointing running work and handing it back (again to exit at once)`);
    setTimeout(() => {
      console.log("[worker] shutdown timed out: exiting");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    void worker
      .close({ handover: true })
      .then(() => metricsServer?.close())
      .then(() => prisma.$disconnect())
      .then(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
