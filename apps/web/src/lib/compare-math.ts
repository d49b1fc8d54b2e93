// The numbers behind the run comparison page: stable run colours, config flattening and diffs, group means across
// runs, deltas against a baseline and the scales of the parallel-coordinates plot.
// Pure functions (no React, no DOM), so they are tested without a browser.

import {
  mergeBuckets,
  type MetricSummary,
  type SeriesBucket,
  type SummaryAggregate,
  TRAIN_LOSS_KEY,
} from "@seqlab/contracts";
import type { ChartSeries } from "./chart-math";

/** Runs one comparison shows: 20 lines per chart is already hard to tell apart, and it is the palette's size. */
export const MAX_COMPARE_RUNS = 20;

/** Buckets per series in compare's charts (the page reads them with the runs; zooms re-fetch at this count). */
export const COMPARE_CHART_BUCKETS = 1000;

/**
 * Run colours: 20 hues that read on white, ordered so neighbours differ in hue and lightness. A run's colour is a
 * hash of its id into this list, so with many runs two of them can share a colour; the legend tells them apart.
 */
export const RUN_COLORS: readonly string[] = [
  "#3b5bdb", // indigo
  "#e8590c", // orange
  "#2b8a3e", // green
  "#ae3ec9", // purple
  "#c92a2a", // red
  "#1098ad", // cyan
  "#f59f00", // amber
  "#d6336c", // pink
  "#0ca678", // teal
  "#5f3dc4", // violet
  "#74b816", // lime
  "#9a6324", // brown
  "#000075", // navy
  "#808000", // olive
  "#800000", // maroon
  "#495057", // grey
  "#4dabf7", // sky
  "#f783ac", // light pink
  "#9775fa", // lavender
  "#51cf66", // light green
];

/**
 * A 32-bit hash of a string: FNV-1a over its UTF-16 code units, then MurmurHash3's finaliser, so ids that differ
 * only in their last character (ids made in the same millisecond) still land far apart.
 */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A run's colour: a function of its id alone, so it is the same on every page and whichever runs sit beside it. */
export function runColor(id: string): string {
  return RUN_COLORS[hashString(id) % RUN_COLORS.length]!;
}

/**
 * Colours of a selection of runs, none shared while there are no more runs than colours: each run gets its own
 * `runColor` unless a run earlier in id order took it, then the next free one after it. Deterministic (ids sorted),
 * so a selection looks the same on every load, and a run keeps its colour whenever its own is free.
 */
export function runColors(ids: readonly string[]): string[] {
  const taken = new Map<string, string>();
  const used = new Set<string>();
  for (const id of [...new Set(ids)].sort()) {
    let index = hashString(id) % RUN_COLORS.length;
    for (let probe = 0; probe < RUN_COLORS.length && used.has(RUN_COLORS[index]!); probe++) {
      index = (index + 1) % RUN_COLORS.length;
    }
    const color = RUN_COLORS[index]!;
    used.add(color);
    if (used.size >= RUN_COLORS.length) used.clear();
    taken.set(id, color);
  }
  return ids.map((id) => taken.get(id)!);
}

