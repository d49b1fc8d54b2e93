import { z } from "zod";
import { RunStatus } from "./run";
import { SweepDefinition, SweepMetric, SweepStatus, SweepValue } from "./sweep";
import { EntityId, Slug } from "./validation";

/** One trial of a sweep as the dashboard shows it: an ordinary run with its place in the sweep. */
export const SweepTrialView = z.object({
  runId: EntityId,
  runName: z.string(),
  /** 0, 1, 2 ... in the order the controller created them. */
  trialNumber: z.number().int().min(0),
  /** Hyperband bracket (0 for ASHA and for no scheduler). */
  bracket: z.number().int().min(0),
  /** Index of the rung the trial trains to or stopped at, in its bracket's ladder. */
  rung: z.number().int().min(0),
  /** Steps of that rung: the run's current training budget. */
  rungSteps: z.number().int().min(1),
  status: RunStatus,
  /** The values the sweep gave this trial, by field path ("training.learningRate"). */
  parameters: z.record(z.string(), SweepValue),
  /** The sweep metric at the end of each rung it finished, by rung index; null where it has none. */
  results: z.array(z.number().nullable()),
  /** The latest of `results`, null before the first rung ends. */
  metric: z.number().nullable(),
  /** Steps trained so far. */
  lastStep: z.number().int().nullable(),
});
export type SweepTrialView = z.infer<typeof SweepTrialView>;

/** A sweep in the sweeps list. */
export const SweepSummary = z.object({
  id: EntityId,
  name: z.string(),
  team: Slug,
  project: Slug,
  status: SweepStatus,
  method: z.enum(["grid", "random"]),
  scheduler: z.enum(["none", "asha", "hyperband"]),
  metric: SweepMetric,
  /** Trials created so far, and at most. */
  trialsCreated: z.number().int().min(0),
  trialCount: z.number().int().min(0),
  /** Optimizer steps trained over all trials (resume accounting: a promoted trial's steps are counted once). */
  stepsSpent: z.number().int().min(0),
  /** The best metric at any trial's highest rung so far, and its run. */
  best: z.object({ runId: EntityId, value: z.number(), trialNumber: z.number().int() }).nullable(),
  createdAt: z.string(),
  /** The run the sweep was started from ("Sweep from this run"), if any. */
  sourceRunId: EntityId.nullable(),
});
export type SweepSummary = z.infer<typeof SweepSummary>;

/** A sweep's page: the summary, its definition, each bracket's rungs, the trials and the best-so-far curve. */
export const SweepDetail = SweepSummary.extend({
  definition: SweepDefinition,
  /** Rung step counts per bracket (one bracket for ASHA; one rung of `base.training.steps` without a scheduler). */
  rungs: z.array(z.array(z.number().int().min(1))),
  trials: z.array(SweepTrialView),
  /**
   * The best metric so far against cumulative steps spent, one point per rung result in the order results came:
   * the curve of the ASHA paper's figures.
   */
  bestSoFar: z.array(z.object({ steps: z.number().int().min(0), best: z.number(), trialNumber: z.number().int() })),
});
export type SweepDetail = z.infer<typeof SweepDetail>;

/** POST /api/sweeps: a definition, plus the run it started from. */
export const CreateSweepRequest = z.strictObject({
  definition: SweepDefinition,
  sourceRunId: EntityId.optional(),
});
export type CreateSweepRequest = z.infer<typeof CreateSweepRequest>;
