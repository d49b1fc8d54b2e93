// The numbers behind the metric charts: smoothing, alignment on a shared x axis, CSV export and log-axis cleaning.
// Pure functions (no React, no DOM), so they are tested without a browser.

/** One line on a chart: a metric of one run, or a group of runs drawn as one line with a min–max band. */
export interface ChartSeries {
  /** Stable identity: the chart is re-created only when the set of ids changes. */
  id: string;
  /** Legend and CSV header text. */
  label: string;
  /** A CSS colour; `#rgb`, `#rrggbb` and `rgb()` also get a translucent variant for faint lines and bands. */
  color: string;
  /** Training steps, ascending, one per point. */
  steps: number[];
  /** Milliseconds since the epoch, one per point; points without one are left out on the time axes. */
  wallTimes: number[];
  /** The value at each point. */
  values: number[];
  /** Lower edge of the band at each point (a downsampled bucket's minimum, or the lowest run of a group). */
  min?: (number | null)[];
  /** Upper edge of the band at each point. */
  max?: (number | null)[];
}

/** What the x axis measures: the training step, the wall clock, or the time since each run started. */
export type XAxisMode = "step" | "wall" | "relative";

/** TensorBoard's slider stops at 0.999: at 1 the average would never move from its first point. */
const MAX_SMOOTHING = 0.999;

/**
 * TensorBoard's debiased exponential moving average: `last = last * w + (1 - w) * y; n++; out = last / (1 - w^n)`.
 * The division undoes the pull towards the initial 0, so the first points are not dragged down.
 * `weight` is clamped to [0, 0.999]; at 0 the input comes back as it is. A series whose finite values are all equal
 * comes back unchanged, as in TensorBoard (the division would otherwise show 0.9999999 for a constant 1).
 * Differs from TensorBoard: a null or non-finite value becomes null (a gap for uPlot) instead of passing through as
 * NaN; like there, it leaves the average and the count `n` untouched.
 */
export function debiasedEma(values: (number | null)[], weight: number): (number | null)[] {
  const w = Number.isFinite(weight) ? Math.min(Math.max(weight, 0), MAX_SMOOTHING) : 0;
  if (w === 0) return values.slice();
  const finite = values.filter(isFiniteNumber);
  const constant = finite.every((v) => v === finite[0]);
  let last = 0;
  let n = 0;
  return values.map((y) => {
    if (!isFiniteNumber(y)) return null;
    if (constant) return y;
    last = last * w + (1 - w) * y;
    n++;
    return last / (1 - w ** n);
  });
}

/** Where one input series landed in {@link AlignedChart.data}: column indexes (0 is the x column). */
export interface SeriesColumns {
  id: string;
  /** The raw values. */
  value: number;
  /** The smoothed values; absent when smoothing is 0. */
  smoothed?: number;
  /** The band's lower edge; absent when the series has no `min` and `max`. */
  min?: number;
  /** The band's upper edge; absent when the series has no `min` and `max`. */
  max?: number;
}

/** Columns in uPlot's `AlignedData` layout, plus where each series' columns are. */
export interface AlignedChart {
  /** The x values (sorted, no duplicates), then the y columns: null where a series has no point at that x. */
  data: [number[], ...(number | null)[][]];
  /** One entry per input series, in input order. Per series the columns are min, max, value, smoothed (those that exist), so the band is drawn under the lines. */
  columns: SeriesColumns[];
}

/**
 * Lays several series out on the union of their x values, the shape uPlot draws.
 * x is the step (`"step"`), the wall clock in seconds since the epoch (`"wall"`, what uPlot's time scale expects),
 * or seconds since the series' own first wall time (`"relative"`), so runs started at different times overlay.
 * `origin` (ms since the epoch), when given, is the start for every series on the relative axis instead: a series
 * fetched for a zoomed window does not begin at its run's start.
 * `smoothing` (default 0) adds a {@link debiasedEma} column per series, computed over the series' own points before
 * alignment, so another series' x values never count as steps. Two points of one series at the same x: the later wins.
 */
export function alignSeries(series: ChartSeries[], x: XAxisMode, origin?: number, smoothing = 0): AlignedChart {
  const xsPerSeries = series.map((s) => xValues(s, x, origin));
  const union = new Set<number>();
  for (const xs of xsPerSeries) for (const v of xs) if (v !== null) union.add(v);
  const xs = [...union].sort((a, b) => a - b);
  const rowOf = new Map(xs.map((v, i) => [v, i]));

  const data: [number[], ...(number | null)[][]] = [xs];
  const place = (seriesXs: (number | null)[], values: readonly (number | null | undefined)[]): number => {
    const column: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    seriesXs.forEach((v, i) => {
      if (v === null) return;
      const value = values[i];
      column[rowOf.get(v)!] = isFiniteNumber(value) ? value : null;
    });
    data.push(column);
    return data.length - 1;
  };

  const columns = series.map((s, i): SeriesColumns => {
    const seriesXs = xsPerSeries[i]!;
    const entry: SeriesColumns = { id: s.id, value: 0 };
    if (s.min && s.max) {
      entry.min = place(seriesXs, s.min);
      entry.max = place(seriesXs, s.max);
    }
    entry.value = place(seriesXs, s.values);
    if (smoothing > 0) entry.smoothed = place(seriesXs, debiasedEma(s.values, smoothing));
    return entry;
  });
  return { data, columns };
}

