/*
 * Trial colours by rank: on a sweep's plots a line's colour says how good the trial is (as W&B's sweep plots do),
 * which a colour per run id cannot with hundreds of trials and twenty hues.
 */
import type { SweepMetric } from "@seqlab/contracts";
import { hasRankableMetric, rankTrials, type RankedTrial } from "./sweep-ranking";

/** The best trial's colour: the dashboard's accent indigo. */
export const BEST_TRIAL_COLOR = "#3b5bdb";
/** The worst ranked trial's colour: amber, far from indigo in hue and lightness, and apart for colour-blind eyes too. */
export const WORST_TRIAL_COLOR = "#f59f00";
/** A trial without a metric yet: the muted grey of the page's secondary text, lighter. */
export const UNRANKED_TRIAL_COLOR = "#adb5bd";

/** `#rrggbb` as its three channels. */
function channels(color: string): [number, number, number] {
  const n = parseInt(color.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** The colour `t` of the way from `from` to `to` (0 to 1, clamped), mixed channel by channel. */
export function mixColor(from: string, to: string, t: number): string {
  const f = channels(from);
  const g = channels(to);
  const u = Math.min(Math.max(t, 0), 1);
  return `#${f
    .map((c, i) =>
      Math.round(c + (g[i]! - c) * u)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

/**
 * Each trial's colour by run id: the best {@link BEST_TRIAL_COLOR}, the worst {@link WORST_TRIAL_COLOR}, the rest
 * evenly between them by rank (rank, not value, so one diverged outlier does not wash the others into one colour);
 * trials without a metric {@link UNRANKED_TRIAL_COLOR}.
 */
export function trialColors(trials: readonly RankedTrial[], goal: SweepMetric["goal"]): Map<string, string> {
  const out = new Map<string, string>();
  const ranked = rankTrials(
    trials.filter((t) => hasRankableMetric(t.metric)),
    goal,
  );
  ranked.forEach((t, i) => {
    out.set(t.runId, mixColor(BEST_TRIAL_COLOR, WORST_TRIAL_COLOR, ranked.length > 1 ? i / (ranked.length - 1) : 0));
  });
  for (const t of trials) if (!out.has(t.runId)) out.set(t.runId, UNRANKED_TRIAL_COLOR);
  return out;
}
