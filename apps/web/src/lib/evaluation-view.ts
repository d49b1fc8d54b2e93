// The numbers and words behind the run page's test-set card and gradient-flow heatmap: metric labels, the baseline
// verdict, the card's lines, the colour ramp and the per-cell colours. Pure functions (no React, no DOM), so they
// are tested without a browser.

import type { EvaluationResult, GradientFlow } from "@seqlab/contracts";

/** How the card names the metrics the catalog's tasks report; a key not listed here is shown as written. */
export const METRIC_LABELS: Readonly<Record<string, string>> = {
  cer: "CER",
  corpusCer: "corpus CER",
  exactMatch: "exact match",
  characterAccuracy: "character accuracy",
  bleu1: "BLEU-1",
  mse: "MSE",
  bpc: "bits per character",
  accuracy: "accuracy",
};

/** The human label of a metric key (`cer` -> "CER"); an unknown key comes back unchanged. */
export function metricLabel(key: string): string {
  return Object.hasOwn(METRIC_LABELS, key) ? METRIC_LABELS[key]! : key;
}

/** Below this magnitude three decimals would print 0.000, so such a value is written in exponent form. */
const SMALLEST_FIXED = 0.001;
/** From this magnitude on the fixed form is too long to read at a glance. */
const LARGEST_FIXED = 1e6;

/** A metric value with three decimals (0.070), or in exponent form (1.20e-4) where decimals would hide it. */
export function formatMetricValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < SMALLEST_FIXED || magnitude >= LARGEST_FIXED)) return value.toExponential(2);
  return value.toFixed(3);
}

/** One test metric as the card needs it. */
export type EvaluationMetric = EvaluationResult["metrics"][number];

/**
 * How far past the baseline a model must be to beat it, relative to the baseline: a model within 2% of predicting
 * the mean (a vanilla RNN's 0.1718 against the adding problem's 0.1720) learned nothing, whatever the last digit.
 */
const BASELINE_MARGIN = 0.02;

/**
 * Whether the model beats the task's trivial baseline: lower for a metric where lower is better (CER), higher where
 * higher is (accuracy), by more than {@link BASELINE_MARGIN} of the baseline; a tie does not beat it. Null when the
 * task has no baseline for it.
 */
export function beatsBaseline(metric: EvaluationMetric): boolean | null {
  if (metric.baseline === null) return null;
  const margin = BASELINE_MARGIN * Math.abs(metric.baseline);
  return metric.higherIsBetter ? metric.value > metric.baseline + margin : metric.value < metric.baseline - margin;
}

/** One line of the test-set card. */
export interface EvaluationLine {
  key: string;
  /** "test CER 0.070 (baseline 0.896)"; without the parenthesis when the task has no baseline for the metric. */
  text: string;
  /** From {@link beatsBaseline}. */
  beatsBaseline: boolean | null;
  /** The verdict in words ("better than the baseline"), or null without a baseline. */
  verdict: string | null;
}

/** The card's metric lines, in the order the task lists its metrics. */
export function evaluationLines(result: EvaluationResult): EvaluationLine[] {
  return result.metrics.map((metric) => {
    const beats = beatsBaseline(metric);
    const baseline = metric.baseline === null ? "" : ` (baseline ${formatMetricValue(metric.baseline)})`;
    return {
      key: metric.key,
      text: `test ${metricLabel(metric.key)} ${formatMetricValue(metric.value)}${baseline}`,
      beatsBaseline: beats,
      verdict: beats === null ? null : beats ? "better than the baseline" : "not better than the baseline",
    };
  });
}

/** Seconds as the card shows them: two decimals under 1 s, one under 10 s, whole seconds above. */
function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 1) return seconds.toFixed(2);
  if (seconds < 10) return seconds.toFixed(1);
  return Math.round(seconds).toString();
}

/** A share of the training time: "<0.1" below what one decimal shows, one decimal under 10 %, whole above. */
function formatPercent(percent: number): string {
  if (percent < 0.1) return "<0.1";
  if (percent < 10) return percent.toFixed(1);
  return Math.round(percent).toString();
}

