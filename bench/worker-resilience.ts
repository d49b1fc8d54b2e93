/**
 * Issue 5 figures, each with a baseline measured in the same run:
 *  - recovery after kill -9 (training process, and whole worker process): from the kill to a step beyond the last
 *    one persisted before it;
 *  - cancel latency: API cancel -> run marked CANCELLED and slot free (n=10);
 *  - metric points per second one worker persists through its batching writer, against one INSERT per point;
 *  - checkpoint overhead: the same run with a checkpoint every 10 steps against one with none until the end.
 * Needs PostgreSQL (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL). Run: npx tsx bench/worker-resilience.ts
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { MetricRepository, ProjectRepository, RunRepository, type Db } from "@seqlab/db";
import { createTestDatabase, testArtifactStoreConfig } from "@seqlab/db/testing";
import { createRedisConnection, TrainingQueue } from "@seqlab/queue";
import { createWorker, MetricWriter } from "@seqlab/worker";
import { TrainingSettings, type ResolvedRunConfig } from "@seqlab/contracts";
import { randomUUID } from "node:crypto";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const ROOT = path.resolve(__dirname, "..");
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const max = (v: number[]) => Math.max(...v);

function config(training: Partial<ResolvedRunConfig["training"]>, units = 32): ResolvedRunConfig {
  return {
    model: "lstm",
    modelHyperparameters: { units },
    dataset: "adding",
    datasetParams: { length: 30 },
    training: TrainingSettings.parse({ batchSize: 32, evalEvery: 25, ...training }),
    seed: 5,
  };
}

async function launch(db: Db, queue: TrainingQueue, c: ResolvedRunConfig): Promise<string> {
  const project = await new ProjectRepository(db).ensureProject();
  const run = await new RunRepository(db).createRun({
    projectId: project.id,
    name: "bench",
    config: c,
    priority: 0,
    queueName: "default",
  });
  await queue.enqueueRun(run.id, c);
  return run.id;
}

async function until<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 180_000,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const lastStep = (db: Db, runId: string) =>
  db.metricPoint
    .findFirst({ where: { runId, key: "train/loss" }, orderBy: { step: "desc" }, select: { step: true } })
    .then((p) => p?.step ?? 0);
const statusOf = (db: Db, runId: string) => new RunRepository(db).getStatus(runId).then((s) => s?.status);

async function main(): Promise<void> {
  const db = await createTestDatabase({ poolSize: 8 });
  const prefix = `bench-${randomUUID()}`;
  const connection = createRedisConnection(REDIS_URL);
  const queue = new TrainingQueue({ connection, queue: "default", prefix });
  const rows: string[] = [];

  // Cancel latency and training-process kill, with one in-process worker.
  const worker = await createWorker({
    prisma: db.prisma,
    artifactStore: testArtifactStoreConfig(),
    redisUrl: REDIS_URL,
    queues: ["default"],
    prefix,
    backend: "wasm",
    log: () => undefined,
  });
  const cancels: number[] = [];
  for (let i = 0; i < 10; i++) {
    const id = await launch(db.prisma, queue, config({ steps: 1_000_000 }));
    await until(async () => (await lastStep(db.prisma, id)) >= 3);
    const t0 = performance.now();
    await new RunRepository(db.prisma).requestCancel(id);
    await until(async () => (await statusOf(db.prisma, id)) === "CANCELLED", 10_000, 5);
    cancels.push(performance.now() - t0);
  }
  rows.push(
    `| cancel a running run -> CANCELLED (n=10) | median ${median(cancels).toFixed(0)} ms, max ${max(cancels).toFixed(0)} ms | the 2 s the issue allows | ${(2000 / max(cancels)).toFixed(1)}x inside it |`,
  );

  const childKills: number[] = [];
  for (let i = 0; i < 3; i++) {
    const id = await launch(db.prisma, queue, config({ steps: 400, checkpointEvery: 20 }));
    await until(async () => (await lastStep(db.prisma, id)) >= 30);
    const t0 = performance.now();
    process.kill(worker.trainingPids()[0]!, "SIGKILL");
    await new Promise((r) => setTimeout(r, 300));
    const before = await lastStep(db.prisma, id);
    await until(async () => (await lastStep(db.prisma, id)) > before);
    childKills.push(performance.now() - t0);
    await new RunRepository(db.prisma).requestCancel(id);
    await until(async () => ["CANCELLED", "SUCCEEDED"].includes((await statusOf(db.prisma, id)) ?? ""));
  }

  // Checkpoint overhead: same run, checkpoint every 10 steps vs only at the end; alternate to share the noise.
  const timed = async (checkpointEvery: number) => {
    const id = await launch(db.prisma, queue, config({ steps: 200, checkpointEvery, evalEvery: 1000 }, 64));
    await until(async () => (await lastStep(db.prisma, id)) >= 1);
    const t0 = performance.now();
    await until(async () => (await statusOf(db.prisma, id)) === "SUCCEEDED", 600_000, 20);
    return performance.now() - t0;
  };
  const withCk: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < 3; i++) {
    without.push(await timed(1_000_000));
    withCk.push(await timed(10));
  }
  const ckPoints = await db.prisma.metricPoint.findMany({
    where: { key: { in: ["system/checkpoint_ms", "system/step_ms"] } },
    select: { key: true, value: true },
  });
  const saveMs = ckPoints.filter((p) => p.key === "system/checkpoint_ms").map((p) => p.value);
  const stepMs = ckPoints.filter((p) => p.key === "system/step_ms" && p.value > 0).map((p) => p.value);
  await worker.close();

  // Whole worker process killed: a second worker takes over after the lock expires.
  const env = { ...process.env, DATABASE_URL: db.url, REDIS_URL, SEQLAB_QUEUE_PREFIX: prefix, SEQLAB_BACKEND: "wasm" };
  const spawnWorker = () =>
    spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], { cwd: ROOT, env, stdio: "ignore" });
  const workerKills: number[] = [];
  for (let i = 0; i < 2; i++) {
    const a = spawnWorker();
    await until(() => db.prisma.worker.findFirst({ where: { pid: a.pid!, stoppedAt: null } }), 60_000, 100);
    const id = await launch(db.prisma, queue, config({ steps: 3000, checkpointEvery: 20 }));
    await until(async () => (await lastStep(db.prisma, id)) >= 30);
    const b = spawnWorker();
    await until(() => db.prisma.worker.findFirst({ where: { pid: b.pid!, stoppedAt: null } }), 60_000, 100);
    const t0 = performance.now();
    a.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 300));
    const before = await lastStep(db.prisma, id);
    await until(async () => (await lastStep(db.prisma, id)) > before, 120_000, 20);
    workerKills.push(performance.now() - t0);
    await new RunRepository(db.prisma).requestCancel(id);
    await until(async () => (await statusOf(db.prisma, id)) === "CANCELLED");
    b.kill("SIGKILL");
  }
  rows.push(
    `| kill -9 of the training process -> training continues (n=3) | median ${(median(childKills) / 1000).toFixed(2)} s, max ${(max(childKills) / 1000).toFixed(2)} s | - | - |`,
  );
  rows.push(
    `| kill -9 of the worker process -> another worker continues (n=2) | median ${(median(workerKills) / 1000).toFixed(1)} s, max ${(max(workerKills) / 1000).toFixed(1)} s | BullMQ defaults (30 s lock, 30 s stalled check): up to 60 s before the job is even re-queued | - |`,
  );
  const overhead = (median(withCk) - median(without)) / median(without);
  rows.push(
    `| checkpoint overhead, LSTM(64) on wasm, every 10 steps vs none (n=3 each) | run ${(median(withCk) / 1000).toFixed(2)} s vs ${(median(without) / 1000).toFixed(2)} s: ${(100 * overhead).toFixed(1)}% | save ${median(saveMs).toFixed(1)} ms per checkpoint vs ${median(stepMs).toFixed(1)} ms per step | ${((100 * median(saveMs)) / (10 * median(stepMs))).toFixed(1)}% of 10 steps' time |`,
  );

  // Metric persistence throughput: the worker's batching writer vs one INSERT per point.
  const project = await new ProjectRepository(db.prisma).ensureProject();
  const runs = new RunRepository(db.prisma);
  const mkRun = async () =>
    (
      await runs.createRun({
        projectId: project.id,
        name: "m",
        config: config({ steps: 1 }),
        priority: 0,
        queueName: "default",
      })
    ).id;
  const redis = createRedisConnection(REDIS_URL);
  const batchRun = await mkRun();
  const writer = new MetricWriter({ runId: batchRun, metrics: new MetricRepository(db.prisma), redis });
  const n = 50_000;
  let t0 = performance.now();
  for (let step = 1; step <= n / 10; step++) {
    writer.record(
      Array.from({ length: 10 }, (_, k) => ({ key: `m${k}`, step, value: step * k, wallTime: Date.now() })),
    );
    if (step % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  await writer.close();
  const batchedRate = n / ((performance.now() - t0) / 1000);
  const singleRun = await mkRun();
  const metrics = new MetricRepository(db.prisma);
  const m = 2_000;
  t0 = performance.now();
  for (let step = 1; step <= m; step++)
    await metrics.insertPoints(singleRun, [{ key: "m", step, value: step, wallTime: Date.now() }]);
  const singleRate = m / ((performance.now() - t0) / 1000);
  rows.push(
    `| metric points persisted per second by one worker (${n} points, 10 keys) | ${batchedRate.toFixed(0)}/s | one INSERT per point: ${singleRate.toFixed(0)}/s | ${(batchedRate / singleRate).toFixed(1)}x |`,
  );
  redis.disconnect();

  console.log("\n## Worker resilience (same machine, same run)\n");
  console.log("| figure | seqlab | baseline | ratio |");
  console.log("|---|---|---|---|");
  for (const r of rows) console.log(r);
  await queue.queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  await db.drop();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
