import type { SweepDefinition } from "@seqlab/contracts";
import { ashaRungs, hyperbandBrackets } from "./rungs";
import { trialParameters } from "./search-space";

/** A trial's lifecycle, as its run's status maps onto it; PAUSED means stopped at a rung with its checkpoint. */
export type TrialStatus = "QUEUED" | "RUNNING" | "PAUSED" | "COMPLETED" | "FAILED" | "CANCELLED";

/** What the scheduler knows of one trial. */
export interface TrialState {
  /** 0, 1, 2 ... in creation order; its parameters are trialParameters(definition, trialNumber). */
  readonly trialNumber: number;
  /** Its Hyperband bracket (0 under ASHA and "none"). */
  readonly bracket: number;
  /** Index in its bracket's rungs of the rung it trains to (QUEUED, RUNNING) or has reached (PAUSED, COMPLETED). */
  readonly rung: number;
  readonly status: TrialStatus;
  /** The metric at the end of rung i, once reported; NaN when the run logged a non-number. */
  readonly results: readonly (number | undefined)[];
}

/** The parts of a definition the scheduler reads. */
export type SweepPlan = Pick<
  SweepDefinition,
  "method" | "parameters" | "seed" | "base" | "scheduler" | "metric" | "limits"
>;

/** Everything `nextActions` decides from: the definition and every trial created so far. */
export interface SweepSnapshot {
  readonly definition: SweepPlan;
  readonly trials: readonly TrialState[];
  /** How many trials were created; the next one gets this number. */
  readonly trialsCreated: number;
}

/**
 * What the controller should do next. "start": create trial `trialNumber` with trialParameters(definition,
 * trialNumber) in `bracket`, training `steps`. "promote": resume a PAUSED trial from its checkpoint with
 * `training.steps` set to `steps` (the new total, not an increment) to reach rung `toRung`. "complete": nothing is
 * running and nothing more can start; the sweep is done.
 */
export type SweepAction =
  | { kind: "promote"; trialNumber: number; toRung: number; steps: number }
  | { kind: "start"; trialNumber: number; bracket: number; steps: number }
  | { kind: "complete" };

/**
 * The steps of each bracket's rungs under a scheduler: [ashaRungs] for ASHA, hyperbandBrackets for Hyperband; null
 * for "none", whose trials have one rung of their own steps.
 */
export function schedulerBrackets(scheduler: SweepPlan["scheduler"]): number[][] | null {
  if (scheduler.kind === "none") return null;
  return scheduler.kind === "asha" ? [ashaRungs(scheduler)] : hyperbandBrackets(scheduler);
}

/**
 * The total steps of each rung of a trial: its bracket's rungs under a scheduler; under "none", one rung of its
 * own "training.steps" parameter, or base.training.steps when that is not swept.
 */
export function trialRungSteps(definition: SweepPlan, trial: Pick<TrialState, "trialNumber" | "bracket">): number[] {
  const brackets = schedulerBrackets(definition.scheduler);
  if (brackets !== null) {
    const rungs = brackets[trial.bracket];
    if (rungs === undefined)
      throw new RangeError(`trial ${trial.trialNumber} is in bracket ${trial.bracket}, which does not exist`);
    return rungs;
  }
  const swept = trialParameters(definition, trial.trialNumber)?.["training.steps"];
  return [typeof swept === "number" ? swept : definition.base.training.steps];
}

function replaceTrial(
  snapshot: SweepSnapshot,
  trialNumber: number,
  change: (trial: TrialState) => TrialState,
): SweepSnapshot {
  const index = snapshot.trials.findIndex((trial) => trial.trialNumber === trialNumber);
  if (index < 0) throw new RangeError(`no trial ${trialNumber} in the snapshot`);
  const trials = [...snapshot.trials];
  trials[index] = change(trials[index]!);
  return { ...snapshot, trials };
}

/**
 * The snapshot after the controller carried out `action`: a started trial is QUEUED at rung 0, a promoted one QUEUED
 * at `toRung`. Throws a RangeError for an action the snapshot does not allow (a start out of turn, a promotion of a
 * trial that is not PAUSED one rung below).
 */
export function applySweepAction(snapshot: SweepSnapshot, action: SweepAction): SweepSnapshot {
  if (action.kind === "complete") return snapshot;
  if (action.kind === "start") {
    if (action.trialNumber !== snapshot.trialsCreated) {
      throw new RangeError(`trial ${action.trialNumber} started out of turn: the next is ${snapshot.trialsCreated}`);
    }
    const trial: TrialState = {
      trialNumber: action.trialNumber,
      bracket: action.bracket,
      rung: 0,
      status: "QUEUED",
      results: [],
    };
    return { ...snapshot, trials: [...snapshot.trials, trial], trialsCreated: snapshot.trialsCreated + 1 };
  }
  return replaceTrial(snapshot, action.trialNumber, (trial) => {
    if (trial.status !== "PAUSED" || trial.rung !== action.toRung - 1) {
      throw new RangeError(
        `trial ${trial.trialNumber} is ${trial.status} at rung ${trial.rung}: it cannot go to rung ${action.toRung}`,
      );
    }
    return { ...trial, rung: action.toRung, status: "QUEUED" };
  });
}

/** The snapshot after a QUEUED or RUNNING trial reported `value` at its rung: PAUSED there, COMPLETED at its last. */
export function recordTrialResult(snapshot: SweepSnapshot, trialNumber: number, value: number): SweepSnapshot {
  return replaceTrial(snapshot, trialNumber, (trial) => {
    if (trial.status !== "QUEUED" && trial.status !== "RUNNING") {
      throw new RangeError(`trial ${trialNumber} is ${trial.status}: it has no rung in progress to report`);
    }
    const results = [...trial.results];
    results[trial.rung] = value;
    const last = trialRungSteps(snapshot.definition, trial).length - 1;
    return { ...trial, results, status: trial.rung >= last ? "COMPLETED" : "PAUSED" };
  });
}

/** The snapshot with one trial's status set (RUNNING when a worker takes it; FAILED or CANCELLED when it ends so). */
export function markTrial(
  snapshot: SweepSnapshot,
  trialNumber: number,
  status: Extract<TrialStatus, "RUNNING" | "FAILED" | "CANCELLED">,
): SweepSnapshot {
  return replaceTrial(snapshot, trialNumber, (trial) => ({ ...trial, status }));
}
