import type { MetricPoint } from "@seqlab/contracts";
import type { MetricRepository } from "@seqlab/db";
import { createRedisConnection } from "@seqlab/queue";
import { MetricWriter } from "./metric-writer";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A metric store that can be switched off, standing in for a database outage (the real one is tested in test/). */
class SwitchableStore {
  up = true;
  batches: MetricPoint[][] = [];
  async insertPoints(_runId: string, points: readonly MetricPoint[]): Promise<number> {
    if (!this.up) throw new Error("database unreachable");
    this.batches.push([...points]);
    return points.length;
  }
}

const point = (step: number): MetricPoint => ({ key: "loss", step, value: step, wallTime: step });

describe("MetricWriter", () => {
  const redis = createRedisConnection(REDIS_URL);
  afterAll(() => redis.disconnect());

  it("writes in batches of at most maxBatch and persists everything on close", async () => {
    const store = new SwitchableStore();
    const writer = new MetricWriter({
      runId: "r",
      metrics: store as unknown as MetricRepository,
      redis,
      maxBatch: 100,
      flushIntervalMs: 10_000,
    });
    for (let s = 1; s <= 250; s++) writer.record([point(s)]);
    await writer.close();
    expect(store.batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(store.batches.flat().map((p) => p.step)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(writer.persisted).toBe(250);
  });

  it("keeps points while the store is down, refuses persistAll, and writes them once it is back", async () => {
    const store = new SwitchableStore();
    const writer = new MetricWriter({
      runId: "r",
      metrics: store as unknown as MetricRepository,
      redis,
      flushIntervalMs: 10_000,
    });
    store.up = false;
    writer.record([point(1), point(2)]);
    await expect(writer.persistAll()).rejects.toThrow("2 metric points are not persisted yet");
    store.up = true;
    await writer.persistAll();
    expect(store.batches.flat().map((p) => p.step)).toEqual([1, 2]);
    await writer.close();
  });

  it("drops the oldest points past its bound, and counts them", async () => {
    const store = new SwitchableStore();
    store.up = false;
    const logged: string[] = [];
    const writer = new MetricWriter({
      runId: "r",
      metrics: store as unknown as MetricRepository,
      redis,
      maxBuffered: 3,
      flushIntervalMs: 10_000,
      onError: (e) => logged.push(String(e)),
    });
    for (let s = 1; s <= 5; s++) writer.record([point(s)]);
    expect(writer.dropped).toBe(2);
    expect(logged.filter((l) => l.includes("bound of 3 points"))).toHaveLength(1);
    store.up = true;
    await writer.close();
    expect(store.batches.flat().map((p) => p.step)).toEqual([3, 4, 5]);
  });
});
