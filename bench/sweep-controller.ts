/**
 * What the sweep controller costs per trial report: SweepController.advance on a real PostgreSQL and Redis, for an
 * ASHA sweep of TRIALS trials (8 at a time) driven to completion by fake reports (each trial marked PAUSED at its
 * rung with its val/loss point, as a worker leaves it), against the floor of every decision: the transaction that
 * takes the sweep's row lock and reads nothing else. Reports alternate with floor measurements.
 *
 *   npx tsx bench/sweep-controller.ts
 *
 * Needs PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL).
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { SweepDefinition } from "@seqlab/contracts";
import { createPrismaClient, MetricRepository, ProjectRepository, RunRepository, SweepRepository } from "@seqlab/db";
import { createRedisConnection, SweepQueue, TrainingQueue } from "@seqlab/queue";
import { trialRungSteps } from "@seqlab/sweeps";
import { SweepController } from "@seqlab/web/sweep-controller";
import { databaseFor } from "./servers";

const REPO = path.resolve(__dirname, "..");
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const TRIALS = 81;

const quantile = (v: number[], q: number) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) * q)]!;

async function main() {
  const database = await databaseFor(REPO);
  const prisma = createPrismaClient({ databaseUrl: database.url, poolSize: 4 });
  const redis = createRedisConnection(REDIS_URL);
  const prefix = `bench-sweeps-${randomUUID()}`;
  const queues = new Map<string, TrainingQueue>();
  const queueFor = (name: string) => {
    if (!queues.has(name)) queues.set(name, new TrainingQueue({ connection: redis, queue: name, prefix }));
    return queues.get(name)!;
  };
  const sweeps = new SweepRepository(prisma);
  const runs = new RunRepository(prisma);
  const metrics = new MetricRepository(prisma);
  const sweepQueue = new SweepQueue({ connection: redis, prefix });
  const controller = new SweepController({ sweeps, runs, queueFor, sweepQueue, cancelRun: async () => undefined });
  try {
    const project = await new ProjectRepository(prisma).ensureProject({});
    const definition = SweepDefinition.parse({
      base: {
        model: "lstm",
        modelHyperparameters: { units: 8 },
        dataset: "adding",
        datasetParams: { length: 50 },
        training: { steps: 81 },
      },
      method: "random",
      parameters: {
        "training.learningRate": { kind: "log-uniform", min: 1e-4, max: 1e-1 },
        "modelHyperparameters.units": { kind: "choice", values: [4, 8, 16, 32] },
      },
      scheduler: { kind: "asha", eta: 3, minSteps: 1, maxSteps: 81 },
      metric: { name: "val/loss", goal: "minimize" },
      limits: { maxTrials: TRIALS, maxConcurrent: 8 },
      seed: 1,
    });
    const sweep = await sweeps.createSweep({
      projectId: project.id,
      createdById: null,
      name: "bench",
      definition,
      sourceRunId: null,
    });
    const advanceMs: number[] = [];
    const floorMs: number[] = [];
    let reports = 0;
    await controller.advance(sweep.id);
    for (;;) {
      const live = (await sweeps.trialsOf(sweep.id)).filter((t) => t.status === "QUEUED");
      if (live.length === 0) break;
      // One trial reports: it trained to its rung and paused (or succeeded at the top), with a seeded val/loss.
      const trial = live[0]!;
      const rungs = trialRungSteps(definition, trial);
      const steps = rungs[trial.rung]!;
      const value = 1 / (1 + trial.rung) + ((trial.trialNumber * 7919) % 97) / 970;
      await metrics.insertPoints(trial.runId, [{ key: "val/loss", step: steps, value, wallTime: Date.now() }]);
      await prisma.run.update({
        where: { id: trial.runId },
        data: {
          status: trial.rung === rungs.length - 1 ? "SUCCEEDED" : "PAUSED",
          lastStep: steps,
          attempt: { increment: 1 },
        },
      });
      // Its training job is done; the controller removes it when it queues the promotion under the same id.
      await queueFor("default").queue.remove(trial.runId);
      let t = performance.now();
      await controller.advance(sweep.id);
      advanceMs.push(performance.now() - t);
      reports += 1;
      t = performance.now();
      await sweeps.withSweepLocked(sweep.id, async () => null);
      floorMs.push(performance.now() - t);
    }
    const final = await sweeps.findSweep(sweep.id);
    const trials = await sweeps.trialsOf(sweep.id);
    console.log(
      `## Sweep controller per trial report: ASHA η 3, rungs 1-81, ${TRIALS} trials, 8 at a time, ${reports} reports`,
    );
    console.log("| step | median ms | p95 ms | max ms |");
    console.log("|---|---|---|---|");
    const row = (name: string, v: number[]) =>
      console.log(
        `| ${name} | ${quantile(v, 0.5).toFixed(2)} | ${quantile(v, 0.95).toFixed(2)} | ${Math.max(...v).toFixed(2)} |`,
      );
    row("SweepController.advance (record, decide, write, queue)", advanceMs);
    row("baseline: the row-lock transaction alone", floorMs);
    console.log(
      `ratio ${(quantile(advanceMs, 0.5) / quantile(floorMs, 0.5)).toFixed(1)}; sweep ${final?.status}, ` +
        `${trials.length} trials, ${trials.filter((t) => t.rung > 0).length} promoted at least once`,
    );
  } finally {
    await sweepQueue.queue.obliterate({ force: true }).catch(() => undefined);
    for (const q of queues.values()) await q.queue.obliterate({ force: true }).catch(() => undefined);
    await sweepQueue.close();
    for (const q of queues.values()) await q.close();
    redis.disconnect();
    await prisma.$disconnect();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
