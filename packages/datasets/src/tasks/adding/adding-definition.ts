import { z } from "zod";
import { intParam, splitSizeParams } from "../../task-helpers/task-params";
import type { TaskInfo, TaskSpec } from "../../types";

/** Parameters of the adding problem. */
export const AddingParams = z.object({
  /** Sequence length T. */
  length: intParam("length", { default: 50, min: 2, max: 10_000, description: "Sequence length T" }),
  /** "modern" (IRNN/TCN papers) or "hochreiter" (the 1997 LSTM paper). */
  variant: z
    .enum(["modern", "hochreiter"], { error: 'variant must be "modern" or "hochreiter"' })
    .default("modern")
    .describe('"modern": values U(0,1), target X1+X2; "hochreiter": values U[-1,1], target 0.5+(X1+X2)/4'),
  // Continuous inputs never repeat, so a large train split costs nothing and keeps the model from memorizing.
  ...splitSizeParams({ train: 100_000, validation: 1000, test: 1000 }),
});
/** Parameters of the adding problem. */
export type AddingParams = z.infer<typeof AddingParams>;

/**
 * The adding problem's light definition: the dashboard validates and describes it from this alone, and
 * `addingTask` adds the generator on top.
 */
export const addingDefinition: TaskInfo<typeof AddingParams> = {
  name: "adding",
  title: "Adding problem",
  description:
    "Long-range memory: sum the two marked values of a length-T sequence. A constant prediction scores MSE 1/6 " +
    "(modern variant); vanilla RNNs stay there beyond T of about 50, LSTMs learn it.",
  problemType: "many-to-one",
  params: AddingParams,
  metric: {
    evaluation: ["mse"],
    name: "mse",
    higherIsBetter: false,
    description: "Mean squared error of the final prediction; `accuracy` is the fraction with |error| < 0.04",
  },
  recommended: {
    model: "lstm",
    // bench/README.md's measured setting: 32 units, Adam 1e-3, clipNorm 1, batch 64 (MSE about 0.005 at 3000 steps).
    modelHyperparameters: { units: 32 },
    training: { steps: 3000, batchSize: 64, learningRate: 0.001, clipNorm: 1, evalEvery: 100, trainMetricsEvery: 10 },
    why:
      "a 32-unit LSTM leaves the constant-prediction plateau (MSE 1/6) within about 2000 steps and reaches MSE " +
      "near 0.005 by 3000 (a few minutes on two CPU cores), where a vanilla RNN stalls near 0.04.",
  },
  specFor(params): TaskSpec {
    return {
      problemType: "many-to-one",
      inputFeatures: 2,
      inputLength: params.length,
      outputKind: "regression",
      outputSize: 1,
      targetLength: 1,
      heads: ["regression"],
    };
  },
};
