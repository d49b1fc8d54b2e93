import type { SweepMetric } from "@seqlab/contracts";
import { compareMetric, isRankable } from "./metric-order";
import type { RungStepsOf } from "./steps-spent";
import type { TrialState } from "./sweep-snapshot";

/** A sweep's best trial and the result it is judged by. */
export interface BestTrial<T> {
  trial: T;
  /** The metric at the end of its last reported rung. */
  value: number;
  /** The total steps of that rung. */
  steps: number;
}

/**
 * The best trial for reporting. Trials are compared only at the same training length, since a metric after 10 steps
 * says little next to one after 1000: among the trials whose last rankable result came at the most steps any trial
 * reached, the best under `goal`, ties to the lower trial number. Undefined when no trial has a rankable result.
 */
export function bestTrial<T extends Pick<TrialState, "trialNumber" | "bracket" | "results">>(
  trials: readonly T[],
  rungs: RungStepsOf,
  goal: SweepMetric["goal"],
): BestTrial<T> | undefined {
  let best: BestTrial<T> | undefined;
  for (const trial of trials) {
    const ladder = typeof rungs === "function" ? rungs(trial) : rungs;
    const last = trial.results.findLastIndex(isRankable);
    if (last < 0) continue;
    const candidate = { trial, value: trial.results[last]!, steps: ladder[last]! };
    const better =
      best === undefined ||
      candidate.steps > best.steps ||
      (candidate.steps === best.steps &&
        (compareMetric(candidate.value, best.value, goal) < 0 ||
          (candidate.value === best.value && trial.trialNumber < best.trial.trialNumber)));
    if (better) best = candidate;
  }
  return best;
}