/** `#rrggbb` (or `#rgb`) mixed towards black by `amount` (0 to 1); any other colour comes back unchanged. */
export function shade(color: string, amount: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!hex) return color;
  const digits = hex[1]!.length === 3 ? [...hex[1]!].map((d) => d + d) : hex[1]!.match(/../g)!;
  const keep = 1 - Math.min(Math.max(amount, 0), 1);
  return `#${digits
    .map((d) =>
      Math.round(parseInt(d, 16) * keep)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

/**
 * Legend labels for runs: the name, with the id's last six characters added where two runs share a name, so the
 * chart legends and tables never show two identical labels.
 */
export function runLabels(runs: readonly { id: string; name: string }[]): string[] {
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  return runs.map((r) => ((count.get(r.name) ?? 0) > 1 ? `${r.name} (${r.id.slice(-6)})` : r.name));
}

// ---------------------------------------------------------------------------------------------------------------
// Config: flattening and the diff table.

/**
 * A run config as dotted leaf paths (`training.learningRate`), the spelling of `/api/runs/fields`. Objects are
 * walked; everything else is a leaf, arrays included (they are compared whole), and an empty object has no leaves,
 * as in the server's key list.
 */
export function flattenConfig(config: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (value: unknown, path: string) => {
    if (isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    } else if (path) {
      out.set(path, value);
    }
  };
  walk(config, "");
  return out;
}

/** Whether two config values are the same: primitives by value, arrays and objects by content (key order ignored). */
export function sameConfigValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );
}

/** A config value as a table shows it: strings bare, everything else as JSON; a missing key is an em dash. */
export function formatConfigValue(value: unknown): string {
  if (value === undefined) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** One row of the config diff: a key and each run's value (undefined where the run has no such key). */
export interface ConfigDiffRow {
  key: string;
  values: unknown[];
  /** Some run's value differs from another's (a missing key counts as a value). */
  differs: boolean;
}

/** The config diff of several runs' flattened configs: one row per key any of them has, sorted by key. */
export function configDiff(configs: readonly ReadonlyMap<string, unknown>[]): ConfigDiffRow[] {
  const keys = new Set<string>();
  for (const c of configs) for (const k of c.keys()) keys.add(k);
  return [...keys].sort().map((key) => {
    const values = configs.map((c) => c.get(key));
    const differs = values.some((v) => !sameConfigValue(v, values[0]));
    return { key, values, differs };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Series: one width for several runs, group means and the charts.

/** One run's buckets of one metric key, at the width the server cut them. */
export interface BucketedSeries {
  width: number;
  buckets: readonly SeriesBucket[];
}

/**
 * The width several series can all be shown at: the widest. The server caps a request's range at each run's own
 * last step, so a shorter run comes back in narrower buckets; widths are powers of two, so the widest is a multiple
 * of every other.
 */
export function commonWidth(series: readonly BucketedSeries[]): number {
  return series.reduce((w, s) => Math.max(w, s.width), 1);
}

/**
 * Buckets re-cut at a wider `width` (a multiple of the series' own): neighbours merge as the server would have
 * merged them (last from the later step, min and max combined, counts added). The buckets must be in order.
 */
export function rebucket(series: BucketedSeries, width: number): SeriesBucket[] {
  if (width <= series.width) return series.buckets.slice();
  const out: SeriesBucket[] = [];
  for (const b of series.buckets) {
    const bucket = Math.floor((b.bucket * series.width) / width);
    const tail = out[out.length - 1];
    if (tail && tail.bucket === bucket) out[out.length - 1] = mergeBuckets(tail, b, bucket);
    else out.push({ ...b, bucket });
  }
  return out;
}

/** A group of runs drawn as one line: the mean across them, and the band between the lowest and the highest. */
export interface GroupLine {
  /** The largest step any of the runs reached in each bucket: the line's x. */
  steps: number[];
  /** The mean wall time (ms) of the runs' points in each bucket. */
  wallTimes: number[];
  /** The mean of the runs' values in each bucket, over the runs with a finite value there. */
  mean: number[];
  /** The lowest run's value in each bucket. */
  min: number[];
  /** The highest run's value in each bucket. */
  max: number[];
  /** How many runs the mean is over, per bucket. */
  counts: number[];
}

/**
 * The mean, min and max across runs at each aligned bucket. Runs are aligned on buckets at their
 * {@link commonWidth}: where every run was cut at width 1 this is aligning on step values; wider buckets line up
 * even when the runs log different steps inside them (one every step, one every tenth). A run contributes where it
 * has a finite value, so a run that stopped early leaves the mean to the others from there on.
 */
export function groupLine(members: readonly BucketedSeries[]): GroupLine {
  const width = commonWidth(members);
  const rows = new Map<number, { step: number; wall: number; n: number; sum: number; min: number; max: number }>();
  for (const m of members) {
    for (const b of rebucket(m, width)) {
      const v = b.last;
      if (typeof v !== "number" || !Number.isFinite(v)) continue;
      const row = rows.get(b.bucket);
      if (!row) {
        rows.set(b.bucket, { step: b.step, wall: b.wallTime, n: 1, sum: v, min: v, max: v });
        continue;
      }
      row.step = Math.max(row.step, b.step);
      row.wall += b.wallTime;
      row.n += 1;
      row.sum += v;
      row.min = Math.min(row.min, v);
      row.max = Math.max(row.max, v);
    }
  }
  const line: GroupLine = { steps: [], wallTimes: [], mean: [], min: [], max: [], counts: [] };
  for (const bucket of [...rows.keys()].sort((a, b) => a - b)) {
    const row = rows.get(bucket)!;
    line.steps.push(row.step);
    line.wallTimes.push(row.wall / row.n);
    line.mean.push(row.sum / row.n);
    line.min.push(row.min);
    line.max.push(row.max);
    line.counts.push(row.n);
  }
  return line;
}

/** Charts group keys by metric name: "loss" and "val/loss" share a chart (as on the run page). */
export function chartNameOf(key: string): string {
  const parts = key.split("/");
  return parts.length > 1 && ["train", "val", "test"].includes(parts[0]!) ? parts.slice(1).join("/") : key;
}

/** A run's metrics as the comparison draws them. */
export interface RunMetrics {
  id: string;
  label: string;
  color: string;
  /** The server's bucket width for this run. */
  width: number;
  byKey: ReadonlyMap<string, readonly SeriesBucket[]>;
}

/**
 * Metric keys every run logged (`shared`, what gets charts) and those only some did (`partial`), sorted. Runs that
 * logged nothing yet (queued ones) are left out of the count, so they do not hide every chart.
 */
export function metricKeys(runs: readonly RunMetrics[]): { shared: string[]; partial: string[] } {
  const counts = new Map<string, number>();
  let logging = 0;
  for (const r of runs) {
    const keys = [...r.byKey].filter(([, buckets]) => buckets.length > 0).map(([key]) => key);
    if (keys.length > 0) logging += 1;
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const shared: string[] = [];
  const partial: string[] = [];
  for (const [key, n] of counts) (n === logging ? shared : partial).push(key);
  return { shared: shared.sort(), partial: partial.sort() };
}

/** One chart of the comparison. */
export interface CompareChart {
  title: string;
  series: ChartSeries[];
}

/** How much darker a chart's second key (val/loss beside loss) is drawn than the run's own colour. */
const SECOND_KEY_SHADE = 0.4;

/** Keys by chart title, "loss" first, then by title; within a chart the keys are sorted. */
function keysByChart(keys: readonly string[]): [string, string[]][] {
  const byTitle = new Map<string, string[]>();
  for (const key of [...keys].sort()) {
    const title = chartNameOf(key);
    byTitle.set(title, [...(byTitle.get(title) ?? []), key]);
  }
  return [...byTitle.entries()].sort(([a], [b]) => (a === "loss" ? -1 : b === "loss" ? 1 : a.localeCompare(b)));
}

/** The colour of a line of `key`, the `index`-th key of its chart: the run's or group's own, then darker. */
function keyColor(color: string, index: number): string {
  return index === 0 ? color : shade(color, SECOND_KEY_SHADE);
}

/**
 * One chart per metric name, one line per run and key, each run in its own colour (a chart's second key, such as
 * val/loss beside loss, a darker shade of it). The runs of one key are re-cut to their {@link commonWidth}, so
 * their points share x values and the hover legend shows every run at once.
 */
export function overlayCharts(runs: readonly RunMetrics[], keys: readonly string[]): CompareChart[] {
  return keysByChart(keys).map(([title, chartKeys]) => {
    const series: ChartSeries[] = [];
    chartKeys.forEach((key, keyIndex) => {
      const members = runs.filter((r) => (r.byKey.get(key)?.length ?? 0) > 0);
      const width = members.reduce((w, r) => Math.max(w, r.width), 1);
      for (const r of members) {
        const buckets = rebucket({ width: r.width, buckets: r.byKey.get(key)! }, width);
        series.push({
          id: `${r.id}:${key}`,
          label: chartKeys.length > 1 ? `${r.label} · ${key}` : r.label,
          color: keyColor(r.color, keyIndex),
          steps: buckets.map((b) => b.step),
          wallTimes: buckets.map((b) => b.wallTime),
          values: buckets.map((b) => b.last),
        });
      }
    });
    return { title, series };
  });
}

/** Runs that share a value of the group-by key. */
export interface RunGroup {
  /** The value as the legend shows it (see {@link formatConfigValue}). */
  value: string;
  runIds: string[];
  color: string;
}

/**
 * Runs grouped by their value of a flattened config key, in order of value (numbers numerically); runs without the
 * key form a last group whose value is "—". Groups take the palette's colours in that order: a handful of groups
 * then never share a colour, as hashed colours could.
 */
export function groupRuns(
  runs: readonly { id: string; config: ReadonlyMap<string, unknown> }[],
  key: string,
): RunGroup[] {
  const byValue = new Map<string, { raw: unknown; runIds: string[] }>();
  for (const r of runs) {
    const raw = r.config.get(key);
    const value = formatConfigValue(raw);
    const entry = byValue.get(value);
    if (entry) entry.runIds.push(r.id);
    else byValue.set(value, { raw, runIds: [r.id] });
  }
  const order = (a: unknown, b: unknown): number => {
    if (a === undefined || b === undefined) return a === undefined ? (b === undefined ? 0 : 1) : -1;
    if (typeof a === "number" && typeof b === "number") return a - b;
    return formatConfigValue(a).localeCompare(formatConfigValue(b));
  };
  return [...byValue.entries()]
    .sort(([, a], [, b]) => order(a.raw, b.raw))
    .map(([value, { runIds }], i) => ({ value, runIds, color: RUN_COLORS[i % RUN_COLORS.length]! }));
}

/**
 * One chart per metric name, one line per group and key: the mean of the group's runs with a band from the lowest
 * to the highest (see {@link groupLine}), labelled `<key>=<value> (n runs)` with n the runs that logged the key.
 */
export function groupCharts(
  runs: readonly RunMetrics[],
  groups: readonly RunGroup[],
  groupKey: string,
  keys: readonly string[],
): CompareChart[] {
  const byId = new Map(runs.map((r) => [r.id, r]));
  return keysByChart(keys).map(([title, chartKeys]) => {
    const series: ChartSeries[] = [];
    chartKeys.forEach((key, keyIndex) => {
      for (const g of groups) {
        const members: BucketedSeries[] = [];
        for (const id of g.runIds) {
          const r = byId.get(id);
          const buckets = r?.byKey.get(key);
          if (r && buckets && buckets.length > 0) members.push({ width: r.width, buckets });
        }
        if (members.length === 0) continue;
        const line = groupLine(members);
        const name = `${groupKey}=${g.value} (${members.length} ${members.length === 1 ? "run" : "runs"})`;
        series.push({
          id: `group:${g.value}:${key}`,
          label: chartKeys.length > 1 ? `${name} · ${key}` : name,
          color: keyColor(g.color, keyIndex),
          steps: line.steps,
          wallTimes: line.wallTimes,
          values: line.mean,
          min: line.min,
          max: line.max,
        });
      }
    });
    return { title, series };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Summary metrics against a baseline.

/** Words that mark a metric where lower is better; any other metric is taken as higher-is-better. */
const LOWER_IS_BETTER = /loss|error|cer|mse|bpc/i;

/** Whether lower values of a metric are better: its key contains loss, error, cer, mse or bpc (any case). */
export function lowerIsBetter(key: string): boolean {
  return LOWER_IS_BETTER.test(key);
}

/** A value against the baseline's. */
export interface SummaryDelta {
  /** value − baseline. */
  abs: number;
  /** The change in percent of |baseline|; null when the baseline is 0. */
  pct: number | null;
  /** Whether the change is an improvement; null when there is none (equal values, or a non-finite one). */
  better: boolean | null;
}

/** How `value` of metric `key` compares to the baseline's, by the {@link lowerIsBetter} rule. */
export function summaryDelta(key: string, value: number, baseline: number): SummaryDelta {
  const abs = value - baseline;
  const pct = baseline === 0 || !Number.isFinite(abs) ? null : (abs / Math.abs(baseline)) * 100;
  const better = abs === 0 || !Number.isFinite(abs) ? null : lowerIsBetter(key) ? abs < 0 : abs > 0;
  return { abs, pct, better };
}

/** Keys every run has a summary of, sorted (the training loss first); runs with no summary at all (queued ones) do not count. */
export function sharedSummaryKeys(summaries: readonly (readonly MetricSummary[])[]): string[] {
  const logging = summaries.filter((list) => list.length > 0);
  const counts = new Map<string, number>();
  for (const list of logging)
    for (const key of new Set(list.map((s) => s.key))) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts.entries()]
    .filter(([, n]) => n === logging.length)
    .map(([key]) => key)
    .sort((a, b) => (a === TRAIN_LOSS_KEY ? -1 : b === TRAIN_LOSS_KEY ? 1 : a.localeCompare(b)));
}

/** One aggregate of a run's summary of `key`; null when the run has none (or every value was NaN). */
export function summaryValue(
  summaries: readonly MetricSummary[],
  key: string,
  aggregate: SummaryAggregate,
): number | null {
  const s = summaries.find((x) => x.key === key);
  if (!s) return null;
  const v = s[aggregate];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** A number in at most four significant digits; very large and very small ones in exponent form (`1e-4`). */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3)
    return v
      .toExponential(2)
      .replace(/\.?0+e/, "e")
      .replace("e+", "e");
  return String(Number(v.toPrecision(4)));
}

/** A delta as `+0.012 (+3.4%)`. */
export function formatDelta(d: SummaryDelta): string {
  const sign = (n: number) => (n > 0 ? "+" : n < 0 ? "-" : "±");
  const abs = `${sign(d.abs)}${formatNumber(Math.abs(d.abs))}`;
  return d.pct === null ? abs : `${abs} (${sign(d.pct)}${Math.abs(d.pct).toFixed(1)}%)`;
}

// ---------------------------------------------------------------------------------------------------------------
// Parallel coordinates: one axis per config key that differs, and the metric.

/** A vertical axis of the parallel-coordinates plot; positions run from 0 (bottom) to 1 (top). */
export type ParallelAxis =
  | {
      kind: "numeric";
      key: string;
      /** The domain, widened to round tick values. */
      min: number;
      max: number;
      /** Logarithmic: every value positive and spanning two decades or more (learning rates). */
      log: boolean;
      ticks: number[];
    }
  | { kind: "categorical"; key: string; categories: string[] };

/** A log axis is used from this ratio of the largest to the smallest value: two decades. */
const LOG_AXIS_RATIO = 100;
/** Tick count a linear axis aims at: readable on a 300-pixel axis. */
const AXIS_TICKS = 5;

/**
 * Round tick values covering [min, max], about `count` of them, 1, 2 or 5 times a power of ten apart; the first
 * is at or below `min` and the last at or above `max`.
 */
export function niceTicks(min: number, max: number, count = AXIS_TICKS): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  // Rounded to the step's decimals, so 0.1 * 3 shows as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toFixed(decimals)));
  return ticks;
}

/**
 * The axis for one key from every run's value (undefined: the run has none): numeric when each value present is a
 * finite number, categorical (the distinct values in order, evenly spaced) otherwise; null when no run has a value.
 */
export function parallelAxis(key: string, values: readonly unknown[]): ParallelAxis | null {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length === 0) return null;
  const numbers = present.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (numbers.length === present.length) {
    let lo = Math.min(...numbers);
    let hi = Math.max(...numbers);
    if (lo > 0 && hi / lo >= LOG_AXIS_RATIO) {
      const a = Math.floor(Math.log10(lo));
      const b = Math.ceil(Math.log10(hi));
      const ticks = Array.from({ length: b - a + 1 }, (_, i) => Number(`1e${a + i}`));
      return { kind: "numeric", key, min: ticks[0]!, max: ticks[ticks.length - 1]!, log: true, ticks };
    }
    if (lo === hi) {
      // One value: centre it on a small range around itself.
      const pad = lo === 0 ? 1 : Math.abs(lo) / 10;
      lo -= pad;
      hi += pad;
    }
    const ticks = niceTicks(lo, hi);
    return { kind: "numeric", key, min: ticks[0]!, max: ticks[ticks.length - 1]!, log: false, ticks };
  }
  const categories = [...new Set(present.map(formatConfigValue))].sort((a, b) =>
    a.localeCompare(b, undefined, { numeric: true }),
  );
  return { kind: "categorical", key, categories };
}

/** Where a value sits on an axis, 0 (bottom) to 1 (top); null for a missing value or one the axis cannot place. */
export function axisPosition(axis: ParallelAxis, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (axis.kind === "categorical") {
    const i = axis.categories.indexOf(formatConfigValue(value));
    if (i < 0) return null;
    return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
  }
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  if (axis.log) {
    if (value <= 0) return null;
    return (Math.log10(value) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min));
  }
  return axis.max === axis.min ? 0.5 : (value - axis.min) / (axis.max - axis.min);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
