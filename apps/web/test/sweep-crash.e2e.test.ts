import { randomUUID } from "node:crypto";
import type { SweepDetail } from "@seqlab/contracts";
import { createTestDatabase, type TestDatabase, testArtifactStoreConfig } from "@seqlab/db/testing";
import { createRedisConnection, TrainingQueue } from "@seqlab/queue";
import { createWorker, type SeqlabWorker } from "@seqlab/worker";
import { signIn } from "@seqlab/launcher/signed-in-client";
import { dropQueues, REDIS_URL, startWebProcess } from "./harness";

jest.setTimeout(300_000);

const ADMIN = { email: "sweeper@example.com", password: "sweep crash password" };

/**
 * The sweep controller killed (SIGKILL) in the middle of a promotion: the decision committed, the promoted trial's
 * job not yet queued. A new web process takes over from PostgreSQL alone and the sweep ends as it would have: no
 * trial lost, none created twice, none promoted twice.
 */
describe("a sweep survives its controller's process being killed during a promotion", () => {
  let db: TestDatabase;
  let worker: SeqlabWorker;
  const prefix = `sweep-crash-${randomUUID()}`;
  const start = (extra: Record<string, string> = {}) =>
    startWebProcess({
      DATABASE_URL: db.url,
      REDIS_URL,
      SEQLAB_QUEUE_PREFIX: prefix,
      SEQLAB_ADMIN_EMAIL: ADMIN.email,
      SEQLAB_ADMIN_PASSWORD: ADMIN.password,
      ...extra,
    });
  let web: Awaited<ReturnType<typeof start>> | null = null;

  beforeAll(async () => {
    db = await createTestDatabase();
    worker = await createWorker({
      prisma: db.prisma,
      artifactStore: testArtifactStoreConfig(),
      redisUrl: REDIS_URL,
      queues: ["default"],
      prefix,
      backend: "cpu",
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await worker?.close();
    await web?.stop();
    await dropQueues(prefix);
    await db?.drop();
  });

  it("repairs the half-done promotion and completes with every trial once", async () => {
    web = await start({ SEQLAB_FAULT: "sweep-exit-after-promotion" });
    const killed = new Promise<NodeJS.Signals | null>((resolve) =>
      web!.child.once("exit", (_code, signal) => resolve(signal)),
    );
    const admin = await signIn(web.url, ADMIN);
    const created = await admin.fetch("/api/sweeps", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        definition: {
          name: "crash",
          project: "default",
          base: {
            model: "lstm",
            modelHyperparameters: { units: 4 },
            dataset: "adding",
            datasetParams: { length: 5 },
            training: {
              steps: 36,
              batchSize: 8,
              evalEvery: 4,
              checkpointEvery: 1000,
              gradientFlow: false,
              logPredictions: false,
            },
            seed: 3,
          },
          method: "random",
          parameters: { "training.learningRate": { kind: "log-uniform", min: 0.001, max: 0.1 } },
          scheduler: { kind: "asha", eta: 3, minSteps: 4, maxSteps: 36 },
          metric: { name: "val/loss", goal: "minimize" },
          limits: { maxTrials: 9, maxConcurrent: 2 },
        },
      }),
    });
    expect(created.status).toBe(201);
    const { sweep } = (await created.json()) as { sweep: SweepDetail };

    // The first promotion kills the web process after its commit.
    expect(await killed).toBe("SIGKILL");
    const connection = createRedisConnection(REDIS_URL);
    const trainingQueue = new TrainingQueue({ connection, queue: "default", prefix });
    const promoted = await db.prisma.run.findMany({ where: { sweepId: sweep.id, rung: { gte: 1 } } });
    expect(promoted).toHaveLength(1);
    expect(promoted[0]!.status).toBe("QUEUED");
    // Committed in the database, not queued: without a repair this trial would wait forever.
    const job = await trainingQueue.queue.getJob(promoted[0]!.id);
    expect(job === undefined || (await job.getState()) === "completed").toBe(true);
    await trainingQueue.queue.close();
    connection.disconnect();

    web = await start();
    const viewer = await signIn(web.url, ADMIN);
    let detail: SweepDetail | null = null;
    for (let i = 0; i < 800; i++) {
      detail = ((await (await viewer.fetch(`/api/sweeps/${sweep.id}`)).json()) as { sweep: SweepDetail }).sweep;
      if (detail.status === "COMPLETED") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(detail!.status).toBe("COMPLETED");
    expect(detail!.trials.map((t) => t.trialNumber)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const runs = await db.prisma.run.findMany({ where: { sweepId: sweep.id }, orderBy: { trialNumber: "asc" } });
    expect(runs).toHaveLength(9);
    for (const run of runs) {
      // Each rung trained once: one attempt per rung reached, and the steps of its rung.
      expect(run.attempt).toBe(run.rung! + 1);
      expect(run.lastStep).toBe([4, 12, 36][run.rung!]);
      expect(["PAUSED", "SUCCEEDED"]).toContain(run.status);
    }
    // The trial whose promotion was cut short did train its next rung.
    const repaired = runs.find((r) => r.id === promoted[0]!.id)!;
    expect(repaired.rung).toBeGreaterThanOrEqual(1);
    expect(repaired.lastStep).toBeGreaterThanOrEqual(12);
    const results = await db.prisma.sweepResult.count({ where: { sweepId: sweep.id } });
    expect(results).toBe(runs.reduce((sum, r) => sum + r.rung! + 1, 0));
  });
});
