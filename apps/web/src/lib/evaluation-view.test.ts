import type { EvaluationResult, GradientFlow } from "@seqlab/contracts";
import {
  RAMP_STOPS,
  beatsBaseline,
  buildHeatmap,
  cellAt,
  evaluationLines,
  evaluationSummary,
  formatMetricValue,
  indexTicks,
  metricLabel,
  normPosition,
  rampColor,
  rampGradientCss,
  rgbHex,
  type Heatmap,
  type Rgb,
} from "./evaluation-view";

function result(overrides: Partial<EvaluationResult> = {}): EvaluationResult {
  return {
    split: "test",
    step: 500,
    samples: 10_000,
    metrics: [
      { key: "cer", value: 0.07, baseline: 0.896, higherIsBetter: false },
      { key: "exactMatch", value: 0.61, baseline: 0, higherIsBetter: true },
    ],
    evaluationMs: 4200,
    trainingMs: 320_000,
    ...overrides,
  };
}

/** The colour and alpha of one heatmap cell. */
function cell(heatmap: Heatmap, row: number, column: number): [number, number, number, number] {
  const at = (row * heatmap.columns + column) * 4;
  return [heatmap.rgba[at]!, heatmap.rgba[at + 1]!, heatmap.rgba[at + 2]!, heatmap.rgba[at + 3]!];
}
const opaque = (rgb: Rgb) => [...rgb, 255];

/** WCAG relative luminance: an independent measure of how light a colour looks. */
function luminance([r, g, b]: Rgb): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

describe("metric labels and values", () => {
  it("names the catalog's metrics and leaves unknown keys as written", () => {
    expect(
      ["cer", "corpusCer", "exactMatch", "characterAccuracy", "bleu1", "mse", "bpc", "accuracy"].map(metricLabel),
    ).toEqual([
      "CER",
      "corpus CER",
      "exact match",
      "character accuracy",
      "BLEU-1",
      "MSE",
      "bits per character",
      "accuracy",
    ]);
    expect(metricLabel("f1/macro")).toBe("f1/macro");
    // Keys that exist on every object's prototype are still unknown metrics, not functions' names.
    expect(metricLabel("constructor")).toBe("constructor");
    expect(metricLabel("toString")).toBe("toString");
  });

  it("writes three decimals, and exponent form where they would hide the value", () => {
    expect(formatMetricValue(0.07)).toBe("0.070");
    expect(formatMetricValue(0)).toBe("0.000");
    expect(formatMetricValue(12.3456)).toBe("12.346");
    expect(formatMetricValue(0.000123)).toBe("1.23e-4");
    expect(formatMetricValue(-0.000123)).toBe("-1.23e-4");
    expect(formatMetricValue(2.5e7)).toBe("2.50e+7");
  });
});

describe("baseline comparison", () => {
  const metric = (value: number, baseline: number | null, higherIsBetter: boolean) => ({
    key: "m",
    value,
    baseline,
    higherIsBetter,
  });

  it("beats a baseline by being lower where lower is better, and higher where higher is", () => {
    expect(beatsBaseline(metric(0.07, 0.896, false))).toBe(true);
    expect(beatsBaseline(metric(0.95, 0.896, false))).toBe(false);
    expect(beatsBaseline(metric(0.95, 0.5, true))).toBe(true);
    expect(beatsBaseline(metric(0.4, 0.5, true))).toBe(false);
    // Within 2% of the baseline is not beating it: the model learned nothing the baseline does not know.
    expect(beatsBaseline(metric(0.1718, 0.172, false))).toBe(false);
    expect(beatsBaseline(metric(0.495, 0.49, true))).toBe(false);
    expect(beatsBaseline(metric(0.165, 0.172, false))).toBe(true);
  });

  it("does not beat a baseline it only ties, and has no verdict without one", () => {
    expect(beatsBaseline(metric(0.5, 0.5, true))).toBe(false);
    expect(beatsBaseline(metric(0.5, 0.5, false))).toBe(false);
    expect(beatsBaseline(metric(0.5, null, true))).toBeNull();
  });
});

