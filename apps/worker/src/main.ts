import { createPrismaClient } from "@seqlab/db";
import { createWorker } from "./create-worker";
import { parseWorkerEnv } from "./env";

async function main(): Promise<void> {
  const env = parseWorkerEnv();
  // Two connections: one for the training loop's writes, one spare for heartbeats while a write is in flight.
  const prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL, poolSize: 2 });
  const worker = await createWorker({
    prisma,
    redisUrl: env.REDIS_URL,
    queues: env.SEQLAB_QUEUES,
    concurrency: env.SEQLAB_WORKER_CONCURRENCY,
    backend: env.SEQLAB_BACKEND,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`[worker] ${signal}: finishing the current step and closing`);
    await worker.close();
    await prisma.$disconnect();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
