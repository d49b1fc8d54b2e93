import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Redis } from "ioredis";
import { TrainingSettings, type ResolvedRunConfig, type RunStatus } from "@seqlab/contracts";
import { MetricRepository, ProjectRepository, RunRepository, type Db } from "@seqlab/db";
import { createRedisConnection, TrainingQueue } from "@seqlab/queue";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const ROOT = path.resolve(__dirname, "../../..");

/** A small, fast, deterministic run: vanilla RNN on a short adding problem. */
export function smallConfig(overrides: Partial<ResolvedRunConfig["training"]> = {}, model = "rnn"): ResolvedRunConfig {
  return {
    model,
    modelHyperparameters: { units: 8 },
    dataset: "adding",
    datasetParams: { length: 10 },
    training: TrainingSettings.parse({ steps: 40, batchSize: 16, evalEvery: 10, checkpointEvery: 10, ...overrides }),
    seed: 11,
  };
}

/** Creates a run and queues it the way the API does. */
export async function launch(
  prisma: Db,
  queue: TrainingQueue,
  config: ResolvedRunConfig,
  name = "test",
): Promise<string> {
  const project = await new ProjectRepository(prisma).ensureProject();
  const run = await new RunRepository(prisma).createRun({
    projectId: project.id,
    name,
    config,
    priority: 0,
    queueName: "default",
  });
  await queue.enqueueRun(run.id, config);
  return run.id;
}

/** Polls until the run's status is one of `statuses`. */
export async function waitForStatus(prisma: Db, runId: string, statuses: RunStatus[], timeoutMs = 90_000) {
  const runs = new RunRepository(prisma);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await runs.getStatus(runId).catch(() => null);
    if (status && statuses.includes(status.status)) return (await runs.getRunDetail(runId))!;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not reach ${statuses.join("/")} within ${timeoutMs} ms`);
}

/** Polls until the run has persisted a loss point at `step` or later; returns when. */
export async function waitForStep(prisma: Db, runId: string, step: number, timeoutMs = 90_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const last = await prisma.metricPoint
      .findFirst({ where: { runId, key: "train/loss" }, orderBy: { step: "desc" }, select: { step: true } })
      .catch(() => null);
    if (last && last.step >= step) return Date.now();
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`run ${runId} did not reach step ${step} within ${timeoutMs} ms`);
}

/** Every metric series of a run as key -> [step, value][]. */
export async function series(prisma: Db, runId: string, keys = ["train/loss", "val/loss", "train/mse"]) {
  const points = await new MetricRepository(prisma).listPoints(runId, { keys, limit: 10_000_000 });
  const out: Record<string, [number, number][]> = {};
  for (const p of points) (out[p.key] ??= []).push([p.step, p.value]);
  return out;
}

/** A unique queue namespace with its producer. */
export function testQueue(redisUrl = REDIS_URL): { prefix: string; queue: TrainingQueue; connection: Redis } {
  const prefix = `test-${randomUUID()}`;
  const connection = createRedisConnection(redisUrl);
  return { prefix, queue: new TrainingQueue({ connection, queue: "default", prefix }), connection };
}

/** Starts `apps/worker/src/main.ts` as a real process. */
export function spawnWorkerProcess(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, SEQLAB_BACKEND: "cpu", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", () => undefined);
  child.stderr?.on("data", () => undefined);
  return child;
}

/** Waits until a worker with this pid has registered (and so is serving its queues). */
export async function waitForWorkerRegistered(prisma: Db, pid: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await prisma.worker.findFirst({ where: { pid, stoppedAt: null } })) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`worker process ${pid} did not register within ${timeoutMs} ms`);
}