/** A series' x value per point on the given axis; null where the point has no usable x. */
function xValues(s: ChartSeries, x: XAxisMode, origin: number | undefined): (number | null)[] {
  if (x === "step") return s.steps.map((step) => (Number.isFinite(step) ? step : null));
  const walls = s.steps.map((_, i) => {
    const t = s.wallTimes[i];
    return isFiniteNumber(t) ? t : null;
  });
  if (x === "wall") return walls.map((t) => (t === null ? null : t / 1000));
  // A loop, not Math.min(...walls): spreading a long run's points overflows the call stack.
  let start = origin ?? Infinity;
  if (origin === undefined) for (const t of walls) if (t !== null && t < start) start = t;
  return walls.map((t) => (t === null ? null : (t - start) / 1000));
}

/** Column header of the x column in a CSV export, per axis. */
const CSV_X_HEADER: Record<XAxisMode, string> = {
  step: "step",
  wall: "wall_time",
  relative: "relative_time_s",
};

/**
 * The chart as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line break quoted and
 * quotes doubled). Columns: the x value (the step, an ISO 8601 wall time, or seconds since the run started), then
 * per series `<label>`, `<label> (smoothed)` when `smoothing` > 0, and `<label> (min)`, `<label> (max)` when the
 * series has a band. A series without a label is named after the chart's `title`. Values are the raw ones, before
 * any log-axis cleaning; an empty field is a missing point.
 */
export function toCsv(title: string, series: ChartSeries[], x: XAxisMode, smoothing = 0, origin?: number): string {
  const { data, columns } = alignSeries(series, x, origin, smoothing);
  const header = [CSV_X_HEADER[x]];
  const order: number[] = [];
  columns.forEach((c, i) => {
    const label = series[i]!.label || title;
    header.push(label);
    order.push(c.value);
    if (c.smoothed !== undefined) {
      header.push(`${label} (smoothed)`);
      order.push(c.smoothed);
    }
    if (c.min !== undefined && c.max !== undefined) {
      header.push(`${label} (min)`, `${label} (max)`);
      order.push(c.min, c.max);
    }
  });
  const lines = [header.map(csvText).join(",")];
  data[0].forEach((xValue, row) => {
    const cells = [x === "wall" ? new Date(xValue * 1000).toISOString() : String(xValue)];
    for (const column of order) {
      const v = data[column]![row];
      cells.push(v === null || v === undefined ? "" : String(v));
    }
    lines.push(cells.join(","));
  });
  return lines.join("\r\n") + "\r\n";
}

/**
 * A text field for CSV: quoted when RFC 4180 asks for it. A label that starts like a formula (= + - @) gets a
 * leading apostrophe, OWASP's advice against CSV injection: run names are user input and spreadsheets run formulas.
 */
function csvText(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Values a log axis can show: zero, negatives and non-finite values become null (gaps). */
export function logSafe(values: readonly (number | null)[]): (number | null)[] {
  return values.map((v) => (isFiniteNumber(v) && v > 0 ? v : null));
}

/** A compact duration for the relative-time axis: `45s`, `1.5s`, `1m30s`, `2h05m`, `3d04h`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "";
  const sign = seconds < 0 ? "-" : "";
  const s = Math.abs(seconds);
  const pad = (n: number) => String(n).padStart(2, "0");
  const short = Number(s.toFixed(s < 10 ? 2 : 1));
  if (short < 60) return `${sign}${short}s`;
  const total = Math.round(s);
  if (total < 3600) return `${sign}${Math.floor(total / 60)}m${pad(total % 60)}s`;
  const minutes = Math.round(s / 60);
  if (minutes < 24 * 60) return `${sign}${Math.floor(minutes / 60)}h${pad(minutes % 60)}m`;
  const hours = Math.round(s / 3600);
  return `${sign}${Math.floor(hours / 24)}d${pad(hours % 24)}h`;
}

/** `color` at the given opacity, for `#rgb`, `#rrggbb` and `rgb(r, g, b)`; any other colour comes back unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (hex) {
    const digits = hex[1]!.length === 3 ? [...hex[1]!].map((d) => d + d) : hex[1]!.match(/../g)!;
    const [r, g, b] = digits.map((d) => parseInt(d, 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(color.trim());
  if (rgb) return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})`;
  return color;
}

/** A download file name for a chart: characters that file systems refuse (`/`, `:`, ...) become `_`. */
export function fileNameOf(title: string, extension: string): string {
  const base = title.replace(/[/\\:*?"<>|\u0000-\u001f]/g, "_").trim() || "chart";
  return `${base}.${extension}`;
}

function isFiniteNumber(v: number | null | undefined): v is number {
  return typeof v === "number" && Number.isFinite(v);
}
