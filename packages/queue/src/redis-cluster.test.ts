import { randomUUID } from "node:crypto";
import { QueueEvents, type Worker } from "bullmq";
import { Cluster } from "ioredis";
import IORedis from "ioredis";
import { runChannel, type RunStreamEvent } from "@seqlab/contracts";
import {
  clusterSafePrefix,
  createRedisClient,
  createRedisConnection,
  createSweepWorker,
  createTrainingWorker,
  duplicateRedisConnection,
  parseRedisUrl,
  publishRunEvent,
  queuePrefix,
  redactRedisUrl,
  RedisUrl,
  redisHashTag,
  subscribeRunEvents,
  SweepQueue,
  TrainingQueue,
  type RedisClient,
} from "./index";
import {
  redisBinariesAvailable,
  startTestRedisServers,
  trainJobPayload,
  type TestRedisServers,
} from "./test-redis-servers";

describe("REDIS_URL parser", () => {
  it("passes single-node URLs to ioredis as they are", () => {
    expect(parseRedisUrl("redis://127.0.0.1:6379")).toEqual({
      mode: "single",
      url: "redis://127.0.0.1:6379",
      tls: false,
    });
    expect(parseRedisUrl("rediss://default:s3cret@x.upstash.io:6379/0")).toMatchObject({ mode: "single", tls: true });
    expect(parseRedisUrl("redis://localhost")).toMatchObject({ mode: "single" });
  });

  it("reads a cluster URL: nodes, default port, credentials, TLS", () => {
    expect(parseRedisUrl("redis+cluster://10.0.0.1:7000,10.0.0.2,[::1]:7002")).toEqual({
      mode: "cluster",
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "10.0.0.2", port: 6379 },
        { host: "::1", port: 7002 },
      ],
      tls: false,
    });
    expect(parseRedisUrl("rediss+cluster://app:p%40ss@clustercfg.x.cache.amazonaws.com:6379/")).toEqual({
      mode: "cluster",
      nodes: [{ host: "clustercfg.x.cache.amazonaws.com", port: 6379 }],
      username: "app",
      password: "p@ss",
      tls: true,
    });
    expect(parseRedisUrl("redis+cluster://:pw@h:1")).toMatchObject({ password: "pw" });
    expect(parseRedisUrl("redis+cluster://pw@h:1")).toMatchObject({ password: "pw" });
  });

  it("reads a sentinel URL: sentinels, master name, db, both passwords", () => {
    expect(
      parseRedisUrl("redis+sentinel://u:p@s1:26379,s2/mymaster?db=2&sentinelPassword=sp&sentinelUsername=su"),
    ).toEqual({
      mode: "sentinel",
      sentinels: [
        { host: "s1", port: 26379 },
        { host: "s2", port: 26379 },
      ],
      masterName: "mymaster",
      db: 2,
      username: "u",
      password: "p",
      sentinelUsername: "su",
      sentinelPassword: "sp",
      tls: false,
    });
    expect(parseRedisUrl("rediss+sentinel://s1/m")).toMatchObject({ mode: "sentinel", db: 0, tls: true });
  });

  it.each([
    ["http://h:6379", /expected redis:\/\//],
    ["redis+cluster://", /no host/],
    ["redis+cluster://h:0", /port of "h:0" is not 1-65535/],
    ["redis+cluster://h:70000", /not 1-65535/],
    ["redis+cluster://h:1,,h:2", /"" is not host\[:port\]/],
    ["redis+cluster://h:1/3", /database 0 only/],
    ["redis+cluster://h:1?natMap=x", /unknown parameter "natMap"/],
    ["redis+sentinel://s1:26379", /no master name/],
    ["redis+sentinel://s1:26379/", /no master name/],
    ["redis+sentinel://s1/m?db=x", /db "x" is not a non-negative integer/],
    ["redis+sentinel://s1/m?password=x", /unknown parameter "password"/],
    ["redis+sentinel://s1/a/b", /contains "\/"/],
    ["redis://h1:1,h2:2", /several hosts need redis\+cluster/],
    ["redis://h/abc", /database "abc" is not a number/],
    ["redis+cluster://h:1#x", /fragment/],
    ["redis+cluster://u:%E0%A4%A@h:1", /password is not valid percent-encoding/],
  ])("refuses %s", (url, reason) => {
    expect(() => parseRedisUrl(url)).toThrow(reason);
  });

  it("never puts the password in an error or a redacted URL", () => {
    expect(() => parseRedisUrl("redis+cluster://u:topsecret@h:1/5")).toThrow(/u:\*\*\*@h:1/);
    expect(() => parseRedisUrl("redis+cluster://u:topsecret@h:1/5")).not.toThrow(/topsecret/);
    expect(redactRedisUrl("redis+sentinel://u:a@b@s1/m")).toBe("redis+sentinel://u:***@s1/m");
    expect(redactRedisUrl("redis://secret@h")).toBe("redis://:***@h");
    expect(redactRedisUrl("redis://h:6379")).toBe("redis://h:6379");
  });

  it("gives env.ts a zod schema that keeps the string", () => {
    expect(RedisUrl.parse("redis+cluster://a:1,b:2")).toBe("redis+cluster://a:1,b:2");
    const bad = RedisUrl.safeParse("redis+sentinel://a");
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/no master name/);
  });

  it("refuses a cluster URL where one Redis is expected", () => {
    expect(() => createRedisConnection("redis+cluster://127.0.0.1:1")).toThrow(/use createRedisClient/);
  });
});

