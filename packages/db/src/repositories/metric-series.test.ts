import {
  LiveSeries,
  TrainingSettings,
  bucketWidth,
  type MetricPoint,
  type ResolvedRunConfig,
  type SeriesBucket,
} from "@seqlab/contracts";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { MetricRepository, ProjectRepository, RunRepository } from "./index";

const config: ResolvedRunConfig = {
  model: "lstm",
  modelHyperparameters: { units: 8 },
  dataset: "adding",
  datasetParams: { length: 10 },
  training: TrainingSettings.parse({ steps: 5 }),
  seed: 7,
};

/** A deterministic, spiky series: mostly smooth, with a large outlier every 997 steps. */
function pointsOf(key: string, steps: number[], seed = 1): MetricPoint[] {
  return steps.map((step) => ({
    key,
    step,
    value: step % 997 === 0 ? 1000 + seed : Math.sin(step / 50 + seed) + step / 10_000,
    wallTime: 1_700_000_000_000 + step * 10,
  }));
}

/** The reference: every point in memory, bucketed one by one. */
function bruteForce(points: MetricPoint[], width: number, from: number, to: number) {
  const out = new Map<string, SeriesBucket[]>();
  const sorted = [...points].sort((a, b) => (a.key === b.key ? a.step - b.step : a.key < b.key ? -1 : 1));
  const lo = Math.floor(from / width) * width;
  const hi = (Math.floor(to / width) + 1) * width - 1;
  for (const p of sorted) {
    if (p.step < lo || p.step > hi) continue;
    const bucket = Math.floor(p.step / width);
    const list = out.get(p.key) ?? [];
    out.set(p.key, list);
    const tail = list[list.length - 1];
    if (tail && tail.bucket === bucket) {
      tail.min = Math.min(tail.min!, p.value);
      tail.max = Math.max(tail.max!, p.value);
      tail.last = p.value;
      tail.step = p.step;
      tail.wallTime = p.wallTime;
      tail.count += 1;
    } else {
      list.push({ bucket, step: p.step, last: p.value, min: p.value, max: p.value, count: 1, wallTime: p.wallTime });
    }
  }
  return [...out].map(([key, buckets]) => ({ key, buckets }));
}

