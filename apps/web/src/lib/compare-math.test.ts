import type { MetricSummary, SeriesBucket } from "@seqlab/contracts";
import {
  RUN_COLORS,
  axisPosition,
  chartNameOf,
  configDiff,
  flattenConfig,
  formatConfigValue,
  formatDelta,
  formatNumber,
  groupCharts,
  groupLine,
  groupRuns,
  lowerIsBetter,
  metricKeys,
  niceTicks,
  overlayCharts,
  parallelAxis,
  rebucket,
  runColor,
  runColors,
  runLabels,
  sameConfigValue,
  shade,
  sharedSummaryKeys,
  summaryDelta,
  summaryValue,
  type RunMetrics,
} from "./compare-math";

/** Float tolerance: the references below sum in another order, so only rounding separates them. */
const CLOSE = 12;

interface Point {
  step: number;
  value: number;
}

/**
 * An independent reference for the server's bucketing: points cut at `width` into [k*width, (k+1)*width), each
 * bucket's last value at its largest step, min and max over its values. Wall time is the step in seconds.
 */
function bucketize(points: readonly Point[], width: number): SeriesBucket[] {
  const byBucket = new Map<number, Point[]>();
  for (const p of points) {
    const k = Math.floor(p.step / width);
    byBucket.set(k, [...(byBucket.get(k) ?? []), p]);
  }
  return [...byBucket.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucket, ps]) => {
      const last = ps.reduce((a, b) => (b.step > a.step ? b : a));
      return {
        bucket,
        step: last.step,
        last: last.value,
        min: Math.min(...ps.map((p) => p.value)),
        max: Math.max(...ps.map((p) => p.value)),
        count: ps.length,
        wallTime: last.step * 1000,
      };
    });
}

/** Points at `steps` with a value that differs per run, so a wrong run in a mean shows. */
function pointsAt(steps: readonly number[], f: (step: number) => number): Point[] {
  return steps.map((step) => ({ step, value: f(step) }));
}

const range = (from: number, to: number, every = 1) =>
  Array.from({ length: Math.floor((to - from) / every) + 1 }, (_, i) => from + i * every);

describe("runColors", () => {
  it("gives every run of a selection its own colour, and the same ones on every load", () => {
    const ids = Array.from({ length: 20 }, (_, i) => `cmrun${i.toString(36)}x`);
    const colors = runColors(ids);
    expect(new Set(colors).size).toBe(20);
    expect(runColors([...ids].reverse())).toEqual([...colors].reverse());
    // A run whose own colour is free keeps it.
    expect(runColors([ids[0]!])).toEqual([runColor(ids[0]!)]);
  });
});

describe("runColor", () => {
  it("gives an id the same palette colour every time", () => {
    for (const id of ["cm0abc", "cm0abd", "x", ""]) {
      expect(runColor(id)).toBe(runColor(id));
      expect(RUN_COLORS).toContain(runColor(id));
    }
  });

  it("spreads ids over the whole palette, ids made one after another included", () => {
    // Ids that differ only in their last characters, as ids created in a burst do.
    const ids = range(0, 1999).map((i) => `cmd4x7k2q0000${i.toString(36).padStart(3, "0")}`);
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(runColor(id), (counts.get(runColor(id)) ?? 0) + 1);
    expect(counts.size).toBe(RUN_COLORS.length);
    // 100 expected per colour; a fair hash stays within ±40% (the binomial sd is about 10).
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(60);
      expect(n).toBeLessThan(140);
    }
  });

  it("has 20 distinct colours", () => {
    expect(new Set(RUN_COLORS).size).toBe(20);
  });
});

describe("shade and runLabels", () => {
  it("darkens #rrggbb and #rgb towards black", () => {
    expect(shade("#ffffff", 0.5)).toBe("#808080");
    expect(shade("#f00", 0.25)).toBe("#bf0000");
    expect(shade("#123456", 0)).toBe("#123456");
    expect(shade("red", 0.5)).toBe("red");
  });

  it("adds the id's tail only where names repeat", () => {
    const labels = runLabels([
      { id: "aaaaaa111111", name: "lstm" },
      { id: "bbbbbb222222", name: "gru" },
      { id: "cccccc333333", name: "lstm" },
    ]);
    expect(labels).toEqual(["lstm (111111)", "gru", "lstm (333333)"]);
  });
});