describe("cluster-safe prefix", () => {
  it("follows Redis's hash tag rule", () => {
    expect(redisHashTag("{bull}:q:wait")).toBe("bull");
    expect(redisHashTag("a{b}{c}")).toBe("b");
    expect(redisHashTag("a{}{c}")).toBeNull();
    expect(redisHashTag("a{b")).toBeNull();
    expect(redisHashTag("bull")).toBeNull();
  });

  it("wraps a prefix without a tag and keeps one that has it", () => {
    expect(clusterSafePrefix("bull")).toBe("{bull}");
    expect(clusterSafePrefix("{seqlab}")).toBe("{seqlab}");
    expect(clusterSafePrefix("app:{q}:x")).toBe("app:{q}:x");
    expect(clusterSafePrefix("a{}b")).toBe("{a{}b}");
    expect(() => clusterSafePrefix("}x")).toThrow(/cannot be made cluster-safe/);
    expect(() => clusterSafePrefix("")).toThrow(/cannot be made cluster-safe/);
  });

  it("changes nothing on a single Redis", () => {
    const single = new IORedis({ lazyConnect: true });
    const cluster = new Cluster([{ host: "127.0.0.1", port: 1 }], { lazyConnect: true });
    expect(queuePrefix(single, "bull")).toBe("bull");
    expect(queuePrefix(single)).toBe("bull");
    expect(queuePrefix(cluster, "bull")).toBe("{bull}");
    expect(queuePrefix({ host: "127.0.0.1" }, "bull")).toBe("bull");
    single.disconnect();
    cluster.disconnect();
  });
});

const haveRedis = redisBinariesAvailable();
if (!haveRedis)
  console.warn("SKIPPING Redis Cluster tests (redis-cluster.test.ts): redis-server or redis-cli is not on PATH");
const describeCluster = haveRedis ? describe : describe.skip;

