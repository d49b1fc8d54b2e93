import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createPrismaClient, RunRepository } from "@seqlab/db";
import { createTestDatabase, type TestDatabase, testArtifactStoreConfig } from "@seqlab/db/testing";
import { createWorker } from "../src/create-worker";
import {
  REDIS_URL,
  launch,
  series,
  smallConfig,
  spawnWorkerProcess,
  testQueue,
  waitForStatus,
  waitForStep,
  waitForWorkerRegistered,
} from "./harness";

jest.setTimeout(300_000);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code)),
  );
}

describe("worker processes killed, stopped and cut off (real processes, PostgreSQL, Redis)", () => {
  let db: TestDatabase;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
    await db.drop();
  });

  it("kill -9 of the worker: another worker resumes the run from its checkpoint, each step exactly once", async () => {
    const { prefix, queue, connection } = testQueue();
    const env = { DATABASE_URL: db.url, REDIS_URL, SEQLAB_QUEUE_PREFIX: prefix };
    // Slow enough (tens of seconds) that the run is still training when the second worker is up.
    const config = {
      ...smallConfig({ steps: 300, batchSize: 64, checkpointEvery: 25 }),
      modelHyperparameters: { units: 32 },
      datasetParams: { length: 20 },
    };
    const a = spawnWorkerProcess(env);
    children.push(a);
    await waitForWorkerRegistered(db.prisma, a.pid!);
    const id = await launch(db.prisma, queue, config);
    await waitForStep(db.prisma, id, 25);
    const b = spawnWorkerProcess(env);
    children.push(b);
    await waitForWorkerRegistered(db.prisma, b.pid!);
    const workerB = (await db.prisma.worker.findFirst({ where: { pid: b.pid!, stoppedAt: null } }))!.id;
    a.kill("SIGKILL");
    await exited(a);
    const detail = await waitForStatus(db.prisma, id, ["SUCCEEDED", "FAILED"]);
    expect(detail.status).toBe("SUCCEEDED");
    expect(detail.attempt).toBe(2);
    // Attempt 1 died with its worker: it is closed as lost at a step it had persisted, and the dead worker no longer
    // claims the run. Attempt 2 ran on worker B and resumed from a checkpoint at or before that step.
    const [first, second] = detail.attempts;
    expect(first).toMatchObject({ attempt: 1, outcome: "lost" });
    expect(second).toMatchObject({ attempt: 2, worker: workerB, outcome: "succeeded" });
    const resumed = detail.events.find((e) => e.attempt === 2 && /^resumed from checkpoint/.test(e.message));
    const resumedAt = Number(/at step (\d+)$/.exec(resumed!.message)![1]);
    expect(resumedAt).toBeGreaterThanOrEqual(25);
    expect(resumedAt).toBeLessThanOrEqual(first!.step!);
    expect(first!.step!).toBeLessThan(300); // it died mid-run: the test would prove nothing otherwise
    expect(await db.prisma.worker.findFirst({ where: { pid: a.pid! } })).toMatchObject({ currentRunId: null });
    const s = await series(db.prisma, id, ["train/loss", "val/loss"]);
    expect(s["train/loss"]!.map(([step]) => step)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    // The same run, never interrupted, on the surviving worker: identical series (cpu is deterministic).
    const clean = await launch(db.prisma, queue, config, "clean");
    const cleanDetail = await waitForStatus(db.prisma, clean, ["SUCCEEDED", "FAILED"]);
    expect(await series(db.prisma, clean, ["train/loss", "val/loss"])).toEqual(s);
    expect(detail.finalLoss).toBe(cleanDetail.finalLoss);
    await queue.queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });

  it("SIGTERM hands the run to a second worker and the first exits cleanly", async () => {
    const { prefix, queue, connection } = testQueue();
    const env = { DATABASE_URL: db.url, REDIS_URL, SEQLAB_QUEUE_PREFIX: prefix };
    const a = spawnWorkerProcess(env);
    children.push(a);
    await waitForWorkerRegistered(db.prisma, a.pid!);
    const config = {
      ...smallConfig({ steps: 300, batchSize: 64, checkpointEvery: 1000 }),
      modelHyperparameters: { units: 32 },
      datasetParams: { length: 20 },
    };
    const id = await launch(db.prisma, queue, config);
    await waitForStep(db.prisma, id, 20);
    const b = spawnWorkerProcess(env);
    children.push(b);
    await waitForWorkerRegistered(db.prisma, b.pid!);
    a.kill("SIGTERM");
    expect(await exited(a)).toBe(0);
    const detail = await waitForStatus(db.prisma, id, ["SUCCEEDED", "FAILED"]);
    expect(detail).toMatchObject({ status: "SUCCEEDED", attempt: 2 });
    expect(detail.events.some((e) => /handed back at step/.test(e.message))).toBe(true);
    const s = await series(db.prisma, id, ["train/loss"]);
    expect(s["train/loss"]!.map(([step]) => step)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    await queue.queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });

  it("survives a Redis restart (append-only file on): the run finishes and the waiting job is not lost", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "seqlab-redis-"));
    const port = await freePort();
    const startRedis = () => {
      const r = spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""],
        { stdio: "ignore" },
      );
      children.push(r);
      return r;
    };
    let redis = startRedis();
    const url = `redis://127.0.0.1:${port}`;
    for (
      let i = 0;
      i < 50 &&
      !(await new Promise((r) =>
        net
          .connect(port, "127.0.0.1")
          .once("connect", function (this: net.Socket) {
            this.destroy();
            r(true);
          })
          .once("error", () => r(false)),
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    const { queue, connection, prefix } = testQueue(url);
    const worker = await createWorker({
      prisma: db.prisma,
      artifactStore: testArtifactStoreConfig(),
      redisUrl: url,
      queues: ["default"],
      prefix,
      backend: "cpu",
      log: () => undefined,
    });
    const first = await launch(db.prisma, queue, smallConfig({ steps: 120, batchSize: 32 }), "first");
    const second = await launch(db.prisma, queue, smallConfig({ steps: 5 }), "second");
    await waitForStep(db.prisma, first, 10);
    redis.kill("SIGTERM"); // redis-server saves and exits on SIGTERM
    await exited(redis);
    // The outage itself, not a synchronisation: Redis stays down for 2 s while the run trains on.
    await new Promise((r) => setTimeout(r, 2_000));
    redis = startRedis();
    expect((await waitForStatus(db.prisma, first, ["SUCCEEDED", "FAILED"])).status).toBe("SUCCEEDED");
    expect((await waitForStatus(db.prisma, second, ["SUCCEEDED", "FAILED"])).status).toBe("SUCCEEDED");
    const s = await series(db.prisma, first, ["train/loss"]);
    expect(s["train/loss"]!.map(([step]) => step)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    await worker.close();
    await queue.close();
    connection.disconnect();
  });

  it("keeps training through 30 s without PostgreSQL and loses no metric point", async () => {
    // A TCP proxy between the worker and PostgreSQL that can be cut: closing it drops every connection
    // and refuses new ones, as a database restart or a network partition would.
    const upstream = new URL(db.url);
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const server = net.connect(Number(upstream.port || 5432), upstream.hostname);
      sockets.add(client).add(server);
      client.pipe(server).pipe(client);
      const drop = () => {
        client.destroy();
        server.destroy();
        sockets.delete(client);
        sockets.delete(server);
      };
      client.on("error", drop).on("close", drop);
      server.on("error", drop).on("close", drop);
    });
    const port = await freePort();
    await new Promise<void>((r) => proxy.listen(port, "127.0.0.1", r));
    const proxied = new URL(db.url);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(port);
    const workerDb = createPrismaClient({ databaseUrl: proxied.toString(), poolSize: 4 });
    const { queue, connection, prefix } = testQueue();
    const worker = await createWorker({
      prisma: workerDb,
      artifactStore: testArtifactStoreConfig(),
      redisUrl: REDIS_URL,
      queues: ["default"],
      prefix,
      backend: "cpu",
      log: () => undefined,
    });
    const steps = 200;
    const id = await launch(db.prisma, queue, smallConfig({ steps, batchSize: 32, checkpointEvery: 50 }));
    await waitForStep(db.prisma, id, 5);
    await new Promise<void>((r) => {
      proxy.close(() => r());
      for (const s of sockets) s.destroy();
    });
    const cutAt = Date.now();
    // A batch already in flight when the proxy closed has settled one way or the other after a second.
    await new Promise((r) => setTimeout(r, 1_000));
    const earlyInOutage = await db.prisma.metricPoint.count({ where: { runId: id, key: "train/loss" } });
    await new Promise((r) => setTimeout(r, 29_000));
    const duringOutage = await db.prisma.metricPoint.count({ where: { runId: id, key: "train/loss" } });
    const restoredAt = Date.now();
    await new Promise<void>((r) => proxy.listen(port, "127.0.0.1", r));
    const detail = await waitForStatus(db.prisma, id, ["SUCCEEDED", "FAILED"], 120_000);
    expect(detail.status).toBe("SUCCEEDED");
    // The outage was real: nothing reached the database through the cut proxy for those 29 s.
    expect(duringOutage).toBe(earlyInOutage);
    // And training went on through it: the points recorded while the database was away were buffered, then landed.
    const recordedDuringOutage = await db.prisma.metricPoint.count({
      where: { runId: id, key: "train/loss", wallTime: { gt: new Date(cutAt), lt: new Date(restoredAt) } },
    });
    expect(recordedDuringOutage).toBeGreaterThanOrEqual(20);
    const s = await series(db.prisma, id, ["train/loss", "val/loss"]);
    expect(s["train/loss"]!.map(([step]) => step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    expect(s["val/loss"]!.length).toBe(steps / 10);
    await worker.close();
    await workerDb.$disconnect();
    proxy.close();
    await queue.queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });
});