/**
 * The card's last line: "10000 test samples, evaluated in 4.2 s (1.3% of training time)". The share is left out
 * when no training time was recorded (an attempt resumed at its last step trains for no time).
 */
export function evaluationSummary(result: EvaluationResult): string {
  const samples = `${result.samples} test sample${result.samples === 1 ? "" : "s"}`;
  const share =
    result.trainingMs > 0
      ? ` (${formatPercent((100 * result.evaluationMs) / result.trainingMs)}% of training time)`
      : "";
  return `${samples}, evaluated in ${formatSeconds(result.evaluationMs)} s${share}`;
}

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/**
 * Matplotlib's viridis sampled at nine evenly spaced points (its `viridis(9)`): perceptually uniform, readable in
 * grey scale and by the common colour-vision deficiencies. Linear interpolation between nine stops stays within a
 * few units of the full 256-entry table, which no eye separates on a heatmap.
 */
export const RAMP_STOPS: readonly Rgb[] = [
  [0x44, 0x01, 0x54],
  [0x47, 0x2c, 0x7a],
  [0x3b, 0x51, 0x8b],
  [0x2c, 0x71, 0x8e],
  [0x21, 0x90, 0x8d],
  [0x27, 0xad, 0x81],
  [0x5c, 0xc8, 0x63],
  [0xaa, 0xdc, 0x32],
  [0xfd, 0xe7, 0x25],
];

/** The ramp's colour at `t` in [0, 1] (dark purple at 0, yellow at 1); `t` is clamped, and a non-finite one is 0. */
export function rampColor(t: number): Rgb {
  const clamped = Number.isFinite(t) ? Math.min(Math.max(t, 0), 1) : 0;
  const position = clamped * (RAMP_STOPS.length - 1);
  const lower = Math.min(Math.floor(position), RAMP_STOPS.length - 2);
  const within = position - lower;
  const a = RAMP_STOPS[lower]!;
  const b = RAMP_STOPS[lower + 1]!;
  const mix = (channel: 0 | 1 | 2) => Math.round(a[channel] + (b[channel] - a[channel]) * within);
  return [mix(0), mix(1), mix(2)];
}

/** An RGB colour as `#rrggbb`. */
export function rgbHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

/** The whole ramp as a CSS gradient, left (0) to right (1), for the legend bar. */
export function rampGradientCss(): string {
  const stops = RAMP_STOPS.map((c, i) => `${rgbHex(c)} ${((100 * i) / (RAMP_STOPS.length - 1)).toFixed(1)}%`);
  return `linear-gradient(to right, ${stops.join(", ")})`;
}

/** What the colours span: every cell of the run at once, or each snapshot's row on its own. */
export type HeatmapScale = "global" | "row";

/** A closed range of log10 norms. */
export interface Log10Range {
  min: number;
  max: number;
}

/** A gradient-flow heatmap ready to draw: one RGBA pixel per cell, rows oldest snapshot first. */
export interface Heatmap {
  rows: number;
  columns: number;
  /**
   * `rows * columns * 4` bytes, row-major, the layout of canvas `ImageData`. A cell past the end of a shorter
   * snapshot, or with a norm that is not a finite non-negative number, is transparent (alpha 0).
   */
  rgba: Uint8ClampedArray<ArrayBuffer>;
  /** Cells whose norm is exactly 0 (drawn as the ramp's bottom: 0 has no logarithm), for the legend to mention. */
  zeroCells: number;
  /** The log10 range of every positive norm of the run (what the global scale spans); null when none is positive. */
  range: Log10Range | null;
  /** The training step of each row. */
  steps: number[];
}

/** log10 of a positive finite norm; null for 0 (no gradient reached the input), which has no logarithm. */
function log10Norm(norm: number): number | null {
  return Number.isFinite(norm) && norm > 0 ? Math.log10(norm) : null;
}

