"use client";

import type { SweepMetric, SweepTrialView } from "@seqlab/contracts";
import { useState } from "react";
import { MAX_COMPARE_RUNS } from "../lib/compare-math";
import { compareRunsPath, type SweepPlace } from "../lib/sweep-paths";
import { topTrialIds } from "../lib/sweep-ranking";

/** How many of the best trials Compare opens by default: five lines per chart still read apart. */
const DEFAULT_TOP_K = 5;
/** The choices of k, up to the comparison page's cap. */
const TOP_K_CHOICES = [2, 3, 5, 10, MAX_COMPARE_RUNS].filter((k) => k <= MAX_COMPARE_RUNS);

/**
 * "Compare top k": opens the comparison page on the k trials with the best metric (fewer while fewer have one),
 * best first, so their curves and configs sit side by side.
 */
export function SweepCompareTop({
  trials,
  metric,
  place,
}: {
  trials: readonly Pick<SweepTrialView, "runId" | "trialNumber" | "metric">[];
  metric: SweepMetric;
  place: SweepPlace;
}) {
  const [k, setK] = useState(DEFAULT_TOP_K);
  const ids = topTrialIds(trials, metric.goal, k);
  return (
    <span className="row sweep-compare-top" style={{ gap: 6, alignItems: "center" }}>
      {ids.length > 0 ? (
        <a className="button secondary" href={compareRunsPath(place, ids)} data-testid="compare-top">
          Compare top {ids.length}
        </a>
      ) : (
        <button
          type="button"
          className="secondary"
          disabled
          data-testid="compare-top"
          title="No trial has a metric yet"
        >
          Compare top {k}
        </button>
      )}
      <select
        aria-label="How many of the best trials to compare"
        value={k}
        onChange={(e) => setK(Number(e.target.value))}
        data-testid="compare-top-k"
      >
        {TOP_K_CHOICES.map((n) => (
          <option key={n} value={n}>
            top {n}
          </option>
        ))}
      </select>
    </span>
  );
}
