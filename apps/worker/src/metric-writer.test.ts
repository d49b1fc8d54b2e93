import { randomUUID } from "node:crypto";
import { foldSummary, type MetricPoint, type MetricSummary, type RunStreamEvent } from "@seqlab/contracts";
import type { MetricRepository } from "@seqlab/db";
import { createRedisConnection, subscribeRunEvents } from "@seqlab/queue";
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

/** A store that knows which attempt owns the run, as the database does (insertAttemptPoints's fence). */
class AttemptStore extends SwitchableStore {
  owner = 1;
  async insertAttemptPoints(runId: string, attempt: number, points: readonly MetricPoint[]) {
    if (!this.up) throw new Error("database unreachable");
    if (attempt !== this.owner) return { inserted: 0, fenced: true };
    return { inserted: await this.insertPoints(runId, points), fenced: false };
  }
}

/** Every metrics event published on a run's own channel, until `stop`. */
async function watchRun(runId: string) {
  const subscriber = createRedisConnection(REDIS_URL);
  const steps: number[] = [];
  const unsubscribe = await subscribeRunEvents(subscriber, runId, (event) => {
    if (event.type === "metrics") steps.push(...event.points.map((p) => p.step));
  });
  return {
    steps,
    stop: async () => {
      await new Promise((r) => setTimeout(r, 100));
      await unsubscribe();
      subscriber.disconnect();
    },
  };
}

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

  it("stops writing and says so once another attempt owns the run, publishing nothing it held back", async () => {
    const runId = `fenced-${randomUUID()}`;
    const watch = await watchRun(runId);
    const store = new AttemptStore();
    let fencedCalls = 0;
    const writer = new MetricWriter({
      runId,
      attempt: 1,
      metrics: store as unknown as MetricRepository,
      redis,
      flushIntervalMs: 10_000,
      onFenced: () => fencedCalls++,
      onError: () => undefined,
    });
    writer.record([point(1)]);
    await writer.persistAll();
    // The host is cut off. Point 2 goes out before the writer can know; once its write fails, and while it cannot
    // confirm it owns the run, nothing more goes to viewers.
    store.up = false;
    writer.record([point(2)]);
    await writer.flush();
    writer.record([point(3)]);
    // Meanwhile the run resumed elsewhere; the link comes back.
    store.owner = 2;
    store.up = true;
    await writer.flush();
    writer.record([point(4)]);
    await writer.close();
    await watch.stop();
    expect(fencedCalls).toBe(1);
    expect(writer.fenced).toBe(true);
    expect(store.batches.flat().map((p) => p.step)).toEqual([1]);
    expect(watch.steps).toEqual([1, 2]);
  });

  it("publishes the points it held back during an outage once a write confirms it still owns the run", async () => {
    const runId = `confirmed-${randomUUID()}`;
    const watch = await watchRun(runId);
    const store = new AttemptStore();
    const writer = new MetricWriter({
      runId,
      attempt: 1,
      metrics: store as unknown as MetricRepository,
      redis,
      flushIntervalMs: 10_000,
      onError: () => undefined,
    });
    store.up = false;
    writer.record([point(1)]);
    await writer.flush();
    writer.record([point(2)]);
    await new Promise((r) => setTimeout(r, 100));
    // The first point went out before the failure; the second waits for the database.
    expect(watch.steps).toEqual([1]);
    store.up = true;
    await writer.close();
    await watch.stop();
    expect(writer.fenced).toBe(false);
    expect(store.batches.flat().map((p) => p.step)).toEqual([1, 2]);
    expect(watch.steps).toEqual([1, 2]);
  });

  it("holds back publishing while a write goes unanswered (a cut link is silence, not an error)", async () => {
    const runId = `silent-${randomUUID()}`;
    const watch = await watchRun(runId);
    let answer: (() => void) | null = null;
    const store = new AttemptStore();
    const silent = {
      insertAttemptPoints: (runId: string, attempt: number, points: readonly MetricPoint[]) =>
        answer === null && points[0]!.step === 2
          ? new Promise<{ inserted: number; fenced: boolean }>((resolve) => {
              answer = () => void store.insertAttemptPoints(runId, attempt, points).then(resolve);
            })
          : store.insertAttemptPoints(runId, attempt, points),
    };
    const writer = new MetricWriter({
      runId,
      attempt: 1,
      metrics: silent as unknown as MetricRepository,
      redis,
      flushIntervalMs: 10_000,
      unconfirmedAfterMs: 50,
    });
    writer.record([point(1)]);
    await writer.persistAll();
    writer.record([point(2)]);
    const hung = writer.flush();
    await new Promise((r) => setTimeout(r, 150));
    writer.record([point(3)]);
    await new Promise((r) => setTimeout(r, 100));
    expect(watch.steps).toEqual([1, 2]);
    answer!();
    await hung;
    await writer.close();
    await watch.stop();
    expect(watch.steps).toEqual([1, 2, 3]);
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

  it("publishes progress for the runs table at most twice a second, whose windows fold into the exact summary", async () => {
    const runId = `progress-${randomUUID()}`;
    const subscriber = createRedisConnection(REDIS_URL);
    const seen: { at: number; event: RunStreamEvent }[] = [];
    const unsubscribe = await subscribeRunEvents(subscriber, null, (event) => {
      if (event.runId === runId) seen.push({ at: Date.now(), event });
    });
    const writer = new MetricWriter({
      runId,
      metrics: new SwitchableStore() as unknown as MetricRepository,
      redis,
      progressIntervalMs: 500,
    });
    // 1.6 s of training at a step every 10 ms, with a spike that lands between two progress events.
    const values: number[] = [];
    for (let s = 0; s < 160; s++) {
      const value = s === 77 ? 50 : 1 / (s + 1);
      values.push(value);
      writer.record([{ key: "loss", step: s, value, wallTime: s }]);
      await new Promise((r) => setTimeout(r, 10));
    }
    await writer.close();
    await new Promise((r) => setTimeout(r, 100));
    await unsubscribe();
    subscriber.disconnect();
    const progress = seen.filter((s) => s.event.type === "progress");
    // Only progress reaches the runs channel from the writer (the points go to the run's own channel).
    expect(seen.every((s) => s.event.type === "progress")).toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < progress.length - 1; i++)
      expect(progress[i]!.at - progress[i - 1]!.at).toBeGreaterThanOrEqual(450);
    let folded: MetricSummary | undefined;
    for (const { event } of progress) {
      if (event.type === "progress")
        folded = foldSummary(
          folded,
          event.summaries.find((x) => x.key === "loss")!,
        );
    }
    expect(folded).toMatchObject({ last: values[159], step: 159, min: Math.min(...values), max: 50, count: 160 });
  });
});
