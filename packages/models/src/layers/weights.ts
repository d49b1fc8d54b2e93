import * as tf from "@tensorflow/tfjs";
import type { NamedVariable } from "./recurrent-cell";

/** Creates a trainable variable from row-major data (kept out of any tidy, owned by the layer). */
export function makeVariable(name: string, values: Float32Array, shape: number[]): NamedVariable {
  const initial = tf.tensor(values, shape, "float32");
  const variable = tf.variable(initial, true);
  // The variable holds its own reference to the data; the initial tensor object would otherwise stay counted forever.
  initial.dispose();
  return { name, variable };
}
