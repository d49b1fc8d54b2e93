/*
 * Trials ranked by the sweep's metric: the table's sort, Compare top k, and the rank colours of the
 * parallel-coordinates plot all read one order, so "best" means the same thing everywhere on the sweep page.
 */
import type { SweepMetric, SweepTrialView } from "@seqlab/contracts";

/** The fields ranking reads from a trial. */
export type RankedTrial = Pick<SweepTrialView, "runId" | "trialNumber" | "metric">;

/** Whether a trial's metric can be ranked: a missing value (no rung finished yet) or NaN cannot, and ranks last. */
export function hasRankableMetric(metric: number | null): metric is number {
  return metric !== null && !Number.isNaN(metric);
}

/**
 * Sort order of two trials, best metric first under `goal`, unrankable ones last, ties (and unrankable pairs) by
 * trial number so the order is stable between polls. The order of @seqlab/sweeps' compareMetric, which the
 * controller promotes by.
 */
export function compareTrials(a: RankedTrial, b: RankedTrial, goal: SweepMetric["goal"]): number {
  const ma = a.metric;
  const mb = b.metric;
  if (hasRankableMetric(ma) && hasRankableMetric(mb)) {
    if (ma !== mb) return (goal === "minimize" ? ma < mb : ma > mb) ? -1 : 1;
  } else if (hasRankableMetric(ma) || hasRankableMetric(mb)) {
    return hasRankableMetric(ma) ? -1 : 1;
  }
  return a.trialNumber - b.trialNumber;
}

/** The trials best first (a sorted copy; see {@link compareTrials}). */
export function rankTrials<T extends RankedTrial>(trials: readonly T[], goal: SweepMetric["goal"]): T[] {
  return [...trials].sort((a, b) => compareTrials(a, b, goal));
}

/**
 * Run ids of the `k` best trials by their latest metric, best first; trials without a metric are never picked,
 * so fewer than `k` come back while few rungs have finished.
 */
export function topTrialIds(trials: readonly RankedTrial[], goal: SweepMetric["goal"], k: number): string[] {
  return rankTrials(
    trials.filter((t) => hasRankableMetric(t.metric)),
    goal,
  )
    .slice(0, Math.max(0, Math.floor(k)))
    .map((t) => t.runId);
}

/** How the trials table is sorted: by trial number (ascending), or by metric (best first); `reversed` flips it. */
export interface TrialSort {
  by: "trial" | "metric";
  reversed: boolean;
}

/**
 * The table's rows in `sort` order. Reversing the metric order shows the worst first, but trials without a metric
 * stay at the bottom either way: they are not worse, only not measured yet.
 */
export function sortTrials<T extends RankedTrial>(
  trials: readonly T[],
  sort: TrialSort,
  goal: SweepMetric["goal"],
): T[] {
  if (sort.by === "trial") {
    const sign = sort.reversed ? -1 : 1;
    return [...trials].sort((a, b) => sign * (a.trialNumber - b.trialNumber));
  }
  const ranked = trials.filter((t) => hasRankableMetric(t.metric));
  const unranked = trials.filter((t) => !hasRankableMetric(t.metric)).sort((a, b) => a.trialNumber - b.trialNumber);
  const flipped: SweepMetric["goal"] = goal === "minimize" ? "maximize" : "minimize";
  return [...rankTrials(ranked, sort.reversed ? flipped : goal), ...unranked];
}