describe("the test-set card", () => {
  it("has one line per metric in the task's order, with the baseline and a verdict", () => {
    const lines = evaluationLines(
      result({
        metrics: [
          { key: "cer", value: 0.07, baseline: 0.896, higherIsBetter: false },
          { key: "accuracy", value: 0.2, baseline: 0.25, higherIsBetter: true },
          { key: "perplexity", value: 3.1, baseline: null, higherIsBetter: false },
        ],
      }),
    );
    expect(lines).toEqual([
      { key: "cer", text: "test CER 0.070 (baseline 0.896)", beatsBaseline: true, verdict: "better than the baseline" },
      {
        key: "accuracy",
        text: "test accuracy 0.200 (baseline 0.250)",
        beatsBaseline: false,
        verdict: "not better than the baseline",
      },
      { key: "perplexity", text: "test perplexity 3.100", beatsBaseline: null, verdict: null },
    ]);
  });

  it("says how many samples were scored and what the evaluation cost beside training", () => {
    expect(evaluationSummary(result())).toBe("10000 test samples, evaluated in 4.2 s (1.3% of training time)");
    expect(evaluationSummary(result({ samples: 1, evaluationMs: 250, trainingMs: 1000 }))).toBe(
      "1 test sample, evaluated in 0.25 s (25% of training time)",
    );
    expect(evaluationSummary(result({ evaluationMs: 12_400, trainingMs: 1e9 }))).toBe(
      "10000 test samples, evaluated in 12 s (<0.1% of training time)",
    );
    // No training time recorded: no share to give (and no division by zero).
    expect(evaluationSummary(result({ trainingMs: 0 }))).toBe("10000 test samples, evaluated in 4.2 s");
  });
});

describe("colour ramp", () => {
  it("runs from viridis' dark purple at 0 to its yellow at 1, through its teal at the middle", () => {
    expect(rgbHex(rampColor(0))).toBe("#440154");
    expect(rgbHex(rampColor(1))).toBe("#fde725");
    expect(rgbHex(rampColor(0.5))).toBe("#21908d");
    expect(rampColor(0.0625)).toEqual([0x46, 0x17, 0x67]); // halfway between the first two stops, rounded
  });

  it("clamps out-of-range positions and sends a non-finite one to the bottom", () => {
    expect(rampColor(-3)).toEqual(RAMP_STOPS[0]);
    expect(rampColor(7)).toEqual(RAMP_STOPS.at(-1));
    expect(rampColor(Number.NaN)).toEqual(RAMP_STOPS[0]);
    expect(rampColor(Number.NEGATIVE_INFINITY)).toEqual(RAMP_STOPS[0]);
  });

  it("gets lighter all the way up (perceptual order: a larger norm never looks darker)", () => {
    const samples = Array.from({ length: 101 }, (_, i) => luminance(rampColor(i / 100)));
    for (let i = 1; i < samples.length; i++) expect(samples[i]!).toBeGreaterThan(samples[i - 1]!);
  });

  it("draws the legend bar with the same stops", () => {
    const css = rampGradientCss();
    expect(css.startsWith("linear-gradient(to right, #440154 0.0%, #472c7a 12.5%")).toBe(true);
    expect(css.endsWith("#fde725 100.0%)")).toBe(true);
  });
});

