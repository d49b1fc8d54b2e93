import type { Rng } from "../../random";
import type { Batch } from "../../types";
import { defineTask, regressionScores, splitSizes, valuesOf, type Sample } from "../../task-helpers";
import { timeSeriesDefinition } from "./time-series-definition";

export { TimeSeriesParams } from "./time-series-definition";

/**
 * A forecast counts as accurate when within this fraction of the input window's standard deviation: relative to the
 * series' own scale, because ARMA windows vary in scale by an order of magnitude from sample to sample.
 */
export const TIME_SERIES_TOLERANCE = 0.1;

/** Sines: periods from 4 to 64 steps, so a 64-step window always shows at least one full cycle of the slowest. */
function sumOfSines(rng: Rng, steps: number, noise: number): Float64Array {
  const components = Array.from({ length: 3 }, () => ({
    amplitude: rng.uniform(0.2, 1),
    frequency: (2 * Math.PI) / rng.uniform(4, 64),
    phase: rng.uniform(0, 2 * Math.PI),
  }));
  const offset = rng.uniform(-1, 1);
  // At most 0.64 of drift over 64 steps: visible, yet smaller than the oscillation it rides on.
  const slope = rng.uniform(-0.01, 0.01);
  const series = new Float64Array(steps);
  for (let t = 0; t < steps; t++) {
    let value = offset + slope * t;
    for (const c of components) value += c.amplitude * Math.sin(c.frequency * t + c.phase);
    series[t] = value + rng.gaussian(0, noise);
  }
  return series;
}

/** Steps discarded before observing an ARMA process, so the window starts near its stationary distribution. */
const ARMA_BURN_IN = 200;

/**
 * ARMA(2,1) with coefficients drawn inside the stationarity triangle (|phi2| < 1, phi1 + phi2 < 1, phi2 - phi1 < 1)
 * with a 0.05 margin, so no sample is a near unit-root random walk.
 */
function arma(rng: Rng, steps: number, noise: number): Float64Array {
  const phi2 = rng.uniform(-0.9, 0.9);
  const phi1 = rng.uniform(phi2 - 1 + 0.05, 1 - phi2 - 0.05);
  const theta = rng.uniform(-0.8, 0.8);
  // Innovations of at least 0.01 keep the process alive when noise is 0.
  const sigma = Math.max(noise, 0.01);
  const series = new Float64Array(steps);
  let x1 = 0;
  let x2 = 0;
  let e1 = 0;
  for (let t = -ARMA_BURN_IN; t < steps; t++) {
    const e = rng.gaussian(0, sigma);
    const x = phi1 * x1 + phi2 * x2 + e + theta * e1;
    x2 = x1;
    x1 = x;
    e1 = e;
    if (t >= 0) series[t] = x;
  }
  return series;
}

/** Per-row tolerance: TIME_SERIES_TOLERANCE times the standard deviation of that row's input window. */
function windowTolerances(batch: Batch, length: number): number[] {
  const tolerances: number[] = [];
  for (let row = 0; row < batch.size; row++) {
    let sum = 0;
    let sumSq = 0;
    for (let t = 0; t < length; t++) {
      const v = batch.inputs[row * length + t] as number;
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / length;
    tolerances.push(TIME_SERIES_TOLERANCE * Math.sqrt(Math.max(sumSq / length - mean * mean, 0)));
  }
  return tolerances;
}

/**
 * Forecasting: observe T steps of a synthetic series and predict the next `horizon` values (one vector output,
 * many-to-one). Each sample draws its own process parameters, so the model must infer them from the window.
 */
export const timeSeriesTask = defineTask({
  ...timeSeriesDefinition,
  setup(params) {
    const spec = timeSeriesDefinition.specFor(params);
    const { length: T, horizon: H } = params;
    const generate = params.process === "sines" ? sumOfSines : arma;
    const score = (batch: Batch, values: Float32Array) => {
      const tolerances = windowTolerances(batch, T);
      return regressionScores(spec, batch, { values, shape: [batch.size, 1, H] }, (row) => tolerances[row] as number);
    };
    return {
      spec,
      sizes: splitSizes(params),
      sample(rng): Sample {
        const series = generate(rng, T + H, params.noise);
        return {
          input: { values: Float32Array.from(series.subarray(0, T)), steps: T },
          target: { values: Float32Array.from(series.subarray(T)), steps: 1 },
        };
      },
      metrics(batch, output) {
        if (output.shape[2] !== H || output.shape[1] !== 1) {
          throw new Error(`time-series: output shape [${output.shape.join(", ")}] should be [size, 1, ${H}]`);
        }
        const { mse, mae, accuracy } = score(batch, Float32Array.from(output.values));
        return { mse, mae, accuracy };
      },
      baseline(split, source) {
        const batch = source.batchOf(split);
        const persistence = new Float32Array(batch.size * H);
        for (let row = 0; row < batch.size; row++) {
          persistence.fill(batch.inputs[row * T + T - 1] as number, row * H, (row + 1) * H);
        }
        const { mse, mae, accuracy } = score(batch, persistence);
        return { mse, mae, accuracy };
      },
      preview(sample) {
        const input = Array.from(valuesOf(sample.input));
        const target = Array.from(valuesOf(sample.target));
        return {
          input: `${params.process} window of ${T} steps ending ${input
            .slice(-3)
            .map((v) => v.toFixed(3))
            .join(", ")}`,
          target: target.map((v) => v.toFixed(3)).join(", "),
          series: { input, target },
        };
      },
    };
  },
});
