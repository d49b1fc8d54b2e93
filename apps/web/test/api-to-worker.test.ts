import { testArtifactStoreConfig } from "@seqlab/db/testing";
import type { Redis } from "ioredis";
import { MetricRepository, RunRepository } from "@seqlab/db";
import { createRedisConnection, subscribeRunEvents, TrainingQueue } from "@seqlab/queue";
import { createWorker, type SeqlabWorker } from "@seqlab/worker";
import type { RunStreamEvent } from "@seqlab/contracts";
import { launchRun } from "../src/server/handlers/runs";
import {
  authedRequest,
  createTeam,
  createTestApp,
  createUser,
  REDIS_URL,
  type TestApp,
  type TestAuth,
} from "./harness";

jest.setTimeout(120_000);

/** Polls the database until the run reaches a terminal status. */
async function waitForRun(runs: RunRepository, id: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await runs.getStatus(id);
    if (status && !["QUEUED", "RUNNING"].includes(status.status)) return runs.getRunDetail(id);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${id} did not finish in ${timeoutMs} ms`);
}

describe("API -> queue -> worker -> database (real PostgreSQL, Redis, tfjs)", () => {
  let app: TestApp;
  let worker: SeqlabWorker;
  let runs: RunRepository;
  let subscriber: Redis;

  beforeAll(async () => {
    app = await createTestApp();
    const member = await createUser(app);
    await createTeam(app, "lab", [[member, "member"]]);
    auth = { cookie: member.cookie };
    worker = await createWorker({
      prisma: app.db.prisma,
      artifactStore: testArtifactStoreConfig(),
      redisUrl: REDIS_URL,
      queues: ["default"],
      prefix: app.prefix,
      backend: "cpu",
      log: () => undefined,
    });
    runs = new RunRepository(app.db.prisma);
    subscriber = createRedisConnection(REDIS_URL);
  });

  afterAll(async () => {
    await worker.close();
    await new TrainingQueue({ connection: app.services.redis, queue: "default", prefix: app.prefix }).queue.obliterate({
      force: true,
    });
    subscriber.disconnect();
    await app.close();
  });

  let auth: TestAuth = null;
  const post = (body: unknown) => launchRun.invoke(app.services, authedRequest("POST", "/api/runs", auth, body));

  it.each([["rnn"], ["lstm"]])(
    "trains a %s on the adding problem end to end, streaming metrics live",
    async (model) => {
      const body = {
        model,
        modelHyperparameters: { units: 8 },
        dataset: "adding",
        datasetParams: { length: 10 },
        training: { steps: 30, batchSize: 16, evalEvery: 10, checkpointEvery: 20 },
        seed: 3,
      };
      const response = await post(body);
      expect(response.status).toBe(201);
      const { run } = (await response.json()) as { run: { id: string; status: string } };
      expect(run.status).toBe("QUEUED");

      const live: RunStreamEvent[] = [];
      const stop = await subscribeRunEvents(subscriber, run.id, (e) => live.push(e));
      const detail = await waitForRun(runs, run.id);
      await stop();

      expect(detail).toMatchObject({ status: "SUCCEEDED", attempt: 1, lastStep: 30, errorReason: null });
      expect(detail!.finalLoss).toEqual(expect.any(Number));
      const metrics = new MetricRepository(app.db.prisma);
      const loss = (await metrics.listPoints(run.id, { keys: ["train/loss"] })).map((p) => p.step);
      expect(loss).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect((await metrics.listPoints(run.id, { keys: ["val/loss"] })).map((p) => p.step)).toEqual([10, 20, 30]);
      expect(await metrics.countPoints(run.id, "train/mse")).toBe(30);
      // The whole test split once at the end: a test/ point and the result with its baseline.
      expect(await metrics.countPoints(run.id, "test/mse")).toBe(1);
      expect(detail!.artifacts.filter((a) => a.kind === "evaluation").map((a) => [a.name, a.step])).toEqual([
        ["test", 30],
      ]);
      expect(detail!.artifacts.filter((a) => a.kind === "checkpoint").map((a) => a.step)).toEqual([20, 30]);
      expect(detail!.backend).toBe("cpu");
      // Live viewers saw the points as they were recorded, and the final status.
      const liveLossSteps = live.flatMap((e) =>
        e.type === "metrics" ? e.points.filter((p) => p.key === "train/loss").map((p) => p.step) : [],
      );
      expect(liveLossSteps.length).toBeGreaterThanOrEqual(25);
      expect(live.some((e) => e.type === "status" && e.status === "SUCCEEDED")).toBe(true);
    },
  );

  it("rejects a bad body with 400 listing each bad field, and writes and queues nothing", async () => {
    const before = await app.db.prisma.run.count();
    const response = await post({
      model: "lstm",
      modelHyperparameters: { units: -4 },
      dataset: "adding",
      datasetParams: { length: 1 },
      training: { steps: 0 },
    });
    expect(response.status).toBe(400);
    const json = (await response.json()) as { issues: { path: string; message: string }[] };
    expect(json.issues.map((i) => i.path)).toEqual(["training.steps"]);
    const second = await post({
      model: "lstm",
      modelHyperparameters: { units: -4 },
      dataset: "adding",
      datasetParams: { length: 1 },
    });
    expect(second.status).toBe(400);
    const paths = ((await second.json()) as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["modelHyperparameters.units", "datasetParams.length"]));
    expect(await post({ model: "no-such-model", dataset: "adding" }).then((r) => r.status)).toBe(400);
    const misfit = await post({ model: "seq2seq-attention", dataset: "adding" });
    expect(misfit.status).toBe(400);
    expect(((await misfit.json()) as { issues: { path: string; message: string }[] }).issues).toEqual([
      {
        path: "model",
        message: expect.stringMatching(
          /^model "seq2seq-attention" \(heads: .*\) does not fit dataset "adding" \(heads: regression\)$/,
        ),
      },
    ]);
    const notJson = await post("{nope");
    expect(notJson.status).toBe(400);
    expect(await app.db.prisma.run.count()).toBe(before);
    const queue = new TrainingQueue({ connection: app.services.redis, queue: "default", prefix: app.prefix });
    expect(await queue.queue.getWaitingCount()).toBe(0);
  });

  it("fails the job and the run with a clear reason when the worker cannot parse the payload", async () => {
    const s = app.services;
    const project = await s.projects.ensureProject({ teamSlug: "lab" });
    const good = {
      model: "rnn",
      modelHyperparameters: {},
      dataset: "adding",
      datasetParams: {},
      training: { steps: 1 },
      seed: 1,
    };
    const created = await runs.createRun({
      projectId: project.id,
      name: "bad-payload",
      config: { ...good, training: (await import("@seqlab/contracts")).TrainingSettings.parse({ steps: 1 }) },
      priority: 0,
      queueName: "default",
    });
    const queue = new TrainingQueue({ connection: s.redis, queue: "default", prefix: app.prefix });
    // A payload from a foreign or outdated producer: steps is a string.
    await queue.queue.add("run.train", { runId: created.id, config: { ...good, training: { steps: "ten" } } });
    const detail = await waitForRun(runs, created.id);
    expect(detail?.status).toBe("FAILED");
    expect(detail?.errorReason).toMatch(/invalid run.train payload: config.training.steps/);
  });
});
