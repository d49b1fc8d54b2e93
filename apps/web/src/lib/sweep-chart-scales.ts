/*
 * The axes of the sweep page's two small SVG charts (best so far, rungs): data values to pixels, with tick values.
 * Pure, so the geometry is tested without a browser.
 */
import { niceTicks } from "./compare-math";

/** One axis: where a value lies in pixels, and the values to label. */
export interface AxisScale {
  /** The pixel of `value` (outside the range for a value outside the domain; NaN for a non-positive one on a log axis). */
  at(value: number): number;
  /** Values to draw a tick and a label at, inside the domain. */
  ticks: number[];
  /** The domain, the values at the two ends of the pixel range. */
  domain: [number, number];
  log: boolean;
}

/** Share of the log span left empty at each end, so the outermost dots do not sit on the chart's frame. */
const LOG_PAD = 0.06;
/** The narrowest log domain, a factor of two: one rung (no scheduler) is drawn mid-axis, not on a zero-width axis. */
const MIN_LOG_SPAN = Math.log10(2);

/** The finite values, or those above 0 when `positive`. */
function usable(values: readonly number[], positive: boolean): number[] {
  return values.filter((v) => Number.isFinite(v) && (!positive || v > 0));
}

/**
 * A linear axis over `values` onto pixels `range` ([start, end]; give [bottom, top] for a y axis so larger values go
 * up), widened to round ticks (compare-math's niceTicks); one value gets a small range around itself, and no value
 * the domain [0, 1].
 */
export function linearAxis(values: readonly number[], range: readonly [number, number]): AxisScale {
  const finite = usable(values, false);
  let lo = finite.length > 0 ? Math.min(...finite) : 0;
  let hi = finite.length > 0 ? Math.max(...finite) : 1;
  if (lo === hi) {
    // As the parallel-coordinates axes do: a tenth of the value either side (or 1 around 0).
    const pad = lo === 0 ? 1 : Math.abs(lo) / 10;
    lo -= pad;
    hi += pad;
  }
  const ticks = niceTicks(lo, hi);
  const domain: [number, number] = [ticks[0] ?? lo, ticks[ticks.length - 1] ?? hi];
  const [a, b] = range;
  const span = domain[1] - domain[0];
  return { at: (v) => a + ((v - domain[0]) / span) * (b - a), ticks, domain, log: false };
}

/**
 * A log-10 axis over the positive `values` onto pixels `range`, padded a little at both ends. Ticks are `ticks`
 * where given (the rung chart labels its rungs' step counts), else the powers of ten inside the domain.
 */
export function logAxis(
  values: readonly number[],
  range: readonly [number, number],
  ticks?: readonly number[],
): AxisScale {
  const positive = usable(values, true);
  let lo = positive.length > 0 ? Math.log10(Math.min(...positive)) : 0;
  let hi = positive.length > 0 ? Math.log10(Math.max(...positive)) : 1;
  if (hi - lo < MIN_LOG_SPAN) {
    const mid = (lo + hi) / 2;
    lo = mid - MIN_LOG_SPAN / 2;
    hi = mid + MIN_LOG_SPAN / 2;
  }
  const pad = (hi - lo) * LOG_PAD;
  lo -= pad;
  hi += pad;
  const domain: [number, number] = [10 ** lo, 10 ** hi];
  const inside = (v: number) => v > 0 && v >= domain[0] && v <= domain[1];
  const chosen = ticks
    ? [...new Set(ticks)].filter(inside).sort((x, y) => x - y)
    : Array.from({ length: Math.floor(hi) - Math.ceil(lo) + 1 }, (_, i) => 10 ** (Math.ceil(lo) + i));
  const [a, b] = range;
  return {
    at: (v) => (v > 0 ? a + ((Math.log10(v) - lo) / (hi - lo)) * (b - a) : Number.NaN),
    ticks: chosen,
    domain,
    log: true,
  };
}
