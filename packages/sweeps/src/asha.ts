import { compareMetric, isRankable } from "./metric-order";
import { bracketOfTrial } from "./rungs";
import { trialCount } from "./search-space";
import { stepsSpent } from "./steps-spent";
import {
  applySweepAction,
  schedulerBrackets,
  trialRungSteps,
  type SweepAction,
  type SweepSnapshot,
  type TrialState,
} from "./sweep-snapshot";

/** Whether a trial holds a worker slot: it is waiting in the queue or training. */
function isActive(trial: TrialState): boolean {
  return trial.status === "QUEUED" || trial.status === "RUNNING";
}

/**
 * Whether a trial finished rung k: it was promoted past it, or it stopped there (PAUSED, COMPLETED), or it reported
 * there before it was cancelled. A trial that FAILED on its way to rung k did not finish it.
 */
function finishedRung(trial: TrialState, k: number): boolean {
  return (
    trial.rung > k ||
    (trial.rung === k && (trial.status === "PAUSED" || trial.status === "COMPLETED" || trial.results[k] !== undefined))
  );
}

/** A promotion ASHA could make, with what orders it against the others. */
interface Candidate {
  action: Extract<SweepAction, { kind: "promote" }>;
  /** Its rung's position on the common ladder (bracket + rung): the same steps in every bracket. */
  level: number;
  value: number;
  /** Steps it adds under resume accounting, for the step budget. */
  cost: number;
}

/**
 * ASHA's promotable trials across all brackets (Li et al. 2020, Algorithm 2, get_job): in each bracket and rung k
 * below its last, the PAUSED trials at k that are in the top ⌊n_k/η⌋ of the n_k trials that finished k (those promoted
 * past it included) with a rankable result. Best first: the highest rung, then the best metric, then the lower trial
 * number.
 */
function promotionCandidates(
  snapshot: SweepSnapshot,
  brackets: readonly (readonly number[])[],
  eta: number,
): Candidate[] {
  const { goal } = snapshot.definition.metric;
  const candidates: Candidate[] = [];
  brackets.forEach((rungs, bracket) => {
    const members = snapshot.trials.filter((trial) => trial.bracket === bracket);
    for (let k = 0; k < rungs.length - 1; k++) {
      const finished = members
        .filter((trial) => finishedRung(trial, k))
        .sort((a, b) => compareMetric(a.results[k], b.results[k], goal) || a.trialNumber - b.trialNumber);
      for (const trial of finished.slice(0, Math.floor(finished.length / eta))) {
        const value = trial.results[k];
        if (trial.status !== "PAUSED" || trial.rung !== k || !isRankable(value)) continue;
        candidates.push({
          action: { kind: "promote", trialNumber: trial.trialNumber, toRung: k + 1, steps: rungs[k + 1]! },
          level: bracket + k,
          value,
          cost: rungs[k + 1]! - rungs[k]!,
        });
      }
    }
  });
  return candidates.sort(
    (a, b) => b.level - a.level || compareMetric(a.value, b.value, goal) || a.action.trialNumber - b.action.trialNumber,
  );
}

/**
 * What to do now, as a pure function of the snapshot: calling it twice on one snapshot gives the same actions, and
 * once they are applied (applySweepAction) none is repeated.
 *
 * Each free slot (maxConcurrent − QUEUED − RUNNING) takes the first of: the best promotion (see above) across all
 * brackets; a new trial, numbered trialsCreated, while fewer than trialCount exist, in bracket
 * bracketOfTrial(trialNumber, brackets) (round-robin). Stragglers are never waited for: a trial is promoted as soon
 * as it ranks in its rung's top ⌊n_k/η⌋, and a rung with too few results yet lets a new trial start instead. A PAUSED
 * trial that never ranks there simply stays PAUSED; it is finished for reporting. A NaN or missing result ranks last
 * and is never promoted; a FAILED trial is finished without a result.
 *
 * The step budget (limits.stepBudget) is a hard cap, counted as stepsSpent(…, "resume") including the steps
 * committed to QUEUED and RUNNING trials: an action that would take the total past it is skipped, and a cheaper one
 * that fits may be taken instead (a lower rung's promotion); new trials start in number order, so one that does not
 * fit stops the starts.
 *
 * Under scheduler "none" every trial has one rung, its training.steps, and nothing is promoted.
 *
 * Returns [{ kind: "complete" }] exactly when no trial is QUEUED or RUNNING and nothing can be started or promoted.
 */
export function nextActions(snapshot: SweepSnapshot): SweepAction[] {
  const { definition } = snapshot;
  const { scheduler, limits } = definition;
  const brackets = schedulerBrackets(scheduler);
  const eta = scheduler.kind === "none" ? Infinity : scheduler.eta;
  const total = trialCount(definition);
  const budget = limits.stepBudget ?? Infinity;
  const rungsOf = (trial: Pick<TrialState, "trialNumber" | "bracket">) => trialRungSteps(definition, trial);

  let state = snapshot;
  let spent = stepsSpent(state.trials, rungsOf, "resume");
  let active = state.trials.filter(isActive).length;
  const actions: SweepAction[] = [];
  while (active < limits.maxConcurrent) {
    let action: SweepAction | undefined;
    let cost = 0;
    const promotion =
      brackets === null ? undefined : promotionCandidates(state, brackets, eta).find((c) => spent + c.cost <= budget);
    if (promotion !== undefined) {
      [action, cost] = [promotion.action, promotion.cost];
    } else if (state.trialsCreated < total) {
      const trialNumber = state.trialsCreated;
      const bracket = brackets === null ? 0 : bracketOfTrial(trialNumber, brackets.length);
      const steps = rungsOf({ trialNumber, bracket })[0]!;
      if (spent + steps <= budget) [action, cost] = [{ kind: "start", trialNumber, bracket, steps }, steps];
    }
    if (action === undefined) break;
    actions.push(action);
    state = applySweepAction(state, action);
    spent += cost;
    active += 1;
  }
  if (actions.length === 0 && active === 0) return [{ kind: "complete" }];
  return actions;
}