describeCluster("on a 3-master Redis Cluster (loopback)", () => {
  let servers: TestRedisServers | undefined;
  let connection: Cluster;

  beforeAll(async () => {
    servers = await startTestRedisServers({ cluster: true, masters: 3 });
    const client = createRedisClient(servers.url);
    if (!(client instanceof Cluster)) throw new Error("expected a Cluster");
    connection = client;
  }, 60_000);

  afterAll(async () => {
    connection?.disconnect();
    await servers?.stop();
  });

  /** Every key under `pattern` on every master, with the slot it hashes to. */
  async function keySlots(pattern: string): Promise<Map<string, number>> {
    const slots = new Map<string, number>();
    for (const node of connection.nodes("master")) {
      for (const key of await node.keys(pattern)) slots.set(key, Number(await node.cluster("KEYSLOT", key)));
    }
    return slots;
  }

  it("enqueues and processes training jobs; every key of the queue is in one slot", async () => {
    const configured = `test-${randomUUID()}`;
    const queue = new TrainingQueue({ connection, queue: "default", prefix: configured });
    expect(queue.prefix).toBe(`{${configured}}`);
    const eventsConnection = duplicateRedisConnection(connection);
    const events = new QueueEvents(queue.queue.name, { connection: eventsConnection, prefix: queue.prefix });
    // Teardown closes connections under it; a QueueEvents without a listener would print each such error.
    events.on("error", () => undefined);
    let worker: Worker | undefined;
    try {
      await events.waitUntilReady();
      const seen: string[] = [];
      const all = new Promise<void>((resolve) => {
        worker = createTrainingWorker({
          connection,
          queue: "default",
          prefix: configured,
          concurrency: 2,
          handler: async (p) => {
            seen.push(p.runId);
            if (seen.length === 20) resolve();
          },
        });
      });
      const jobs = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          queue.enqueue("run.train", trainJobPayload(`run-${i}`), { jobId: `run-${i}` }),
        ),
      );
      await all;
      await jobs[19]!.waitUntilFinished(events, 10_000);
      expect(seen.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `run-${i}`).sort());
      // A job that waits (priorities use the prioritized set) once the worker is gone: more kinds of keys.
      await worker!.close();
      await queue.enqueue("run.train", trainJobPayload("later"), { jobId: "later", priority: 5 });
      expect(await queue.waitingOrder()).toEqual(["later"]);
      const slots = await keySlots(`${queue.prefix}:*`);
      expect(slots.size).toBeGreaterThan(5);
      expect(new Set(slots.values()).size).toBe(1);
      expect([...slots.keys()].every((k) => k.startsWith(`{${configured}}:${queue.queue.name}:`))).toBe(true);
    } finally {
      await worker?.close();
      await queue.queue.obliterate({ force: true });
      await queue.close();
      await events.close();
      eventsConnection.disconnect();
    }
  }, 60_000);

  it("runs the sweep queue and its job scheduler", async () => {
    const configured = `test-${randomUUID()}`;
    const sweeps = new SweepQueue({ connection, prefix: configured });
    const got: (string | null)[] = [];
    let done = () => {};
    const twoSeen = new Promise<void>((resolve) => (done = resolve));
    const worker = createSweepWorker({
      connection,
      prefix: configured,
      handler: async ({ sweepId }) => {
        got.push(sweepId);
        if (got.includes("s1") && got.includes(null)) done();
      },
    });
    try {
      await sweeps.scheduleTick(200);
      await sweeps.advance("s1");
      await twoSeen;
      expect(new Set((await keySlots(`${sweeps.prefix}:*`)).values()).size).toBe(1);
    } finally {
      await worker.close();
      await sweeps.queue.obliterate({ force: true });
      await sweeps.close();
    }
  }, 30_000);

  it("delivers run events in publish order to subscribers on every node", async () => {
    const runId = randomUUID();
    // One subscriber through the Cluster client, and one plain connection on each master: a PUBLISH reaches all.
    const subscribers: RedisClient[] = [
      duplicateRedisConnection(connection),
      ...servers!.ports.map((port) => createRedisClient(`redis://127.0.0.1:${port}`)),
    ];
    const publisher = duplicateRedisConnection(connection);
    const count = 200;
    const received = subscribers.map(() => [] as RunStreamEvent[]);
    const finished = subscribers.map(
      (_, i) =>
        new Promise<void>((resolve) => {
          void subscribeRunEvents(subscribers[i]!, runId, (e) => {
            received[i]!.push(e);
            if (e.type === "log" && e.message === "last") resolve();
          });
        }),
    );
    const unsubscribeRuns = await subscribeRunEvents(subscribers[0]!, null, (e) => received[0]!.push(e));
    try {
      // Each subscribe resolves once its SUBSCRIBE is acknowledged; wait until the server counts all of them.
      for (;;) {
        const counts = await Promise.all(
          connection.nodes("master").map((n) => n.pubsub("NUMSUB", runChannel(runId)) as Promise<[string, number]>),
        );
        if (counts.reduce((s, [, n]) => s + Number(n), 0) >= subscribers.length) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await publishRunEvent(publisher, { type: "metrics", runId: "other", points: [] });
      for (let step = 0; step < count; step++)
        await publishRunEvent(publisher, {
          type: "metrics",
          runId,
          points: [{ key: "loss", step, value: 1 / (step + 1), wallTime: step }],
        });
      await publishRunEvent(publisher, { type: "status", runId, status: "SUCCEEDED" });
      await publishRunEvent(publisher, { type: "log", runId, level: "info", message: "last", at: 1 });
      await Promise.all(finished);
      for (const events of received) {
        const steps = events.flatMap((e) =>
          e.type === "metrics" && e.runId === runId ? e.points.map((p) => p.step) : [],
        );
        expect(steps).toEqual(Array.from({ length: count }, (_, i) => i));
        expect(events.some((e) => e.runId === "other")).toBe(false);
      }
    } finally {
      await unsubscribeRuns();
      publisher.disconnect();
      for (const s of subscribers) s.disconnect();
    }
  }, 30_000);
});
