import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { Worker as BullWorker } from "bullmq";
import { ArtifactRepository, EventRepository, MetricRepository, RunRepository, WorkerRepository, type Db } from "@seqlab/db";
import { initBackend } from "@seqlab/models";
import { createRedisConnection, createTrainingWorker, publishRunEvent } from "@seqlab/queue";
import { trainRun } from "./train-run.handler";

export interface WorkerConfig {
  prisma: Db;
  redisUrl: string;
  queues: string[];
  concurrency?: number;
  backend?: "tensorflow" | "wasm" | "cpu";
  /** BullMQ key prefix; tests pass a unique one. */
  prefix?: string;
  log?: (message: string) => void;
}

/** How often a worker proves it is alive. Several beats fit in the 30 s after which the dashboard calls it lost. */
const HEARTBEAT_MS = 5_000;

export interface SeqlabWorker {
  id: string;
  backend: { backend: string; reason: string; device: string };
  close(): Promise<void>;
}

/** Starts a training worker: picks the tfjs backend, registers itself, and serves the configured queues. */
export async function createWorker(config: WorkerConfig): Promise<SeqlabWorker> {
  const log = config.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const backend = await initBackend(config.backend ? { prefer: config.backend } : undefined);
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const runs = new RunRepository(config.prisma);
  const metrics = new MetricRepository(config.prisma);
  const artifacts = new ArtifactRepository(config.prisma);
  const events = new EventRepository(config.prisma);
  const workers = new WorkerRepository(config.prisma);
  const redis = createRedisConnection(config.redisUrl);
  const bullConnection = createRedisConnection(config.redisUrl);
  let currentRunId: string | null = null;

  await workers.register({
    id,
    host: hostname(),
    pid: process.pid,
    backend: backend.backend,
    device: backend.device,
    concurrency: config.concurrency ?? 1,
    queues: config.queues,
    version: "0.1.0",
  });
  log(`worker ${id} on ${backend.backend} (${backend.reason}); queues: ${config.queues.join(", ")}`);
  const heartbeat = setInterval(() => {
    workers.heartbeat(id, currentRunId).catch((e) => log(`heartbeat failed: ${e instanceof Error ? e.message : String(e)}`));
  }, HEARTBEAT_MS);

  const bullWorkers: BullWorker[] = config.queues.map((queue) =>
    createTrainingWorker({
      connection: bullConnection,
      queue,
      prefix: config.prefix,
      concurrency: config.concurrency ?? 1,
      handler: async (payload) => {
        currentRunId = payload.runId;
        try {
          await trainRun(payload, { runs, metrics, artifacts, events, redis, workerId: id, backend, log });
        } finally {
          currentRunId = null;
        }
      },
      onInvalidPayload: async (job, reason) => {
        log(`job ${job.id}: ${reason}`);
        const runId = typeof job.data?.runId === "string" ? job.data.runId : null;
        if (runId) {
          await runs.failRun(runId, reason).catch(() => undefined);
          await events.addEvent(runId, { level: "error", message: reason }).catch(() => undefined);
          await publishRunEvent(redis, { type: "status", runId, status: "FAILED", errorReason: reason }).catch(() => undefined);
        }
      },
    }),
  );
  for (const w of bullWorkers) w.on("error", (e) => log(`queue error: ${e.message}`));

  return {
    id,
    backend,
    async close() {
      clearInterval(heartbeat);
      await Promise.all(bullWorkers.map((w) => w.close()));
      await workers.markStopped(id).catch(() => undefined);
      redis.disconnect();
      bullConnection.disconnect();
    },
  };
}