describe("gradient-flow heatmap", () => {
  const flow = (snapshots: GradientFlow["snapshots"]): GradientFlow => ({
    timeSteps: Math.max(0, ...snapshots.map((s) => s.norms.length)),
    snapshots,
  });

  it("places a zero norm at the bottom of the ramp without letting it stretch the range to -Infinity", () => {
    expect(normPosition(0, { min: -3, max: 0 })).toBe(0);
    const heatmap = buildHeatmap(flow([{ step: 10, norms: [0, 1e-3, 1] }]), "global");
    expect(heatmap).toMatchObject({ range: { min: -3, max: 0 }, zeroCells: 1 });
    expect(cell(heatmap, 0, 0)).toEqual(opaque(RAMP_STOPS[0]!));
    expect(cell(heatmap, 0, 1)).toEqual(opaque(RAMP_STOPS[0]!));
    expect(cell(heatmap, 0, 2)).toEqual(opaque(RAMP_STOPS.at(-1)!));
    const allZero = buildHeatmap(flow([{ step: 10, norms: [0, 0] }]), "row");
    expect(allZero.range).toBeNull();
    expect(cell(allZero, 0, 1)).toEqual(opaque(RAMP_STOPS[0]!));
  });

  it("spans the whole run's log10 range on the global scale", () => {
    // Row 0 holds norms 1..100 (log10 0..2), row 1 holds 1e-3..0.1 (log10 -3..-1): the range is -3..2.
    const heatmap = buildHeatmap(
      flow([
        { step: 0, norms: [1, 10, 100] },
        { step: 25, norms: [1e-3, 1e-2, 1e-1] },
      ]),
      "global",
    );
    expect(heatmap).toMatchObject({ rows: 2, columns: 3, range: { min: -3, max: 2 }, steps: [0, 25] });
    expect(cell(heatmap, 0, 0)).toEqual(opaque(rampColor(3 / 5)));
    expect(cell(heatmap, 0, 2)).toEqual(opaque(rampColor(1)));
    expect(cell(heatmap, 1, 0)).toEqual(opaque(rampColor(0)));
    expect(cell(heatmap, 1, 2)).toEqual(opaque(rampColor(2 / 5)));
  });

  it("spans each row's own range on the row scale, so rows of the same shape look the same", () => {
    const heatmap = buildHeatmap(
      flow([
        { step: 0, norms: [1, 10, 100] },
        { step: 25, norms: [1e-3, 1e-2, 1e-1] },
      ]),
      "row",
    );
    for (const row of [0, 1]) {
      expect([0, 1, 2].map((column) => cell(heatmap, row, column))).toEqual(
        [0, 0.5, 1].map((t) => opaque(rampColor(t))),
      );
    }
    // The legend still reports the run's range.
    expect(heatmap.range).toEqual({ min: -3, max: 2 });
  });

  it("tops out a flat row on the row scale (nothing in it fades)", () => {
    const heatmap = buildHeatmap(flow([{ step: 0, norms: [0.2, 0.2, 0.2] }]), "row");
    expect(cell(heatmap, 0, 1)).toEqual(opaque(RAMP_STOPS.at(-1)!));
  });

  it("leaves the cells past a shorter snapshot transparent, and is empty without snapshots", () => {
    const heatmap = buildHeatmap(
      {
        timeSteps: 3,
        snapshots: [
          { step: 0, norms: [1, 2, 3] },
          { step: 5, norms: [1] },
        ],
      },
      "global",
    );
    expect(heatmap.rgba).toHaveLength(2 * 3 * 4);
    expect(cell(heatmap, 1, 0)[3]).toBe(255);
    expect(cell(heatmap, 1, 1)).toEqual([0, 0, 0, 0]);
    expect(cell(heatmap, 1, 2)).toEqual([0, 0, 0, 0]);
    expect(buildHeatmap({ timeSteps: 0, snapshots: [] }, "global")).toMatchObject({ rows: 0, columns: 0, range: null });
  });
});

describe("heatmap axes and hover", () => {
  it("puts ticks at round spacings, at most as many as asked", () => {
    expect(indexTicks(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(indexTicks(100, 6)).toEqual([0, 20, 40, 60, 80]);
    expect(indexTicks(101, 6)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(indexTicks(121, 6)).toEqual([0, 50, 100]);
    expect(indexTicks(7, 3)).toEqual([0, 5]);
    expect(indexTicks(0, 5)).toEqual([]);
  });

  it("finds the cell under the pointer, and none outside the plot", () => {
    const size = { rows: 4, columns: 10 };
    expect(cellAt(0, 0, size)).toEqual({ row: 0, column: 0 });
    expect(cellAt(0.999, 0.999, size)).toEqual({ row: 3, column: 9 });
    expect(cellAt(0.25, 0.5, size)).toEqual({ row: 2, column: 2 });
    expect(cellAt(1, 0.5, size)).toBeNull();
    expect(cellAt(-0.01, 0.5, size)).toBeNull();
    expect(cellAt(Number.NaN, 0.5, size)).toBeNull();
    expect(cellAt(0.5, 0.5, { rows: 0, columns: 0 })).toBeNull();
  });
});