describe("flattenConfig and configDiff", () => {
  it("flattens nested objects to dotted paths, keeps arrays whole and drops empty objects", () => {
    const flat = flattenConfig({
      model: "lstm",
      modelHyperparameters: { hidden: 64, layers: { count: 2, dropout: null } },
      datasetParams: {},
      training: { schedule: [1, 2, { at: 3 }], clip: false },
    });
    expect([...flat.entries()]).toEqual([
      ["model", "lstm"],
      ["modelHyperparameters.hidden", 64],
      ["modelHyperparameters.layers.count", 2],
      ["modelHyperparameters.layers.dropout", null],
      ["training.schedule", [1, 2, { at: 3 }]],
      ["training.clip", false],
    ]);
  });

  it("compares arrays and objects by content, ignoring key order", () => {
    expect(sameConfigValue([1, 2], [1, 2])).toBe(true);
    expect(sameConfigValue([1, 2], [2, 1])).toBe(false);
    expect(sameConfigValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameConfigValue(1, "1")).toBe(false);
    expect(sameConfigValue(null, undefined)).toBe(false);
    expect(sameConfigValue(Number.NaN, Number.NaN)).toBe(true);
  });

  it("lists every key, marks those that differ, and counts a missing key as different", () => {
    const rows = configDiff([
      flattenConfig({ model: "lstm", training: { lr: 0.01, steps: 100 }, sizes: [64, 64] }),
      flattenConfig({ model: "lstm", training: { lr: 0.001, steps: 100 }, sizes: [64, 64], extra: { on: true } }),
      flattenConfig({ model: "lstm", training: { lr: 0.01, steps: 100 }, sizes: [64, 32] }),
    ]);
    expect(rows.map((r) => [r.key, r.differs])).toEqual([
      ["extra.on", true],
      ["model", false],
      ["sizes", true],
      ["training.lr", true],
      ["training.steps", false],
    ]);
    expect(rows[0]!.values).toEqual([undefined, true, undefined]);
    expect(rows[3]!.values).toEqual([0.01, 0.001, 0.01]);
  });

  it("formats values for the table", () => {
    expect(formatConfigValue(undefined)).toBe("—");
    expect(formatConfigValue("adam")).toBe("adam");
    expect(formatConfigValue(0.001)).toBe("0.001");
    expect(formatConfigValue([1, "a"])).toBe('[1,"a"]');
    expect(formatConfigValue(null)).toBe("null");
  });
});

describe("rebucket", () => {
  it("re-cuts narrow buckets into wider ones exactly as bucketing the points at that width", () => {
    const points = pointsAt(range(0, 203, 3), (s) => Math.sin(s / 7) * 10 + (s % 5));
    for (const [from, to] of [
      [1, 4],
      [2, 16],
      [4, 64],
      [1, 1],
    ] as const) {
      expect(rebucket({ width: from, buckets: bucketize(points, from) }, to)).toEqual(bucketize(points, to));
    }
  });
});

