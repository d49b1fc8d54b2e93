import { z } from "zod";

/**
 * What a finished run's model scored on the whole test split, beside the task's trivial baseline on the same
 * split. Stored as the run's "evaluation" artifact; each metric is also a `test/<key>` metric point (so it is a
 * summary metric the runs table and compare can filter and sort by).
 */
export const EvaluationResult = z.object({
  split: z.literal("test"),
  /** The training step the evaluated weights are from (the run's last). */
  step: z.number().int().min(0),
  /** Samples scored: the whole split, each once. */
  samples: z.number().int().min(1),
  /** The task's headline metrics, in the order the task lists them (e.g. cer, corpusCer). */
  metrics: z.array(
    z.object({
      key: z.string().min(1).max(64),
      value: z.number(),
      /** The task's trivial baseline on the same split, when it has one for this metric. */
      baseline: z.number().nullable(),
      higherIsBetter: z.boolean(),
    }),
  ),
  /** Wall time of the evaluation, and of the training it followed (this attempt's steps), in ms. */
  evaluationMs: z.number().min(0),
  trainingMs: z.number().min(0),
});
export type EvaluationResult = z.infer<typeof EvaluationResult>;

/**
 * Gradient flow at one evaluation: the L2 norm of d(loss)/d(input at time step t), averaged over a validation
 * batch, for t = 0 .. T-1. Vanishing gradients show as norms that fall by orders of magnitude towards t = 0 on a
 * task whose answer depends on early inputs (a vanilla RNN on the adding problem); an LSTM keeps them flat.
 */
export const GradientFlowSnapshot = z.object({
  step: z.number().int().min(0),
  norms: z.array(z.number().min(0)).min(1).max(10_000),
});
export type GradientFlowSnapshot = z.infer<typeof GradientFlowSnapshot>;

/** A run's gradient flow: every snapshot, oldest first (what the heatmap draws, training step against time step). */
export const GradientFlow = z.object({
  timeSteps: z.number().int().min(0),
  snapshots: z.array(GradientFlowSnapshot),
});
export type GradientFlow = z.infer<typeof GradientFlow>;
