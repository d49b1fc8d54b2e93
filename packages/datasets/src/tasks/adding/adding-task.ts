import { z } from "zod";
import type { TaskSpec } from "../../types";
import {
  constantOutput,
  defineTask,
  intParam,
  regressionScores,
  splitSizeParams,
  splitSizes,
  valuesOf,
  type Sample,
} from "../../task-helpers";

/**
 * |error| below which a sequence counts as solved: Hochreiter & Schmidhuber (1997) used 0.04 for the adding
 * problem. We apply the same threshold to the modern variant, whose targets span [0, 2) instead of [0, 1), so it
 * is twice as strict there relative to the target range.
 */
export const ADDING_TOLERANCE = 0.04;

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

function addingSpec(params: AddingParams): TaskSpec {
  return {
    problemType: "many-to-one",
    inputFeatures: 2,
    inputLength: params.length,
    outputKind: "regression",
    outputSize: 1,
    targetLength: 1,
    heads: ["regression"],
  };
}

/**
 * The adding problem: each step carries (value, marker); exactly two markers are 1, one in the first half and one
 * in the second, so the two values are at least one step and on average T/2 steps apart. The model must output
 * their sum (modern) or 0.5 + (X1 + X2) / 4 (Hochreiter & Schmidhuber 1997) after the last step.
 *
 * Differs from the 1997 paper: there X1 is among the first 10 steps and X2 among the first T/2 - 1, and unmarked
 * first/last steps carry marker -1. Here both variants place the markers as the modern papers do, so the variant
 * changes only the value range and target formula, and T alone sets the distance to remember.
 */
export const addingTask = defineTask({
  name: "adding",
  title: "Adding problem",
  description:
    "Long-range memory: sum the two marked values of a length-T sequence. A constant prediction scores MSE 1/6 " +
    "(modern variant); vanilla RNNs stay there beyond T of about 50, LSTMs learn it.",
  problemType: "many-to-one",
  params: AddingParams,
  metric: {
    name: "mse",
    higherIsBetter: false,
    description: "Mean squared error of the final prediction; `accuracy` is the fraction with |error| < 0.04",
  },
  specFor: addingSpec,
  setup(params) {
    const spec = addingSpec(params);
    const T = params.length;
    const half = Math.floor(T / 2);
    const modern = params.variant === "modern";
    return {
      spec,
      sizes: splitSizes(params),
      sample(rng): Sample {
        const values = new Float32Array(T * 2);
        for (let t = 0; t < T; t++) values[t * 2] = modern ? rng.float() : rng.uniform(-1, 1);
        const first = rng.int(0, half);
        const second = rng.int(half, T);
        values[first * 2 + 1] = 1;
        values[second * 2 + 1] = 1;
        // Sum the stored float32 values, so the target is exact for what the model actually sees.
        const x1 = values[first * 2] as number;
        const x2 = values[second * 2] as number;
        const target = modern ? x1 + x2 : 0.5 + (x1 + x2) / 4;
        return { input: { values, steps: T }, target: { values: [target], steps: 1 } };
      },
      metrics(batch, output) {
        const { mse, mae, accuracy } = regressionScores(spec, batch, output, ADDING_TOLERANCE);
        return { mse, mae, accuracy };
      },
      baseline(split, source) {
        // The constant that minimizes MSE is the training mean, estimated from train samples only.
        const train = source.batchOf("train");
        let mean = 0;
        for (let i = 0; i < train.size; i++) mean += train.targets[i] as number;
        mean /= train.size;
        const batch = source.batchOf(split);
        const scores = regressionScores(spec, batch, constantOutput(spec, batch.size, [mean]), ADDING_TOLERANCE);
        return { mse: scores.mse, mae: scores.mae, accuracy: scores.accuracy, prediction: mean };
      },
      preview(sample) {
        const values = valuesOf(sample.input);
        const series: number[] = [];
        const marked: string[] = [];
        for (let t = 0; t < T; t++) {
          const value = values[t * 2] as number;
          series.push(value);
          if (values[t * 2 + 1] === 1) marked.push(`${value.toFixed(3)} at step ${t}`);
        }
        const target = valuesOf(sample.target)[0] as number;
        return {
          input: `T=${T}, marked: ${marked.join(" and ")}`,
          target: target.toFixed(4),
          series: { input: series, target: [target] },
        };
      },
    };
  },
});
