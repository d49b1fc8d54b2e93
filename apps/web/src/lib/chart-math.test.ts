import {
  alignSeries,
  debiasedEma,
  fileNameOf,
  formatDuration,
  logSafe,
  toCsv,
  withAlpha,
  type ChartSeries,
} from "./chart-math";

/** Float tolerance: the references below are computed another way, so only rounding separates them. */
const CLOSE = 12;

/**
 * An independent reference for the debiased EMA: the weighted mean of the finite values seen so far, the k-th
 * newest weighted w^k. Expanding TensorBoard's recurrence gives exactly this; nulls neither count nor weigh.
 */
function weightedMeanReference(values: (number | null)[], w: number): (number | null)[] {
  const seen: number[] = [];
  return values.map((y) => {
    if (y === null || !Number.isFinite(y)) return null;
    seen.push(y);
    let num = 0;
    let den = 0;
    seen.forEach((v, i) => {
      const weight = w ** (seen.length - 1 - i);
      num += weight * v;
      den += weight;
    });
    return num / den;
  });
}

function series(id: string, steps: number[], values: number[], wallTimes: number[] = []): ChartSeries {
  return { id, label: id, color: "#3b5bdb", steps, wallTimes, values };
}

describe("debiasedEma", () => {
  it("matches a hand computation, debiased from the first point, with a null in the middle", () => {
    // w = 0.5: last = 0.5, out = 0.5 / 0.5 = 1; null skipped; last = 0.25 + 1.5 = 1.75, out = 1.75 / 0.75;
    // last = 0.875 + 2.5 = 3.375, out = 3.375 / 0.875.
    const out = debiasedEma([1, null, 3, 5], 0.5);
    expect(out).toHaveLength(4);
    expect(out[0]).toBeCloseTo(1, CLOSE);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeCloseTo(1.75 / 0.75, CLOSE);
    expect(out[3]).toBeCloseTo(3.375 / 0.875, CLOSE);
  });

  it("agrees with the weighted-mean reference on a noisy series with gaps and non-finite values", () => {
    const values = [0.9, 2.3, null, -1.2, Number.NaN, 4.4, 3.1, Number.POSITIVE_INFINITY, 0.05, 7, 2.2];
    for (const w of [0.1, 0.6, 0.95]) {
      const got = debiasedEma(values, w);
      const want = weightedMeanReference(values, w);
      got.forEach((v, i) => {
        if (want[i] === null) expect(v).toBeNull();
        else expect(v).toBeCloseTo(want[i]!, CLOSE);
      });
    }
  });

  it("returns the input at weight 0 and clamps the weight to [0, 0.999]", () => {
    const values = [3, null, 1, 2];
    expect(debiasedEma(values, 0)).toEqual(values);
    expect(debiasedEma(values, -2)).toEqual(values);
    expect(debiasedEma([5, 1, 9], 1)).toEqual(debiasedEma([5, 1, 9], 0.999));
    // At 0.999 the debias still puts the first output on the first input.
    expect(debiasedEma([5, 1, 9], 7)[0]).toBeCloseTo(5, CLOSE);
  });

  it("leaves a constant series exactly as it is", () => {
    expect(debiasedEma([0.1, 0.1, null, 0.1], 0.9)).toEqual([0.1, 0.1, null, 0.1]);
  });
});

