import type { TrialState } from "./sweep-snapshot";

/** The rung steps of every trial (one ladder for all), or of each trial (Hyperband brackets, "none" per trial). */
export type RungStepsOf =
  readonly number[] | ((trial: Pick<TrialState, "trialNumber" | "bracket">) => readonly number[]);

/**
 * Total optimiser steps of the trials, counting each trial to its current rung k — the steps it reached (PAUSED,
 * COMPLETED) or is committed to (QUEUED, RUNNING). A FAILED or CANCELLED trial is charged its rung's full steps: the
 * controller does not know how far it got, and an upper bound keeps a step budget safe.
 *
 * "resume": a promoted trial continues from its checkpoint, so reaching rung k costs rungs[k].
 * "restart": a promoted trial trains again from scratch, so it costs rungs[0] + … + rungs[k].
 */
export function stepsSpent(
  trials: readonly Pick<TrialState, "trialNumber" | "bracket" | "rung">[],
  rungs: RungStepsOf,
  mode: "resume" | "restart",
): number {
  let total = 0;
  for (const trial of trials) {
    const ladder = typeof rungs === "function" ? rungs(trial) : rungs;
    if (!Number.isInteger(trial.rung) || trial.rung < 0 || trial.rung >= ladder.length) {
      throw new RangeError(`trial ${trial.trialNumber} is at rung ${trial.rung}, but its ladder has ${ladder.length}`);
    }
    total += mode === "resume" ? ladder[trial.rung]! : ladder.slice(0, trial.rung + 1).reduce((a, b) => a + b, 0);
  }
  return total;
}
