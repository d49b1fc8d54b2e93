export { hashKey, mulberry32, seededRandom } from "./seeded-random";
export {
  axisValues,
  gridPoint,
  gridPoints,
  gridSize,
  randomTrialParameters,
  trialCount,
  trialParameters,
  type SearchPlan,
  type SweepParameters,
} from "./search-space";
export { applyTrialParameters } from "./apply-parameters";
export { ashaRungs, bracketOfTrial, hyperbandBrackets, type RungLadder } from "./rungs";
export {
  applySweepAction,
  markTrial,
  recordTrialResult,
  schedulerBrackets,
  trialRungSteps,
  type SweepAction,
  type SweepPlan,
  type SweepSnapshot,
  type TrialState,
  type TrialStatus,
} from "./sweep-snapshot";
export { compareMetric, isRankable } from "./metric-order";
export { stepsSpent, type RungStepsOf } from "./steps-spent";
export { bestTrial, type BestTrial } from "./best-trial";
export { nextActions } from "./asha";
export {
  simulateSweep,
  type SimulatedTrial,
  type SimulationArgs,
  type SimulationEvent,
  type SimulationResult,
} from "./simulate";