function extendRange(range: Log10Range | null, norms: readonly number[]): Log10Range | null {
  let out = range;
  for (const norm of norms) {
    const log = log10Norm(norm);
    if (log === null) continue;
    out = out ? { min: Math.min(out.min, log), max: Math.max(out.max, log) } : { min: log, max: log };
  }
  return out;
}

/**
 * Where a norm falls on the ramp, 0..1, within `range`. A zero norm (an input the gradient never reached, or one
 * that underflowed) is the ramp's bottom rather than log10(0) = -Infinity. When the range is a single value (a
 * perfectly flat row under the row scale) every positive norm is at the top: nothing in it fades.
 */
export function normPosition(norm: number, range: Log10Range | null): number {
  const log = log10Norm(norm);
  if (log === null || range === null) return 0;
  if (range.max === range.min) return 1;
  return Math.min(Math.max((log - range.min) / (range.max - range.min), 0), 1);
}

/**
 * The heatmap of a run's gradient flow: x = input time step, y = snapshot (oldest first), colour = log10 of the
 * norm on the ramp, spanning the whole run's range (`global`, which shows how the flow changes as training goes
 * on) or each row's own (`row`, which shows the shape of every row however small its norms are).
 */
export function buildHeatmap(flow: GradientFlow, scale: HeatmapScale): Heatmap {
  const rows = flow.snapshots.length;
  const columns = Math.max(flow.timeSteps, ...flow.snapshots.map((s) => s.norms.length), 0);
  const rgba = new Uint8ClampedArray(rows * columns * 4);
  const global = flow.snapshots.reduce<Log10Range | null>((range, s) => extendRange(range, s.norms), null);
  let zeroCells = 0;
  flow.snapshots.forEach((snapshot, row) => {
    const range = scale === "global" ? global : extendRange(null, snapshot.norms);
    snapshot.norms.forEach((norm, column) => {
      if (!Number.isFinite(norm) || norm < 0) return;
      if (norm === 0) zeroCells++;
      const [r, g, b] = rampColor(normPosition(norm, range));
      const at = (row * columns + column) * 4;
      rgba[at] = r;
      rgba[at + 1] = g;
      rgba[at + 2] = b;
      rgba[at + 3] = 255;
    });
  });
  return { rows, columns, rgba, zeroCells, range: global, steps: flow.snapshots.map((s) => s.step) };
}

/**
 * Indexes 0, k, 2k, ... below `length` for axis ticks, k the smallest of 1, 2, 5, 10, 20, 50, ... that leaves at
 * most `maxTicks` of them.
 */
export function indexTicks(length: number, maxTicks: number): number[] {
  if (length <= 0 || maxTicks < 1) return [];
  for (let decade = 1; ; decade *= 10) {
    const spacing = [1, 2, 5].map((m) => m * decade).find((s) => Math.ceil(length / s) <= maxTicks);
    if (spacing !== undefined) return Array.from({ length: Math.ceil(length / spacing) }, (_, i) => i * spacing);
  }
}

/** The cell under a point given as fractions of the plot's width and height, or null outside it. */
export function cellAt(
  fractionX: number,
  fractionY: number,
  heatmap: Pick<Heatmap, "rows" | "columns">,
): { row: number; column: number } | null {
  if (!(fractionX >= 0 && fractionX < 1 && fractionY >= 0 && fractionY < 1)) return null;
  if (heatmap.rows === 0 || heatmap.columns === 0) return null;
  return { row: Math.floor(fractionY * heatmap.rows), column: Math.floor(fractionX * heatmap.columns) };
}

/** A gradient norm for the hover read-out: 3 significant digits in exponent form (norms span many decades). */
export function formatNorm(norm: number): string {
  return norm === 0 ? "0" : norm.toExponential(2);
}

/** A log10 value for the legend: one decimal (−7.3 means a norm of about 5e-8). */
export function formatLog10(value: number): string {
  return value.toFixed(1);
}
