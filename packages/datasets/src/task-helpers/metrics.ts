import type { Batch, ModelOutput, TaskSpec } from "../types";

/** Throws unless `output` is [batch.size, spec.targetLength, spec.outputSize]: a mismatch means a wiring bug. */
export function checkOutputShape(spec: TaskSpec, batch: Batch, output: ModelOutput): void {
  const [size, steps, width] = output.shape;
  if (size !== batch.size || steps !== spec.targetLength || width !== spec.outputSize) {
    throw new Error(
      `model output shape [${output.shape.join(", ")}] does not match [batch ${batch.size}, targetLength ` +
        `${spec.targetLength}, outputSize ${spec.outputSize}]`,
    );
  }
  if (output.values.length !== size * steps * width) {
    throw new Error(`model output has ${output.values.length} values for shape [${output.shape.join(", ")}]`);
  }
}

/** Regression scores over real (masked-in) target steps. */
export interface RegressionScores {
  mse: number;
  mae: number;
  /** Fraction of target values predicted within `tolerance`. */
  accuracy: number;
}

/** MSE, MAE and within-tolerance accuracy over every value of every real target step. */
export function regressionScores(
  spec: TaskSpec,
  batch: Batch,
  output: ModelOutput,
  tolerance: number | ((row: number) => number),
): RegressionScores {
  checkOutputShape(spec, batch, output);
  const { targetLength, outputSize } = spec;
  let squared = 0;
  let absolute = 0;
  let within = 0;
  let count = 0;
  for (let row = 0; row < batch.size; row++) {
    const tol = typeof tolerance === "number" ? tolerance : tolerance(row);
    for (let step = 0; step < targetLength; step++) {
      if (batch.targetMask[row * targetLength + step] === 0) continue;
      const base = (row * targetLength + step) * outputSize;
      for (let k = 0; k < outputSize; k++) {
        const error = (output.values[base + k] as number) - (batch.targets[base + k] as number);
        squared += error * error;
        absolute += Math.abs(error);
        if (Math.abs(error) < tol) within++;
        count++;
      }
    }
  }
  const n = Math.max(count, 1);
  return { mse: squared / n, mae: absolute / n, accuracy: within / n };
}

/** Classification scores over real target steps. */
export interface ClassScores {
  /** Fraction of real steps whose argmax is the target class. */
  accuracy: number;
  /** Mean negative log-likelihood per real step, in nats. */
  crossEntropy: number;
  /** Fraction of samples with every real step right (exact match). */
  sequenceAccuracy: number;
}

/**
 * Whether a row of scores is a probability distribution (non-negative, sums to 1 within 1e-3). Models may return
 * logits or probabilities (`ModelOutput`); treating probabilities as logits would understate the cross-entropy.
 */
function isDistribution(values: ArrayLike<number>, offset: number, width: number): boolean {
  let sum = 0;
  for (let k = 0; k < width; k++) {
    const v = values[offset + k] as number;
    if (v < 0 || v > 1) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
}

/** Smallest probability used in a logarithm, so one confident mistake costs ~69 nats rather than infinity. */
const MIN_PROBABILITY = 1e-30;

/** Accuracy, cross-entropy and exact-match over real target steps; scores may be logits or probabilities. */
export function classScores(spec: TaskSpec, batch: Batch, output: ModelOutput): ClassScores {
  checkOutputShape(spec, batch, output);
  const { targetLength, outputSize } = spec;
  const { values } = output;
  let correct = 0;
  let nll = 0;
  let steps = 0;
  let exact = 0;
  for (let row = 0; row < batch.size; row++) {
    let allRight = true;
    for (let step = 0; step < targetLength; step++) {
      if (batch.targetMask[row * targetLength + step] === 0) continue;
      const target = batch.targets[row * targetLength + step] as number;
      const base = (row * targetLength + step) * outputSize;
      let best = 0;
      let max = -Infinity;
      for (let k = 0; k < outputSize; k++) {
        const v = values[base + k] as number;
        if (v > max) {
          max = v;
          best = k;
        }
      }
      if (best === target) correct++;
      else allRight = false;
      if (isDistribution(values, base, outputSize)) {
        nll -= Math.log(Math.max(values[base + target] as number, MIN_PROBABILITY));
      } else {
        let sumExp = 0;
        for (let k = 0; k < outputSize; k++) sumExp += Math.exp((values[base + k] as number) - max);
        nll -= (values[base + target] as number) - max - Math.log(sumExp);
      }
      steps++;
    }
    if (allRight) exact++;
  }
  const n = Math.max(steps, 1);
  return { accuracy: correct / n, crossEntropy: nll / n, sequenceAccuracy: exact / Math.max(batch.size, 1) };
}

/**
 * A model output that gives every sample the same prediction: `perStep` is [targetLength, outputSize] (one row
 * reused for every step if it has only outputSize values). Baselines are scored through the same metric code as
 * models, so the two can never disagree on definitions.
 */
export function constantOutput(spec: TaskSpec, size: number, perStep: ArrayLike<number>): ModelOutput {
  const { targetLength, outputSize } = spec;
  const stepValues = targetLength * outputSize;
  if (perStep.length !== stepValues && perStep.length !== outputSize) {
    throw new Error(`constantOutput: expected ${stepValues} or ${outputSize} values, got ${perStep.length}`);
  }
  const values = new Float32Array(size * stepValues);
  for (let row = 0; row < size; row++) {
    for (let i = 0; i < stepValues; i++) {
      values[row * stepValues + i] = perStep[perStep.length === stepValues ? i : i % outputSize] as number;
    }
  }
  return { values, shape: [size, targetLength, outputSize] };
}

/**
 * Per-position class frequencies of the real target steps of `batch`, add-one smoothed and normalized:
 * [targetLength, outputSize]. Its argmax per position is the "most frequent output per position" baseline.
 */
export function positionFrequencies(spec: TaskSpec, batch: Batch): Float32Array {
  const { targetLength, outputSize } = spec;
  const counts = new Float64Array(targetLength * outputSize).fill(1);
  for (let row = 0; row < batch.size; row++) {
    for (let step = 0; step < targetLength; step++) {
      if (batch.targetMask[row * targetLength + step] === 0) continue;
      const target = batch.targets[row * targetLength + step] as number;
      counts[step * outputSize + target]! += 1;
    }
  }
  const out = new Float32Array(counts.length);
  for (let step = 0; step < targetLength; step++) {
    let total = 0;
    for (let k = 0; k < outputSize; k++) total += counts[step * outputSize + k] as number;
    for (let k = 0; k < outputSize; k++) out[step * outputSize + k] = (counts[step * outputSize + k] as number) / total;
  }
  return out;
}

/** Natural-log units to bits. */
export const NATS_TO_BITS = 1 / Math.LN2;
