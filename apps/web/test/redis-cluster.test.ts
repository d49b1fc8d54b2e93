/**
 * The platform on a Redis Cluster, end to end: web services and a worker both given a `redis+cluster://` URL (a
 * 3-master cluster on loopback), a run launched through the API trains to the end, its live events reach a
 * subscriber, the launch rate limiter counts on the cluster, and every queue key sits in one hash slot.
 */
import { testArtifactStoreConfig } from "@seqlab/db/testing";
import { MetricRepository, RunRepository } from "@seqlab/db";
import { createRedisClient, subscribeRunEvents, type RedisClient } from "@seqlab/queue";
import { redisBinariesAvailable, startTestRedisServers, type TestRedisServers } from "@seqlab/queue/testing";
import { createWorker, type SeqlabWorker } from "@seqlab/worker";
import type { RunStreamEvent } from "@seqlab/contracts";
import type { Cluster } from "ioredis";
import { launchRun } from "../src/server/handlers/runs";
import { authedRequest, createTeam, createTestApp, createUser, type TestApp, type TestAuth } from "./harness";

jest.setTimeout(180_000);

const available = redisBinariesAvailable();
if (!available)
  console.warn("\n!!! SKIPPED apps/web/test/redis-cluster.test.ts: redis-server or redis-cli is not on PATH.\n");
const maybe = available ? describe : describe.skip;

maybe("seqlab on a 3-master Redis Cluster", () => {
  let cluster: TestRedisServers;
  let app: TestApp;
  let worker: SeqlabWorker;
  let subscriber: RedisClient;
  let auth: TestAuth = null;

  beforeAll(async () => {
    cluster = await startTestRedisServers({ cluster: true, masters: 3 });
    expect(cluster.url).toMatch(/^redis\+cluster:\/\//);
    app = await createTestApp({ redisUrl: cluster.url });
    const member = await createUser(app);
    await createTeam(app, "lab", [[member, "member"]]);
    auth = { cookie: member.cookie };
    worker = await createWorker({
      prisma: app.db.prisma,
      artifactStore: testArtifactStoreConfig(),
      redisUrl: cluster.url,
      queues: ["default"],
      prefix: app.prefix,
      backend: "cpu",
      log: () => undefined,
    });
    subscriber = createRedisClient(cluster.url);
  });

  afterAll(async () => {
    await worker?.close();
    subscriber?.disconnect();
    await app?.close();
    await cluster?.stop();
  });

  it("trains a run launched through the API, streams its events live, and keeps each queue in one slot", async () => {
    const response = await launchRun.invoke(
      app.services,
      authedRequest("POST", "/api/runs", auth, {
        model: "rnn",
        modelHyperparameters: { units: 8 },
        dataset: "adding",
        datasetParams: { length: 10 },
        training: { steps: 30, batchSize: 16, evalEvery: 10, checkpointEvery: 20 },
        seed: 3,
      }),
    );
    expect(response.status).toBe(201);
    const { run } = (await response.json()) as { run: { id: string } };
    const live: RunStreamEvent[] = [];
    const stop = await subscribeRunEvents(subscriber, run.id, (e) => live.push(e));
    const runs = new RunRepository(app.db.prisma);
    const deadline = Date.now() + 120_000;
    let status = "QUEUED";
    while (Date.now() < deadline && ["QUEUED", "RUNNING"].includes(status)) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await runs.getStatus(run.id))?.status ?? "QUEUED";
    }
    await stop();
    expect(status).toBe("SUCCEEDED");
    const loss = await new MetricRepository(app.db.prisma).listPoints(run.id, { keys: ["train/loss"] });
    expect(loss.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // Published from the worker's cluster connection, received on the test's: in step order.
    const liveSteps = live.flatMap((e) =>
      e.type === "metrics" ? e.points.filter((p) => p.key === "train/loss").map((p) => p.step) : [],
    );
    expect(liveSteps.length).toBeGreaterThanOrEqual(25);
    expect(liveSteps).toEqual([...liveSteps].sort((a, b) => a - b));
    expect(live.some((e) => e.type === "status" && e.status === "SUCCEEDED")).toBe(true);

    // BullMQ's keys for this test's prefix, found on whichever master holds them: all in one slot, the tagged one.
    const masters = (app.services.redis as Cluster).nodes("master");
    const keys = (await Promise.all(masters.map((m) => m.keys(`{${app.prefix}}:*`)))).flat();
    expect(keys.length).toBeGreaterThan(0);
    const slots = new Set(
      await Promise.all(keys.map((k) => masters[0]!.call("CLUSTER", "KEYSLOT", k) as Promise<number>)),
    );
    expect(slots.size).toBe(1);
    // The launch rate limiter counted this launch on the cluster (it fails open on errors, so look for its count).
    const limiterKeys = await Promise.all(
      masters.map(async (m) => ({ node: m, keys: await m.keys(`seqlab:${app.prefix}:ratelimit:*`) })),
    );
    const counts = await Promise.all(limiterKeys.flatMap(({ node, keys }) => keys.map((k) => node.get(k))));
    expect(counts).toContain("1");
  });
});
