import type { SweepMetric } from "@seqlab/contracts";

/** Whether a metric value can be ranked: NaN (a diverged run) and a missing value cannot, and rank last. */
export function isRankable(value: number | undefined): value is number {
  return value !== undefined && !Number.isNaN(value);
}

/**
 * Sort order of two metric values, best first under `goal`; NaN and undefined rank last (equal to each other).
 * Infinities rank as numbers: an infinite loss is the worst loss, not an unknown one.
 */
export function compareMetric(a: number | undefined, b: number | undefined, goal: SweepMetric["goal"]): number {
  if (!isRankable(a)) return isRankable(b) ? 1 : 0;
  if (!isRankable(b)) return -1;
  if (a === b) return 0;
  return (goal === "minimize" ? a < b : a > b) ? -1 : 1;
}
