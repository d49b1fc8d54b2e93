import type * as tf from "@tensorflow/tfjs";

/** Options of {@link SequenceModel.forward}. */
export interface ForwardOptions {
  /** Training mode (dropout on). */
  training: boolean;
  /** Real (unpadded) input length per sample; default: every sample uses all input steps. */
  inputLengths?: Int32Array;
  /** [batch, targetLength] target class ids for teacher forcing (seq2seq); ignored by models without a decoder. */
  targets?: Int32Array;
}

/**
 * What every builder in this package returns, and what the trainer consumes: the trainable variables (in a fixed
 * order, which checkpoints rely on), a forward pass and a serialisable config. The forward pass allocates its
 * tensors in the caller's scope: the trainer wraps it in `tf.tidy` / `tf.variableGrads`.
 */
export interface SequenceModel {
  readonly variables: tf.Variable[];
  /** Stable names of `variables`, index for index ("layer0/conv/kernel", ...), for checkpoints and debugging. */
  readonly variableNames: string[];
  /** inputs [batch, inputLength, inputFeatures] -> [batch, steps, outputSize] logits (classes) or values (regression). */
  forward(inputs: tf.Tensor3D, opts: ForwardOptions): tf.Tensor3D;
  /** Hyperparameters (defaults applied) and derived facts, JSON-serialisable. */
  getConfig(): Record<string, unknown>;
  /** Steps of input that can influence one output step (convolutional models). */
  receptiveField?: number;
  /** Frees the variables. */
  dispose(): void;
}

/** Options shared by the builders. */
export interface BuildOptions {
  /** Seeds weight initialisation: the same seed gives the same initial weights. Default 0. */
  seed?: number;
}
