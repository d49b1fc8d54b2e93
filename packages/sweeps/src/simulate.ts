import type { TrialParameters } from "@seqlab/contracts";
import { nextActions } from "./asha";
import { bestTrial } from "./best-trial";
import { trialParameters } from "./search-space";
import { stepsSpent } from "./steps-spent";
import {
  applySweepAction,
  markTrial,
  recordTrialResult,
  trialRungSteps,
  type SweepPlan,
  type SweepSnapshot,
  type TrialState,
} from "./sweep-snapshot";

/** What a simulated sweep runs on. */
export interface SimulationArgs {
  definition: SweepPlan;
  /** The metric a trial with `params` reports after `steps` total steps. */
  objective(params: TrialParameters, steps: number): number;
  /** Fake-clock time one step takes (default 1 for every trial); vary it to make results arrive out of order. */
  durationPerStep?(params: TrialParameters): number;
  /** Whether the trial fails on its way to `rung` instead of reporting; default never. */
  fails?(trialNumber: number, rung: number): boolean;
}

/** One thing that happened, at a fake-clock time. */
export type SimulationEvent =
  | { time: number; kind: "start"; trialNumber: number; bracket: number; steps: number }
  | { time: number; kind: "promote"; trialNumber: number; toRung: number; steps: number }
  | { time: number; kind: "report"; trialNumber: number; rung: number; steps: number; value: number }
  | { time: number; kind: "fail"; trialNumber: number; rung: number }
  | { time: number; kind: "complete" };

/** A trial at the end of a simulation, with its parameters and the steps of its rungs. */
export interface SimulatedTrial extends TrialState {
  params: TrialParameters;
  rungSteps: readonly number[];
}

/** What a simulated sweep did. */
export interface SimulationResult {
  trials: SimulatedTrial[];
  /** The best trial's number and metric as bestTrial judges them; undefined when no trial reported a number. */
  bestTrial: number | undefined;
  bestMetric: number | undefined;
  /** Steps spent when promotions resume from checkpoints, and what they would be if each restarted from scratch. */
  stepsSpent: { resume: number; restart: number };
  events: SimulationEvent[];
  /** Fake-clock time at which the sweep completed. */
  duration: number;
}

/** A trial training on a simulated worker. */
interface Job {
  trialNumber: number;
  finishAt: number;
}

/**
 * Runs a sweep to completion on a fake clock, deterministically: every action nextActions returns starts at once (as
 * if a worker were always free for it), a promoted trial trains only its new steps (resume), and the clock jumps to
 * the next job to finish (ties to the lower trial number), which reports before nextActions is asked again.
 */
export function simulateSweep({
  definition,
  objective,
  durationPerStep = () => 1,
  fails = () => false,
}: SimulationArgs): SimulationResult {
  let snapshot: SweepSnapshot = { definition, trials: [], trialsCreated: 0 };
  const params = new Map<number, TrialParameters>();
  const jobs: Job[] = [];
  const events: SimulationEvent[] = [];
  let time = 0;
  const paramsOf = (trialNumber: number) => params.get(trialNumber)!;
  const trialOf = (trialNumber: number) => snapshot.trials.find((t) => t.trialNumber === trialNumber)!;

  // Each round ends one job, a trial runs one job per rung, and a ladder up to 1e6 steps has at most 21 rungs.
  const maxRounds = definition.limits.maxTrials * 32 + 16;
  for (let round = 0; ; round++) {
    if (round > maxRounds) throw new Error("the simulated sweep did not complete");
    const actions = nextActions(snapshot);
    if (actions.some((action) => action.kind === "complete")) {
      events.push({ time, kind: "complete" });
      break;
    }
    for (const action of actions) {
      if (action.kind === "complete") continue;
      const before =
        action.kind === "start" ? 0 : trialRungSteps(definition, trialOf(action.trialNumber))[action.toRung - 1]!;
      snapshot = applySweepAction(snapshot, action);
      if (action.kind === "start") {
        params.set(action.trialNumber, trialParameters(definition, action.trialNumber)!);
        events.push({
          time,
          kind: "start",
          trialNumber: action.trialNumber,
          bracket: action.bracket,
          steps: action.steps,
        });
      } else {
        events.push({
          time,
          kind: "promote",
          trialNumber: action.trialNumber,
          toRung: action.toRung,
          steps: action.steps,
        });
      }
      snapshot = markTrial(snapshot, action.trialNumber, "RUNNING");
      const duration = (action.steps - before) * durationPerStep(paramsOf(action.trialNumber));
      jobs.push({ trialNumber: action.trialNumber, finishAt: time + duration });
    }
    if (jobs.length === 0) throw new Error("nextActions left nothing running without completing the sweep");
    jobs.sort((a, b) => a.finishAt - b.finishAt || a.trialNumber - b.trialNumber);
    const job = jobs.shift()!;
    time = job.finishAt;
    const trial = trialOf(job.trialNumber);
    if (fails(trial.trialNumber, trial.rung)) {
      snapshot = markTrial(snapshot, trial.trialNumber, "FAILED");
      events.push({ time, kind: "fail", trialNumber: trial.trialNumber, rung: trial.rung });
    } else {
      const steps = trialRungSteps(definition, trial)[trial.rung]!;
      const value = objective(paramsOf(trial.trialNumber), steps);
      snapshot = recordTrialResult(snapshot, trial.trialNumber, value);
      events.push({ time, kind: "report", trialNumber: trial.trialNumber, rung: trial.rung, steps, value });
    }
  }

  const rungsOf = (trial: Pick<TrialState, "trialNumber" | "bracket">) => trialRungSteps(definition, trial);
  const trials = snapshot.trials.map((trial) => ({
    ...trial,
    params: paramsOf(trial.trialNumber),
    rungSteps: rungsOf(trial),
  }));
  const best = bestTrial(trials, rungsOf, definition.metric.goal);
  return {
    trials,
    bestTrial: best?.trial.trialNumber,
    bestMetric: best?.value,
    stepsSpent: { resume: stepsSpent(trials, rungsOf, "resume"), restart: stepsSpent(trials, rungsOf, "restart") },
    events,
    duration: time,
  };
}