describe("metric summaries and downsampled series (real PostgreSQL)", () => {
  let db: TestDatabase;
  let runs: RunRepository;
  let metrics: MetricRepository;
  let projectId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    runs = new RunRepository(db.prisma);
    metrics = new MetricRepository(db.prisma);
    projectId = (await new ProjectRepository(db.prisma).ensureProject()).id;
  });
  afterAll(() => db.drop());

  const newRun = async () =>
    (await runs.createRun({ projectId, name: "series", config, priority: 0, queueName: "default" })).id;

  it("keeps last, min, max, last step and count per key, and redelivered or overlapping batches change nothing", async () => {
    const runId = await newRun();
    const loss = pointsOf("loss", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const val = pointsOf("val/loss", [4, 9]);
    expect(await metrics.insertPoints(runId, [...loss.slice(0, 6), val[0]!])).toBe(7);
    // A redelivered batch, then one that overlaps the first and carries different values for steps it repeats
    // (a stale attempt): the stored first copy wins and nothing is counted twice.
    expect(await metrics.insertPoints(runId, [...loss.slice(0, 6), val[0]!])).toBe(0);
    const overlapping = loss.slice(3).map((p) => (p.step < 6 ? { ...p, value: -99 } : p));
    expect(await metrics.insertPoints(runId, [...overlapping, val[1]!])).toBe(5);
    const summary = (await metrics.summariesOf([runId])).get(runId)!;
    const values = loss.map((p) => p.value);
    expect(summary).toEqual([
      {
        key: "loss",
        last: loss[9]!.value,
        min: Math.min(...values),
        max: Math.max(...values),
        step: 9,
        count: 10,
        wallTime: loss[9]!.wallTime,
      },
      {
        key: "val/loss",
        last: val[1]!.value,
        min: Math.min(val[0]!.value, val[1]!.value),
        max: Math.max(val[0]!.value, val[1]!.value),
        step: 9,
        count: 2,
        wallTime: val[1]!.wallTime,
      },
    ]);
    expect(await metrics.countPoints(runId)).toBe(12);
  });

  it("keeps a summary's last value when an older step arrives after a newer one", async () => {
    const runId = await newRun();
    const pts = pointsOf("loss", [0, 1, 2, 3]);
    await metrics.insertPoints(runId, [pts[0]!, pts[3]!]);
    await metrics.insertPoints(runId, [pts[1]!, pts[2]!]);
    const [summary] = (await metrics.summariesOf([runId])).get(runId)!;
    expect(summary).toMatchObject({ last: pts[3]!.value, step: 3, count: 4 });
  });

  it("downsamples like a brute-force reference at every width, tiered or not, whole range or zoomed", async () => {
    const runId = await newRun();
    // 70 000 steps of "loss" (crosses every tier up to 65536) and a sparse validation series.
    const all = [
      ...pointsOf(
        "loss",
        Array.from({ length: 70_000 }, (_, i) => i),
        1,
      ),
      ...pointsOf(
        "val/loss",
        Array.from({ length: 140 }, (_, i) => i * 500 + 3),
        2,
      ),
    ];
    // Written in uneven, shuffled batches with a redelivery, as a worker and its retries would.
    const batches: MetricPoint[][] = [];
    for (let i = 0; i < all.length; i += 777) batches.push(all.slice(i, i + 777));
    batches.reverse();
    for (const batch of batches) await metrics.insertPoints(runId, batch);
    await metrics.insertPoints(runId, batches[3]!);

    for (const [buckets, from, to] of [
      [1000, undefined, undefined],
      [100, undefined, undefined],
      [4000, undefined, undefined],
      [10, undefined, undefined],
      [1000, 12_345, 13_000], // zoomed to width 1: from the points
      [100, 12_345, 13_000], // zoomed, width 8: from the points
      [500, 20_000, 60_000], // zoomed, tiered
      [100_000, 0, 70_000], // width 1
    ] as const) {
      const got = await metrics.series(runId, { buckets, from, to });
      const expectedWidth = bucketWidth(from ?? 0, to ?? 69_999, buckets);
      expect(got.width).toBe(expectedWidth);
      expect(got.series).toEqual(bruteForce(all, got.width, from ?? 0, Math.min(to ?? 69_999, 69_999)));
      expect(got.series.find((s) => s.key === "loss")!.buckets.length).toBeLessThanOrEqual(buckets);
      // Spikes survive: every outlier's bucket has it as its max.
      if (got.width > 1) {
        const spikes = got.series.find((s) => s.key === "loss")!.buckets.filter((b) => b.max! > 999);
        const expected = new Set(
          all.filter((p) => p.key === "loss" && p.value > 999).map((p) => Math.floor(p.step / got.width)),
        );
        const lo = Math.floor((from ?? 0) / got.width);
        const hi = Math.floor(Math.min(to ?? 69_999, 69_999) / got.width);
        expect(new Set(spikes.map((b) => b.bucket))).toEqual(new Set([...expected].filter((b) => b >= lo && b <= hi)));
      }
    }
  });

  it("a live copy that folds streamed points into a snapshot ends equal to the server's series of the finished run", async () => {
    const runId = await newRun();
    const all = pointsOf(
      "loss",
      Array.from({ length: 30_000 }, (_, i) => i),
      3,
    );
    await metrics.insertPoints(runId, all.slice(0, 700));
    const live = new LiveSeries(await metrics.series(runId, { buckets: 1000 }), 1000);
    // The stream then delivers the rest in batches, with the catch-up's re-sent points and a resumed attempt's
    // replay of steps it already published mixed in.
    // One point of each batch misses the live stream and comes with the next batch's catch-up, out of order.
    let withheld: MetricPoint | undefined;
    for (let i = 700; i < all.length; i += 450) {
      const batch = all.slice(i, i + 450);
      await metrics.insertPoints(runId, batch);
      live.add(batch.filter((p) => p !== batch[100]));
      live.add(all.slice(Math.max(0, i - 200), i + 10));
      if (withheld) live.add([withheld]);
      withheld = batch[100];
    }
    if (withheld) live.add([withheld]);
    const server = await metrics.series(runId, { buckets: 1000 });
    expect(live.width).toBe(server.width);
    expect(server.series.map((s) => ({ key: s.key, buckets: live.buckets(s.key) }))).toEqual(server.series);
  });

  it("serves several runs at one width in one query, each equal to its brute-force bucketing", async () => {
    const [a, b] = [await newRun(), await newRun()];
    const long = pointsOf(
      "loss",
      Array.from({ length: 9000 }, (_, i) => i),
      4,
    );
    const short = pointsOf(
      "loss",
      Array.from({ length: 1200 }, (_, i) => i * 2),
      5,
    );
    await metrics.insertPoints(a, long);
    await metrics.insertPoints(b, short);
    const both = await metrics.seriesOfRuns([a, b, "missing"], { buckets: 500 });
    const width = bucketWidth(0, 8999, 500);
    expect(both.get(a)!.width).toBe(width);
    expect(both.get(b)!.width).toBe(width);
    expect(both.get(a)!.series).toEqual(bruteForce(long, width, 0, 8999));
    expect(both.get(b)!.series).toEqual(bruteForce(short, width, 0, 8999));
    expect(both.get("missing")!.series).toEqual([]);
  });

  it("answers an empty or unknown series with no buckets", async () => {
    const runId = await newRun();
    expect((await metrics.series(runId)).series).toEqual([]);
    await metrics.insertPoints(runId, pointsOf("loss", [0, 1]));
    expect((await metrics.series(runId, { keys: ["nope"] })).series).toEqual([]);
    expect((await metrics.series(runId, { from: 10, to: 5 })).series).toEqual([]);
  });
});
