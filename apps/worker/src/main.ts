import { createPrismaClient } from "@seqlab/db";
import { createWorker } from "./create-worker";
import { parseWorkerArgs, parseWorkerEnv } from "./env";

/** How long a graceful shutdown may take (checkpoint + hand-over) before the worker exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 60_000;

async function main(): Promise<void> {
  const env = parseWorkerEnv();
  const args = parseWorkerArgs(process.argv.slice(2));
  // The supervisor's writes and the heartbeat; training itself runs in child processes with no database access.
  const prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL, poolSize: 4 });
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
  });
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
