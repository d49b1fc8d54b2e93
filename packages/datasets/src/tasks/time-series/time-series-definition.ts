import { z } from "zod";
import { intParam, numberParam, splitSizeParams } from "../../task-helpers/task-params";
import type { TaskInfo, TaskSpec } from "../../types";

/** Parameters of the time-series forecasting task. */
export const TimeSeriesParams = z.object({
  process: z
    .enum(["sines", "arma"], { error: 'process must be "sines" or "arma"' })
    .default("sines")
    .describe('"sines": sum of 3 sines + linear trend + noise; "arma": a random stationary ARMA(2,1) per sample'),
  length: intParam("length", { default: 64, min: 2, max: 10_000, description: "Observed steps T" }),
  horizon: intParam("horizon", { default: 1, min: 1, max: 1000, description: "Future steps to forecast" }),
  noise: numberParam("noise", {
    default: 0.05,
    min: 0,
    max: 10,
    description: "Standard deviation of observation noise (sines) or of the innovations (arma)",
  }),
  ...splitSizeParams({ train: 100_000, validation: 1000, test: 1000 }),
});
/** Parameters of the time-series forecasting task. */
export type TimeSeriesParams = z.infer<typeof TimeSeriesParams>;

/** The forecasting task's light definition: params, spec and metric, without the series generators. */
export const timeSeriesDefinition: TaskInfo<typeof TimeSeriesParams> = {
  name: "time-series",
  title: "Time-series forecasting",
  description:
    "Forecast the next values of a noisy sum of sines with trend, or of a random ARMA(2,1) process, from a window of " +
    "T observations. Baseline: persistence (repeat the last value).",
  problemType: "many-to-one",
  params: TimeSeriesParams,
  metric: {
    evaluation: ["mse"],
    name: "mse",
    higherIsBetter: false,
    description: "Mean squared error over the horizon; `accuracy`: fraction within 0.1 window standard deviations",
  },
  recommended: {
    model: "gru",
    // Measured (wasm, 2 shared cores, 256 validation windows): MSE 0.014 at step 1500 against persistence's 0.091.
    modelHyperparameters: { units: 32 },
    training: { steps: 1500, batchSize: 64, learningRate: 0.003, clipNorm: 1, evalEvery: 100, trainMetricsEvery: 10 },
    why:
      "a 32-unit GRU learns the sines' phase and trend from the window and forecasts with about a sixth of the " +
      "persistence baseline's MSE within 1500 steps (a minute or two on two CPU cores).",
  },
  specFor(params): TaskSpec {
    return {
      problemType: "many-to-one",
      inputFeatures: 1,
      inputLength: params.length,
      outputKind: "regression",
      outputSize: params.horizon,
      targetLength: 1,
      heads: ["forecast", "regression"],
    };
  },
};
