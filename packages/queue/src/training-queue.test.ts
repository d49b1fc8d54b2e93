import { randomUUID } from "node:crypto";
import { QueueEvents, type Worker } from "bullmq";
import type { Redis } from "ioredis";
import {
  createRedisConnection,
  TrainingQueue,
  createTrainingWorker,
  toBullPriority,
  publishRunEvent,
  subscribeRunEvents,
} from "./index";
import { trainJobPayload } from "./test-redis-servers";

const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("training queue (real Redis)", () => {
  let connection: Redis;
  let prefix: string;
  let queue: TrainingQueue;
  let worker: Worker | undefined;
  let events: QueueEvents;
  let eventsConnection: Redis;

  beforeEach(async () => {
    connection = createRedisConnection(REDIS_URL);
    prefix = `test-${randomUUID()}`;
    queue = new TrainingQueue({ connection, queue: "default", prefix });
    eventsConnection = createRedisConnection(REDIS_URL);
    events = new QueueEvents(queue.queue.name, { connection: eventsConnection, prefix });
    await events.waitUntilReady();
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await queue.queue.obliterate({ force: true });
    await queue.close();
    await events.close();
    eventsConnection.disconnect();
    connection.disconnect();
  });

  it("delivers a validated payload to the handler", async () => {
    const seen: string[] = [];
    worker = createTrainingWorker({
      connection,
      queue: "default",
      prefix,
      handler: async (p) => void seen.push(p.runId),
    });
    const job = await queue.enqueue("run.train", trainJobPayload("run-a"), { jobId: "run-a" });
    await job.waitUntilFinished(events, 10_000);
    expect(seen).toEqual(["run-a"]);
  });

  it("refuses to enqueue an invalid payload", async () => {
    await expect(queue.enqueue("run.train", { runId: "" } as never, { jobId: "x" })).rejects.toThrow(
      /invalid run.train payload: runId/,
    );
    expect(await queue.queue.count()).toBe(0);
  });

  it("fails a job whose payload does not parse, once, with a clear reason", async () => {
    const reasons: string[] = [];
    const handled: string[] = [];
    worker = createTrainingWorker({
      connection,
      queue: "default",
      prefix,
      handler: async (p) => void handled.push(p.runId),
      onInvalidPayload: (_job, reason) => void reasons.push(reason),
    });
    // Bypass the typed producer, as a foreign or older client could.
    const job = await queue.queue.add("run.train", { runId: 42 }, { attempts: 3 });
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/invalid run.train payload: runId/);
    const failed = await queue.queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(handled).toEqual([]);
    expect(reasons[0]).toMatch(/runId/);
  });

  it("orders waiting jobs by seqlab priority, highest first", async () => {
    await queue.enqueue("run.train", trainJobPayload("low"), { jobId: "low", priority: -5 });
    await queue.enqueue("run.train", trainJobPayload("high"), { jobId: "high", priority: 50 });
    await queue.enqueue("run.train", trainJobPayload("mid"), { jobId: "mid", priority: 0 });
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      worker = createTrainingWorker({
        connection,
        queue: "default",
        prefix,
        handler: async (p) => {
          seen.push(p.runId);
          if (seen.length === 3) resolve();
        },
      });
    });
    await done;
    expect(seen).toEqual(["high", "mid", "low"]);
    expect(toBullPriority(100)).toBe(1);
  });
});

describe("run events pub/sub (real Redis)", () => {
  it("delivers published events to a subscriber of that run only", async () => {
    const pub = createRedisConnection(REDIS_URL);
    const sub = createRedisConnection(REDIS_URL);
    const runId = randomUUID();
    const got: unknown[] = [];
    let sentinelSeen = () => {};
    const sentinel = new Promise<void>((resolve) => (sentinelSeen = resolve));
    const unsubscribe = await subscribeRunEvents(sub, runId, (e) => {
      got.push(e);
      if (e.type === "log") sentinelSeen();
    });
    await publishRunEvent(pub, { type: "metrics", runId: "other", points: [] });
    await publishRunEvent(pub, { type: "metrics", runId, points: [{ key: "loss", step: 3, value: 0.5, wallTime: 1 }] });
    // One server delivers to one connection in publish order: once the sentinel is here, so is everything before it.
    await publishRunEvent(pub, { type: "log", runId, level: "info", message: "sentinel", at: 2 });
    await sentinel;
    expect(got).toEqual([
      { type: "metrics", runId, points: [{ key: "loss", step: 3, value: 0.5, wallTime: 1 }] },
      { type: "log", runId, level: "info", message: "sentinel", at: 2 },
    ]);
    await unsubscribe();
    pub.disconnect();
    sub.disconnect();
  });
});