describe("groupLine", () => {
  it("aligns runs on step values at width 1 and averages over the runs that have a value there", () => {
    const a = bucketize(
      pointsAt([0, 10, 20], (s) => s),
      1,
    );
    const b = bucketize(
      pointsAt([0, 5, 10, 15, 20, 25], (s) => 2 * s + 1),
      1,
    );
    const line = groupLine([
      { width: 1, buckets: a },
      { width: 1, buckets: b },
    ]);
    expect(line.steps).toEqual([0, 5, 10, 15, 20, 25]);
    expect(line.counts).toEqual([2, 1, 2, 1, 2, 1]);
    expect(line.mean).toEqual([0.5, 11, 15.5, 31, 30.5, 51]);
    expect(line.min).toEqual([0, 11, 10, 31, 20, 51]);
    expect(line.max).toEqual([1, 11, 21, 31, 41, 51]);
  });

  it("matches a brute-force mean of each run's last value per bucket, across widths and logging intervals", () => {
    // Three runs: every step to 1000, every 7th step to 600, every 3rd step to 1500 (the server gave each its own width).
    const runs = [
      { width: 2, points: pointsAt(range(0, 1000), (s) => 5 - s / 300) },
      { width: 1, points: pointsAt(range(0, 600, 7), (s) => 4 + Math.cos(s)) },
      { width: 4, points: pointsAt(range(0, 1500, 3), (s) => 3 + s / 1000) },
    ];
    const line = groupLine(runs.map((r) => ({ width: r.width, buckets: bucketize(r.points, r.width) })));

    const width = 4;
    const expected = new Map<number, { step: number; values: number[] }>();
    for (const r of runs) {
      for (const b of bucketize(r.points, width)) {
        const row = expected.get(b.bucket) ?? { step: -1, values: [] };
        row.step = Math.max(row.step, b.step);
        row.values.push(b.last);
        expected.set(b.bucket, row);
      }
    }
    const rows = [...expected.entries()].sort(([x], [y]) => x - y).map(([, row]) => row);
    expect(line.steps).toEqual(rows.map((r) => r.step));
    expect(line.counts).toEqual(rows.map((r) => r.values.length));
    rows.forEach((row, i) => {
      expect(line.mean[i]).toBeCloseTo(row.values.reduce((s, v) => s + v, 0) / row.values.length, CLOSE);
      expect(line.min[i]).toBe(Math.min(...row.values));
      expect(line.max[i]).toBe(Math.max(...row.values));
    });
    // Past step 600 the second run has stopped: two runs carry the mean, past 1000 only one.
    expect(line.counts[line.steps.findIndex((s) => s > 700)]).toBe(2);
    expect(line.counts[line.counts.length - 1]).toBe(1);
  });

  it("skips values that are not finite (NaN arrives as null over JSON)", () => {
    const a: SeriesBucket[] = [
      { bucket: 0, step: 0, last: 1, min: 1, max: 1, count: 1, wallTime: 0 },
      { bucket: 1, step: 1, last: null as unknown as number, min: null, max: null, count: 1, wallTime: 1000 },
    ];
    const b: SeriesBucket[] = [
      { bucket: 0, step: 0, last: 3, min: 3, max: 3, count: 1, wallTime: 0 },
      { bucket: 1, step: 1, last: 5, min: 5, max: 5, count: 1, wallTime: 1000 },
    ];
    const line = groupLine([
      { width: 1, buckets: a },
      { width: 1, buckets: b },
    ]);
    expect(line.mean).toEqual([2, 5]);
    expect(line.counts).toEqual([2, 1]);
  });
});

/** A run's metrics from points per key, bucketed at `width`. */
function runMetrics(id: string, width: number, keys: Record<string, Point[]>): RunMetrics {
  return {
    id,
    label: id,
    color: runColor(id),
    width,
    byKey: new Map(Object.entries(keys).map(([k, ps]) => [k, bucketize(ps, width)])),
  };
}