describe("alignSeries", () => {
  it("aligns two series with different steps on the union of steps, null where one has no point", () => {
    const a = series("a", [0, 10, 20], [1, 2, 3]);
    const b = series("b", [5, 10, 30], [7, 8, 9]);
    const { data, columns } = alignSeries([a, b], "step");
    expect(data[0]).toEqual([0, 5, 10, 20, 30]);
    expect(columns).toEqual([
      { id: "a", value: 1 },
      { id: "b", value: 2 },
    ]);
    expect(data[1]).toEqual([1, null, 2, 3, null]);
    expect(data[2]).toEqual([null, 7, 8, null, 9]);
  });

  it("adds band and smoothed columns, band first so lines draw over it", () => {
    const a: ChartSeries = { ...series("a", [0, 1], [2, 4]), min: [1, 3], max: [3, null] };
    const { data, columns } = alignSeries([a, series("b", [1], [5])], "step", undefined, 0.5);
    expect(columns).toEqual([
      { id: "a", min: 1, max: 2, value: 3, smoothed: 4 },
      { id: "b", value: 5, smoothed: 6 },
    ]);
    expect(data[1]).toEqual([1, 3]);
    expect(data[2]).toEqual([3, null]);
    expect(data[4]).toEqual(debiasedEma([2, 4], 0.5));
    expect(data[6]).toEqual([null, 5]);
  });

  it("smooths over a series' own points, not over the other series' x values", () => {
    const a = series("a", [0, 2], [1, 3]);
    const b = series("b", [1], [100]);
    const { data, columns } = alignSeries([a, b], "step", undefined, 0.5);
    const ema = debiasedEma([1, 3], 0.5);
    expect(data[columns[0]!.smoothed!]).toEqual([ema[0], null, ema[1]]);
  });

  it("puts wall time in seconds since the epoch and skips points without one", () => {
    const a = series("a", [0, 1, 2], [1, 2, 3], [1_700_000_000_000, 1_700_000_001_500]);
    const { data } = alignSeries([a], "wall");
    expect(data[0]).toEqual([1_700_000_000, 1_700_000_001.5]);
    expect(data[1]).toEqual([1, 2]);
  });

  it("measures relative time from each series' own start, or from a given origin", () => {
    const a = series("a", [0, 1], [1, 2], [10_000, 70_000]);
    const b = series("b", [0, 1], [3, 4], [500_000, 530_000]);
    const { data } = alignSeries([a, b], "relative");
    expect(data[0]).toEqual([0, 30, 60]);
    expect(data[1]).toEqual([1, null, 2]);
    expect(data[2]).toEqual([3, 4, null]);
    expect(alignSeries([b], "relative", 490_000).data[0]).toEqual([10, 40]);
  });
});

describe("toCsv", () => {
  it("quotes labels with commas and quotes (RFC 4180) and names the smoothed and band columns", () => {
    const a: ChartSeries = {
      ...series("a", [0, 1], [0.5, 0.25]),
      label: 'lr=1e-3, "warm"',
      min: [0.4, 0.2],
      max: [0.6, 0.3],
    };
    const b = { ...series("b", [1], [2]), label: "plain" };
    const csv = toCsv("loss", [a, b], "step", 0.5);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(
      'step,"lr=1e-3, ""warm""","lr=1e-3, ""warm"" (smoothed)","lr=1e-3, ""warm"" (min)","lr=1e-3, ""warm"" (max)",plain,plain (smoothed)',
    );
    const smoothed = debiasedEma([0.5, 0.25], 0.5);
    expect(lines[1]).toBe(`0,0.5,${smoothed[0]},0.4,0.6,,`);
    expect(lines[2]).toBe(`1,0.25,${smoothed[1]},0.2,0.3,2,2`);
    expect(lines[3]).toBe("");
    expect(lines).toHaveLength(4);
  });

  it("writes wall time as ISO 8601, quotes line breaks and defuses formula-like labels", () => {
    const a = { ...series("a", [3], [1], [Date.UTC(2025, 0, 2, 3, 4, 5, 600)]), label: "=HYPERLINK()\nx" };
    expect(toCsv("loss", [a], "wall")).toBe(`wall_time,"'=HYPERLINK()\nx"\r\n2025-01-02T03:04:05.600Z,1\r\n`);
    expect(toCsv("loss", [{ ...a, label: "" }], "relative")).toBe("relative_time_s,loss\r\n0,1\r\n");
  });
});

describe("helpers", () => {
  it("logSafe drops what a log axis cannot show", () => {
    expect(logSafe([1, 0, -2, null, Number.NaN, 1e-9])).toEqual([1, null, null, null, null, 1e-9]);
  });

  it("formatDuration writes relative time compactly", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(1.5)).toBe("1.5s");
    expect(formatDuration(45)).toBe("45s");
    expect(formatDuration(59.99)).toBe("1m00s");
    expect(formatDuration(90)).toBe("1m30s");
    expect(formatDuration(2 * 3600 + 5 * 60)).toBe("2h05m");
    expect(formatDuration(3 * 86400 + 4 * 3600)).toBe("3d04h");
    expect(formatDuration(-90)).toBe("-1m30s");
  });

  it("withAlpha makes hex and rgb colours translucent", () => {
    expect(withAlpha("#3b5bdb", 0.25)).toBe("rgba(59, 91, 219, 0.25)");
    expect(withAlpha("#fff", 0.5)).toBe("rgba(255, 255, 255, 0.5)");
    expect(withAlpha("rgb(1, 2, 3)", 0.1)).toBe("rgba(1, 2, 3, 0.1)");
    expect(withAlpha("tomato", 0.1)).toBe("tomato");
  });

  it("fileNameOf keeps titles usable as file names", () => {
    expect(fileNameOf("val/loss: top-1", "png")).toBe("val_loss_ top-1.png");
    expect(fileNameOf("  ", "csv")).toBe("chart.csv");
  });
});
