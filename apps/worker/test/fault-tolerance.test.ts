import { Readable } from "node:stream";
import { ArtifactRepository, RunRepository } from "@seqlab/db";
import {
  createTestArtifactStore,
  createTestDatabase,
  type TestDatabase,
  testArtifactStoreConfig,
} from "@seqlab/db/testing";
import { decodeCheckpoint } from "@seqlab/models";
import type { Redis } from "ioredis";
import { createRedisConnection, type TrainingQueue } from "@seqlab/queue";
import { QueueEvents } from "bullmq";
import { createWorker, type SeqlabWorker } from "../src/create-worker";
import { REDIS_URL, launch, series, smallConfig, testQueue, waitForStatus, waitForStep } from "./harness";

jest.setTimeout(240_000);

describe("fault tolerance with in-process workers and real training processes (cpu)", () => {
  /** A stored checkpoint's bytes, read (and verified) from the artifact store the workers write to. */
  const storedBytes = async (id: string): Promise<Uint8Array> => {
    const read = await new ArtifactRepository(db.prisma, createTestArtifactStore()).readCheckpoint(id);
    if (!read.ok) throw new Error(`checkpoint ${id}: ${read.reason}`);
    return read.content;
  };
  let db: TestDatabase;
  let prefix: string;
  let queue: TrainingQueue;
  let connection: Redis;
  const workers: SeqlabWorker[] = [];
  const start = async (fault?: string, trainerMemoryMb?: number) => {
    const w = await createWorker({
      prisma: db.prisma,
      artifactStore: testArtifactStoreConfig(),
      redisUrl: REDIS_URL,
      queues: ["default"],
      prefix,
      backend: "cpu",
      log: () => undefined,
      fault,
      trainerMemoryMb,
    });
    workers.push(w);
    return w;
  };

  beforeEach(async () => {
    db = await createTestDatabase();
    ({ prefix, queue, connection } = testQueue());
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    await queue.queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await db.drop();
  });

  it("resumes after kill -9 of the training process and ends exactly as an uninterrupted run", async () => {
    // 160 steps, killed at 25: metric batches reach the database a little behind training, and under a loaded CI
    // machine 80 steps could end before step 25 was visible, leaving no training process to kill.
    const config = smallConfig({ steps: 160, batchSize: 32, checkpointEvery: 10 });
    const worker = await start();
    const clean = await launch(db.prisma, queue, config, "clean");
    await waitForStatus(db.prisma, clean, ["SUCCEEDED"]);

    const crashed = await launch(db.prisma, queue, config, "crashed");
    await waitForStep(db.prisma, crashed, 25);
    const [pid] = worker.trainingPids();
    expect(pid).toBeDefined();
    process.kill(pid!, "SIGKILL");
    const detail = await waitForStatus(db.prisma, crashed, ["SUCCEEDED", "FAILED"]);
    expect(detail.status).toBe("SUCCEEDED");
    expect(detail.attempt).toBe(2);
    expect(detail.events.some((e) => /crashed: training process killed by SIGKILL/.test(e.message))).toBe(true);
    expect(detail.events.some((e) => /resumed from checkpoint step-\d+ at step [1-9]\d/.test(e.message))).toBe(true);

    const a = await series(db.prisma, clean);
    const b = await series(db.prisma, crashed);
    // Every step exactly once, and every value (loss, validation loss, train MSE) bit-identical.
    expect(b["train/loss"]!.map(([s]) => s)).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
    expect(b).toEqual(a);
    const cleanDetail = await new RunRepository(db.prisma).getRunDetail(clean);
    expect(detail.finalLoss).toBe(cleanDetail!.finalLoss);
    // The final weights and optimiser state are identical too, tensor by tensor, bit for bit.
    const finalTensors = async (runId: string) => {
      const row = await db.prisma.artifact.findFirst({ where: { runId, kind: "checkpoint", step: 160 } });
      return decodeCheckpoint(await storedBytes(row!.id)).tensors;
    };
    const [ta, tb] = [await finalTensors(clean), await finalTensors(crashed)];
    expect(tb.map((t) => t.name)).toEqual(ta.map((t) => t.name));
    expect(tb.length).toBeGreaterThan(3);
    for (let i = 0; i < ta.length; i++)
      expect(Buffer.from(tb[i]!.values.buffer).equals(Buffer.from(ta[i]!.values.buffer))).toBe(true);
  });

  it("delivers a multi-megabyte final checkpoint and its result before the training process exits", async () => {
    await start();
    const config = { ...smallConfig({ steps: 2 }, "lstm"), modelHyperparameters: { units: 256 } };
    const id = await launch(db.prisma, queue, config);
    const detail = await waitForStatus(db.prisma, id, ["SUCCEEDED", "FAILED"]);
    expect(detail).toMatchObject({ status: "SUCCEEDED", attempt: 1 });
    const final = detail.artifacts.find((a) => a.kind === "checkpoint" && a.step === 2);
    expect(final!.size).toBeGreaterThan(2_000_000);
  });

  it("stops a diverged run with the step it diverged at", async () => {
    await start("nan-at-step:7");
    const id = await launch(db.prisma, queue, smallConfig({ steps: 30 }));
    const detail = await waitForStatus(db.prisma, id, ["DIVERGED", "FAILED", "SUCCEEDED"]);
    expect(detail.status).toBe("DIVERGED");
    expect(detail.errorReason).toBe("loss was NaN at step 7");
    expect(detail.lastStep).toBe(7);
  });

  it("fails a run whose training throws, and the worker takes the next job", async () => {
    await start("throw-at-step:3");
    const bad = await launch(db.prisma, queue, smallConfig({ steps: 10 }));
    const detail = await waitForStatus(db.prisma, bad, ["FAILED", "SUCCEEDED"]);
    expect(detail.status).toBe("FAILED");
    expect(detail.errorReason).toBe("injected training fault at step 3");
    expect(detail.attempt).toBe(1);
    // Same worker, next job: the fault is at step 3, so a 2-step run succeeds.
    const next = await launch(db.prisma, queue, smallConfig({ steps: 2 }));
    expect((await waitForStatus(db.prisma, next, ["FAILED", "SUCCEEDED"])).status).toBe("SUCCEEDED");
  });

  it("fails a run that runs out of memory with the reason, and the worker lives on", async () => {
    await start("oom-at-step:2", 256);
    const id = await launch(db.prisma, queue, smallConfig({ steps: 10 }));
    const detail = await waitForStatus(db.prisma, id, ["FAILED", "SUCCEEDED"]);
    expect(detail.status).toBe("FAILED");
    expect(detail.errorReason).toMatch(/^out of memory: the training process/);
    const next = await launch(db.prisma, queue, smallConfig({ steps: 1 }));
    expect((await waitForStatus(db.prisma, next, ["FAILED", "SUCCEEDED"])).status).toBe("SUCCEEDED");
  });

  it("cancels a running run and frees the slot", async () => {
    await start();
    const id = await launch(db.prisma, queue, smallConfig({ steps: 100_000, checkpointEvery: 50_000 }));
    await waitForStep(db.prisma, id, 3);
    expect(await new RunRepository(db.prisma).requestCancel(id)).toBe("requested");
    // Latency is measured by bench/worker-resilience.ts; here, that it stops at all, soon, and frees the slot.
    const detail = await waitForStatus(db.prisma, id, ["CANCELLED", "FAILED", "SUCCEEDED"], 10_000);
    expect(detail.status).toBe("CANCELLED");
    // It keeps a checkpoint of where it stopped (the schedule, every 50,000 steps, gives none this early).
    const kept = await db.prisma.artifact.findMany({
      where: { runId: id, kind: "checkpoint" },
      select: { step: true },
    });
    expect(Math.max(...kept.map((k) => k.step ?? 0))).toBeGreaterThanOrEqual(3);
    const next = await launch(db.prisma, queue, smallConfig({ steps: 2 }));
    expect((await waitForStatus(db.prisma, next, ["FAILED", "SUCCEEDED"])).status).toBe("SUCCEEDED");
  });

  it("kills a run stuck inside a step when it is cancelled", async () => {
    await start("hang-at-step:3");
    const id = await launch(db.prisma, queue, smallConfig({ steps: 10 }));
    await waitForStep(db.prisma, id, 2);
    await new RunRepository(db.prisma).requestCancel(id);
    expect((await waitForStatus(db.prisma, id, ["CANCELLED", "FAILED"], 10_000)).status).toBe("CANCELLED");
  });

  it("cancels a waiting run at once, and no worker ever trains it", async () => {
    const id = await launch(db.prisma, queue, smallConfig({ steps: 5 }));
    expect(await new RunRepository(db.prisma).requestCancel(id)).toBe("cancelled");
    // The job is still queued (this test cancels through the repository only): wait until a worker has taken it.
    const eventsConnection = createRedisConnection(REDIS_URL);
    const queueEvents = new QueueEvents(queue.queue.name, { connection: eventsConnection, prefix });
    try {
      await queueEvents.waitUntilReady();
      await start();
      const job = await queue.queue.getJob(id);
      await job!.waitUntilFinished(queueEvents, 60_000);
    } finally {
      await queueEvents.close();
      eventsConnection.disconnect();
    }
    const detail = await new RunRepository(db.prisma).getRunDetail(id);
    expect(detail).toMatchObject({ status: "CANCELLED", attempt: 0, attempts: [] });
    expect(await db.prisma.metricPoint.count({ where: { runId: id } })).toBe(0);
  });

  it("hands a run over on graceful shutdown; a second worker resumes it and the result is unchanged", async () => {
    const config = smallConfig({ steps: 80, batchSize: 32, checkpointEvery: 1000 });
    const first = await start();
    const clean = await launch(db.prisma, queue, config, "clean");
    await waitForStatus(db.prisma, clean, ["SUCCEEDED"]);
    const moved = await launch(db.prisma, queue, config, "moved");
    await waitForStep(db.prisma, moved, 20);
    await first.close({ handover: true });
    const mid = await new RunRepository(db.prisma).getRunDetail(moved);
    expect(mid).toMatchObject({ status: "QUEUED", attempt: 1 });
    expect(mid!.artifacts.some((a) => a.kind === "checkpoint" && (a.step ?? 0) >= 20)).toBe(true);
    await start();
    const detail = await waitForStatus(db.prisma, moved, ["SUCCEEDED", "FAILED"]);
    expect(detail).toMatchObject({ status: "SUCCEEDED", attempt: 2, maxAttempts: 5 });
    expect(await series(db.prisma, moved)).toEqual(await series(db.prisma, clean));
  });

  it("falls back past checkpoints that match their sha256 but cannot be loaded, logging each, and ends unchanged", async () => {
    const config = smallConfig({ steps: 80, batchSize: 32, checkpointEvery: 10 });
    const first = await start();
    const clean = await launch(db.prisma, queue, config, "clean");
    await waitForStatus(db.prisma, clean, ["SUCCEEDED"]);
    const broken = await launch(db.prisma, queue, config, "broken");
    await waitForStep(db.prisma, broken, 45);
    await first.close({ handover: true });
    const stored = await db.prisma.artifact.findMany({
      where: { runId: broken, kind: "checkpoint" },
      orderBy: { step: "desc" },
    });
    expect(stored.length).toBeGreaterThanOrEqual(5);
    const [newest, second, third, fourth, good] = stored as [
      (typeof stored)[0],
      (typeof stored)[0],
      (typeof stored)[0],
      (typeof stored)[0],
      (typeof stored)[0],
    ];
    // Rewrites a checkpoint's bytes and, for all but the torn one, its sha256 too, so only decoding can tell.
    // The new bytes go into the store as an object of their own; the row is pointed at it.
    const rewrite = async (id: string, content: Uint8Array, keepSha = false) => {
      const object = await createTestArtifactStore().put(Readable.from([Buffer.from(content)]));
      await db.prisma.artifact.update({
        where: { id },
        data: { storeKey: object.key, size: object.size, ...(keepSha ? {} : { sha256: object.sha256 }) },
      });
    };
    const badMagic = new Uint8Array(await storedBytes(newest.id));
    badMagic.set(new TextEncoder().encode("NOTSEQLB"), 0);
    await rewrite(newest.id, badMagic);
    await rewrite(second.id, (await storedBytes(second.id)).subarray(0, 40));
    // Wrong shapes: one weight's header entry claims transposed dimensions ("[2,8]" becomes "[8,2]", same length).
    const transposed = Buffer.from(await storedBytes(third.id));
    const headerLength = transposed.readUInt32LE(8);
    const header = transposed.subarray(12, 12 + headerLength).toString("utf8");
    const swapped = header.replace(/"shape":\[(\d+),(\d+)\]/, (m, a: string, b: string) =>
      a === b ? m : `"shape":[${b},${a}]`,
    );
    expect(swapped).not.toBe(header);
    transposed.write(swapped, 12, "utf8");
    await rewrite(third.id, new Uint8Array(transposed));
    await rewrite(fourth.id, new Uint8Array([1, 2, 3]), true);

    await start();
    const detail = await waitForStatus(db.prisma, broken, ["SUCCEEDED", "FAILED"]);
    expect(detail).toMatchObject({ status: "SUCCEEDED", attempt: 2 });
    const skips = detail.events.filter((e) => e.message.startsWith("skipped checkpoint")).map((e) => e.message);
    expect(skips).toEqual([
      expect.stringMatching(
        new RegExp(`^skipped checkpoint ${newest.name} .*cannot be loaded: not a seqlab checkpoint: bad magic bytes`),
      ),
      expect.stringMatching(new RegExp(`^skipped checkpoint ${second.name} .*cannot be loaded: checkpoint truncated`)),
      expect.stringMatching(
        new RegExp(`^skipped checkpoint ${third.name} .*cannot be loaded: .*differs from model shape`),
      ),
      expect.stringMatching(new RegExp(`^skipped checkpoint ${fourth.name} .*do not match their sha256`)),
    ]);
    expect(detail.events.some((e) => e.message === `resumed from checkpoint ${good.name} at step ${good.step}`)).toBe(
      true,
    );
    expect(await series(db.prisma, broken)).toEqual(await series(db.prisma, clean));
  });

  it("gives up after the restart limit", async () => {
    const worker = await start();
    const id = await launch(db.prisma, queue, smallConfig({ steps: 100_000, maxRestarts: 1 }));
    const killed = new Set<number>();
    for (let attempt = 1; attempt <= 2; attempt++) {
      // Wait for this attempt's own training process (not the one just killed) before killing it in turn.
      const deadline = Date.now() + 60_000;
      let pid: number | undefined;
      while (Date.now() < deadline && pid === undefined) {
        const status = await new RunRepository(db.prisma).getStatus(id);
        pid = status?.attempt === attempt ? worker.trainingPids().find((p) => !killed.has(p)) : undefined;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect(pid).toBeDefined();
      killed.add(pid!);
      process.kill(pid!, "SIGKILL");
    }
    const detail = await waitForStatus(db.prisma, id, ["FAILED"], 60_000);
    expect(detail.errorReason).toMatch(/^restart limit reached: 2 attempts \(last: training process killed by SIGKILL/);
  });
});