describe("charts", () => {
  const steps = range(0, 99);
  const runs = [
    runMetrics("r1", 1, { loss: pointsAt(steps, (s) => 1 / (s + 1)), "val/loss": pointsAt(range(0, 99, 10), () => 2) }),
    runMetrics("r2", 2, {
      loss: pointsAt(range(0, 199), (s) => 2 / (s + 1)),
      "val/loss": pointsAt(range(0, 199, 10), () => 3),
      acc: pointsAt(steps, () => 0.5),
    }),
  ];

  it("charts the keys every run logged and names the others", () => {
    expect(metricKeys(runs)).toEqual({ shared: ["loss", "val/loss"], partial: ["acc"] });
    // A queued run with no points yet does not hide the others' charts.
    const queued = runMetrics("r3", 1, { loss: [] });
    expect(metricKeys([...runs, queued])).toEqual({ shared: ["loss", "val/loss"], partial: ["acc"] });
    expect(chartNameOf("val/loss")).toBe("loss");
    expect(chartNameOf("val/acc/top1")).toBe("acc/top1");
    expect(chartNameOf("grad/norm")).toBe("grad/norm");
  });

  it("draws a line per run and key, in the run's colour, with a darker second key, on shared x values", () => {
    const [chart, ...rest] = overlayCharts(runs, ["loss", "val/loss"]);
    expect(rest).toEqual([]);
    expect(chart!.title).toBe("loss");
    expect(chart!.series.map((s) => [s.id, s.label, s.color])).toEqual([
      ["r1:loss", "r1 · loss", runColor("r1")],
      ["r2:loss", "r2 · loss", runColor("r2")],
      ["r1:val/loss", "r1 · val/loss", shade(runColor("r1"), 0.4)],
      ["r2:val/loss", "r2 · val/loss", shade(runColor("r2"), 0.4)],
    ]);
    // Run 1 was cut at width 1, run 2 at width 2: both are shown at width 2, so their steps coincide.
    const [r1, r2] = chart!.series;
    expect(r1!.steps).toEqual(range(1, 99, 2));
    expect(r2!.steps.slice(0, 50)).toEqual(r1!.steps);
    expect(r1!.values[0]).toBe(1 / 2);
  });

  it("labels a chart's lines with the run alone when it holds one key, and puts loss first", () => {
    const charts = overlayCharts(runs, ["acc", "loss"]);
    expect(charts.map((c) => c.title)).toEqual(["loss", "acc"]);
    expect(charts[0]!.series.map((s) => s.label)).toEqual(["r1", "r2"]);
  });

  it("groups runs by a config value, numbers in numeric order, missing values last", () => {
    const configs = [
      { id: "a", config: flattenConfig({ training: { lr: 0.01 } }) },
      { id: "b", config: flattenConfig({ training: { lr: 0.001 } }) },
      { id: "c", config: flattenConfig({ training: {} }) },
      { id: "d", config: flattenConfig({ training: { lr: 0.01 } }) },
    ];
    const groups = groupRuns(configs, "training.lr");
    expect(groups.map((g) => [g.value, g.runIds])).toEqual([
      ["0.001", ["b"]],
      ["0.01", ["a", "d"]],
      ["—", ["c"]],
    ]);
    expect(groups.map((g) => g.color)).toEqual(RUN_COLORS.slice(0, 3));
  });

  it("draws a group as its mean with a min–max band, labelled with the key, value and run count", () => {
    const groupRunsMetrics = [
      runMetrics("a", 1, { loss: pointsAt(range(0, 9), (s) => s) }),
      runMetrics("b", 1, { loss: pointsAt(range(0, 9), (s) => 3 * s) }),
      runMetrics("c", 1, { loss: pointsAt(range(0, 9), () => 7) }),
    ];
    const groups = [
      { value: "0.01", runIds: ["a", "b"], color: "#111111" },
      { value: "0.1", runIds: ["c"], color: "#222222" },
    ];
    const [chart] = groupCharts(groupRunsMetrics, groups, "training.lr", ["loss"]);
    const [g1, g2] = chart!.series;
    expect(g1!.label).toBe("training.lr=0.01 (2 runs)");
    expect(g2!.label).toBe("training.lr=0.1 (1 run)");
    expect(g1!.values).toEqual(range(0, 9).map((s) => 2 * s));
    expect(g1!.min).toEqual(range(0, 9));
    expect(g1!.max).toEqual(range(0, 9).map((s) => 3 * s));
    expect(g2!.values).toEqual(range(0, 9).map(() => 7));
  });
});

