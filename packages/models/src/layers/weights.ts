import * as tf from "@tensorflow/tfjs";
import type { NamedVariable } from "./recurrent-cell";

/** Creates a trainable variable from row-major data (kept out of any tidy, owned by the layer). */
export function makeVariable(name: string, values: Float32Array, shape: number[]): NamedVariable {
  return { name, variable: tf.variable(tf.tensor(values, shape, "float32"), true) };
}
