import * as tf from "@tensorflow/tfjs";
import type { OptimizerConfig } from "../types";

/**
 * Optimisers written out rather than taken from tf.train: their whole state is a list of named tensors plus the
 * step count, so a checkpoint restores it exactly and training continues bit for bit. Hyperparameters follow
 * PyTorch's defaults (Adam eps 1e-8; RMSprop alpha 0.99, eps 1e-8). Differs from tf.train: tfjs uses eps 1e-7 for
 * Adam and rho 0.9 for RMSprop.
 */
export interface Optimizer {
  /** Applies one update; `step` is the 1-based number of this update (Adam's bias correction). */
  apply(variables: tf.Variable[], gradients: tf.Tensor[], step: number): void;
  /** State tensors by name, in a fixed order. */
  state(): { name: string; tensor: tf.Tensor }[];
  /** Overwrites the state from a checkpoint; every name from `state()` must be present. */
  loadState(values: Map<string, tf.Tensor>): void;
  dispose(): void;
}

const adamBeta1 = 0.9;
const adamBeta2 = 0.999;
const epsilon = 1e-8;
const rmspropAlpha = 0.99;

/** Builds the optimiser for a config over the given variables (slot names follow the variable names). */
export function createOptimizer(
  config: OptimizerConfig,
  variables: { name: string; variable: tf.Variable }[],
): Optimizer {
  if (!(config.learningRate > 0)) throw new Error(`optimizer.learningRate must be > 0, got ${config.learningRate}`);
  const slots = (prefix: string) =>
    variables.map((v) => {
      const zeros = tf.zerosLike(v.variable);
      const tensor = tf.variable(zeros, false);
      zeros.dispose();
      return { name: `${prefix}/${v.name}`, tensor };
    });
  if (config.name === "sgd")
    return new SlotOptimizer([], (_vars, _grads, _slots) => {
      tf.tidy(() => _vars.forEach((v, i) => v.assign(tf.sub(v, tf.mul(_grads[i] as tf.Tensor, config.learningRate)))));
    });
  if (config.name === "adam") {
    const m = slots("adam/m");
    const v = slots("adam/v");
    return new SlotOptimizer([...m, ...v], (vars, grads, _all, step) => {
      const correction1 = 1 - adamBeta1 ** step;
      const correction2 = 1 - adamBeta2 ** step;
      tf.tidy(() =>
        vars.forEach((variable, i) => {
          const g = grads[i] as tf.Tensor;
          const mi = (m[i] as { tensor: tf.Variable }).tensor;
          const vi = (v[i] as { tensor: tf.Variable }).tensor;
          mi.assign(tf.add(tf.mul(mi, adamBeta1), tf.mul(g, 1 - adamBeta1)));
          vi.assign(tf.add(tf.mul(vi, adamBeta2), tf.mul(tf.square(g), 1 - adamBeta2)));
          const denominator = tf.add(tf.div(tf.sqrt(vi), Math.sqrt(correction2)), epsilon);
          variable.assign(tf.sub(variable, tf.mul(tf.div(mi, denominator), config.learningRate / correction1)));
        }),
      );
    });
  }
  if (config.name === "rmsprop") {
    const s = slots("rmsprop/square_avg");
    return new SlotOptimizer(s, (vars, grads) => {
      tf.tidy(() =>
        vars.forEach((variable, i) => {
          const g = grads[i] as tf.Tensor;
          const si = (s[i] as { tensor: tf.Variable }).tensor;
          si.assign(tf.add(tf.mul(si, rmspropAlpha), tf.mul(tf.square(g), 1 - rmspropAlpha)));
          variable.assign(tf.sub(variable, tf.mul(tf.div(g, tf.add(tf.sqrt(si), epsilon)), config.learningRate)));
        }),
      );
    });
  }
  throw new Error(
    `optimizer.name must be "adam", "sgd" or "rmsprop", got ${String((config as { name: unknown }).name)}`,
  );
}

class SlotOptimizer implements Optimizer {
  constructor(
    private readonly slots: { name: string; tensor: tf.Variable }[],
    private readonly update: (
      variables: tf.Variable[],
      gradients: tf.Tensor[],
      slots: { name: string; tensor: tf.Variable }[],
      step: number,
    ) => void,
  ) {}

  apply(variables: tf.Variable[], gradients: tf.Tensor[], step: number): void {
    this.update(variables, gradients, this.slots, step);
  }

  state(): { name: string; tensor: tf.Tensor }[] {
    return this.slots;
  }

  loadState(values: Map<string, tf.Tensor>): void {
    for (const slot of this.slots) {
      const value = values.get(slot.name);
      if (!value) throw new Error(`checkpoint lacks optimizer state "${slot.name}"`);
      slot.tensor.assign(value);
    }
  }

  dispose(): void {
    for (const slot of this.slots) slot.tensor.dispose();
  }
}

/**
 * Scales gradients so that their global L2 norm is at most `clipNorm` (0 disables). Below the threshold the
 * factor is exactly 1, so clipping never perturbs small gradients.
 */
export function clipByGlobalNorm(gradients: tf.Tensor[], clipNorm: number): tf.Tensor[] {
  if (!(clipNorm > 0)) return gradients;
  return tf.tidy(() => {
    const squares = gradients.map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(tf.addN(squares));
    const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
    return gradients.map((g) => tf.mul(g, scale));
  });
}