describe("summary deltas", () => {
  it("takes lower as better for loss, error, cer, mse and bpc, in any case, and higher for the rest", () => {
    for (const key of ["loss", "val/loss", "error_rate", "val/CER", "mse", "test/bpc"]) {
      expect(lowerIsBetter(key)).toBe(true);
    }
    for (const key of ["accuracy", "val/acc", "reward", "tokens_per_second"]) expect(lowerIsBetter(key)).toBe(false);
  });

  it("computes absolute and percent deltas and whether they improve", () => {
    expect(summaryDelta("loss", 0.9, 1)).toEqual({ abs: 0.9 - 1, pct: (0.9 - 1) * 100, better: true });
    expect(summaryDelta("loss", 1.2, 1).better).toBe(false);
    expect(summaryDelta("accuracy", 0.8, 0.5)).toEqual({
      abs: 0.8 - 0.5,
      pct: ((0.8 - 0.5) / 0.5) * 100,
      better: true,
    });
    expect(summaryDelta("accuracy", 0.4, 0.5).better).toBe(false);
    // Percent of |baseline|: a less negative reward is an increase.
    expect(summaryDelta("reward", -1, -2).pct).toBe(50);
    expect(summaryDelta("loss", 1, 0).pct).toBeNull();
    expect(summaryDelta("loss", 1, 1)).toEqual({ abs: 0, pct: 0, better: null });
  });

  it("formats numbers and deltas compactly", () => {
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(0.123456)).toBe("0.1235");
    expect(formatNumber(1234.5)).toBe("1235");
    expect(formatNumber(0.0001)).toBe("1e-4");
    expect(formatNumber(0.000152)).toBe("1.52e-4");
    expect(formatNumber(2_500_000)).toBe("2.5e6");
    expect(formatDelta(summaryDelta("loss", 0.9, 1))).toBe("-0.1 (-10.0%)");
    expect(formatDelta(summaryDelta("loss", 1, 0))).toBe("+1");
  });

  it("finds the summary keys every run has and reads their aggregates", () => {
    const summary = (key: string, last: number): MetricSummary => ({
      key,
      last,
      min: last - 1,
      max: last + 1,
      step: 10,
      count: 11,
      wallTime: 0,
    });
    const runs = [
      [summary("acc", 0.5), summary("loss", 1), summary("val/loss", 2)],
      [summary("loss", 1.5), summary("val/loss", 2.5)],
    ];
    expect(sharedSummaryKeys(runs)).toEqual(["loss", "val/loss"]);
    expect(sharedSummaryKeys([])).toEqual([]);
    expect(sharedSummaryKeys([...runs, []])).toEqual(["loss", "val/loss"]);
    expect(summaryValue(runs[0]!, "loss", "last")).toBe(1);
    expect(summaryValue(runs[0]!, "loss", "min")).toBe(0);
    expect(summaryValue(runs[1]!, "acc", "last")).toBeNull();
    expect(summaryValue([{ ...summary("loss", 1), min: null }], "loss", "min")).toBeNull();
  });
});

describe("parallel-coordinate axes", () => {
  it("picks round ticks that cover the range", () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0, 10)).toEqual([0, 5, 10]);
    expect(niceTicks(0.13, 0.92)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 3)).toEqual([3]);
    for (const [lo, hi] of [
      [-7, 13],
      [0.001, 0.0042],
      [100, 2000],
      [1, 1.5],
    ] as const) {
      const ticks = niceTicks(lo, hi);
      expect(ticks[0]).toBeLessThanOrEqual(lo);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(hi);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks.length).toBeLessThanOrEqual(11);
    }
  });

  it("builds linear, log and categorical axes and places values on them", () => {
    const linear = parallelAxis("hidden", [32, 64, 128, undefined])!;
    expect(linear).toMatchObject({ kind: "numeric", log: false, min: 0, max: 150 });
    expect(axisPosition(linear, 75)).toBeCloseTo(0.5, CLOSE);
    expect(axisPosition(linear, undefined)).toBeNull();

    const log = parallelAxis("lr", [1e-4, 3e-3, 1e-2])!;
    expect(log).toMatchObject({ kind: "numeric", log: true, min: 1e-4, max: 1e-2, ticks: [1e-4, 1e-3, 1e-2] });
    expect(axisPosition(log, 1e-3)).toBeCloseTo(0.5, CLOSE);

    const categorical = parallelAxis("optimizer", ["sgd", "adam", "adam", true])!;
    expect(categorical).toEqual({ kind: "categorical", key: "optimizer", categories: ["adam", "sgd", "true"] });
    expect(axisPosition(categorical, "adam")).toBe(0);
    expect(axisPosition(categorical, "sgd")).toBe(0.5);
    expect(axisPosition(categorical, true)).toBe(1);
    expect(axisPosition(parallelAxis("one", ["x"])!, "x")).toBe(0.5);

    const constant = parallelAxis("steps", [100, 100])!;
    expect(axisPosition(constant, 100)).toBeCloseTo(0.5, CLOSE);
    expect(parallelAxis("none", [undefined, null])).toBeNull();
  });
});
