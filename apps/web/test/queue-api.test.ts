import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@seqlab/db/testing";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
jest.setTimeout(60_000);

describe("queue positions, priorities and cancel through the HTTP API (no worker serving the queue)", () => {
  let db: TestDatabase;
  let runsRoute: typeof import("../src/app/api/runs/route");
  let runRoute: typeof import("../src/app/api/runs/[id]/route");
  let cancelRoute: typeof import("../src/app/api/runs/[id]/cancel/route");
  let queueRoute: typeof import("../src/app/api/queues/[queue]/route");
  const queue = `q-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    process.env.REDIS_URL = REDIS_URL;
    process.env.SEQLAB_QUEUE_PREFIX = `test-${randomUUID()}`;
    runsRoute = await import("../src/app/api/runs/route");
    runRoute = await import("../src/app/api/runs/[id]/route");
    cancelRoute = await import("../src/app/api/runs/[id]/cancel/route");
    queueRoute = await import("../src/app/api/queues/[queue]/route");
  });
  afterAll(async () => {
    const { services } = await import("../src/server/services");
    const s = services();
    const { TrainingQueue } = await import("@seqlab/queue");
    await new TrainingQueue({ connection: s.redis, queue, prefix: process.env.SEQLAB_QUEUE_PREFIX }).queue.obliterate({
      force: true,
    });
    s.redis.disconnect();
    await s.prisma.$disconnect();
    await db.drop();
  });

  const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
  const launch = async (name: string, priority: number) => {
    const res = await runsRoute.POST(
      new Request("http://t/api/runs", {
        method: "POST",
        body: JSON.stringify({ name, model: "rnn", dataset: "adding", priority, queue }),
      }),
    );
    expect(res.status).toBe(201);
    return ((await res.json()) as { run: { id: string } }).run.id;
  };
  const position = async (id: string) =>
    ((await (await runRoute.GET(new Request("http://t"), ctx(id))).json()) as { run: { queuePosition: number | null } })
      .run.queuePosition;
  const order = async () =>
    (
      (await (await queueRoute.GET(new Request("http://t"), { params: Promise.resolve({ queue }) })).json()) as {
        waiting: { runId: string }[];
      }
    ).waiting.map((w) => w.runId);

  it("orders waiting runs by priority, lets a waiting run's priority change, and cancels a waiting run", async () => {
    const low = await launch("low", -10);
    const mid = await launch("mid", 0);
    const high = await launch("high", 10);
    expect(await order()).toEqual([high, mid, low]);
    expect(await position(low)).toBe(3);

    const patch = (id: string, body: unknown) =>
      runRoute.PATCH(new Request("http://t", { method: "PATCH", body: JSON.stringify(body) }), ctx(id));
    expect((await patch(low, { priority: 50 })).status).toBe(200);
    expect(await order()).toEqual([low, high, mid]);
    expect(await position(low)).toBe(1);
    const bad = await patch(low, { priority: 500, colour: "red" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual([
      "(root)",
      "priority",
    ]);
    expect((await patch("missing", { priority: 1 })).status).toBe(404);

    expect((await cancelRoute.POST(new Request("http://t", { method: "POST" }), ctx(high))).status).toBe(202);
    expect(await order()).toEqual([low, mid]);
    expect((await patch(high, { priority: 1 })).status).toBe(409);
    expect((await cancelRoute.POST(new Request("http://t", { method: "POST" }), ctx(high))).status).toBe(409);
  });
});
