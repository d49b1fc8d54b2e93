import * as tf from "@tensorflow/tfjs";
import type { ModelIO } from "../types";
import { dilatedConv1d } from "./dilated-conv";
import type { BuildOptions, ForwardOptions, SequenceModel } from "./model-contract";
import { WeightFactory } from "./seeded-weights";
import { WaveNetHyperparameters } from "./wavenet-hyperparameters";

/** Defined in a tfjs-free file (for `@seqlab/models/catalog`); re-exported beside the builder that parses it. */
export { WaveNetHyperparameters } from "./wavenet-hyperparameters";

/**
 * Steps of input that can influence one output of a stack of causal dilated convolutions:
 * 1 + (kernelSize - 1) * sum(dilations).
 */
export function receptiveField(kernelSize: number, dilations: readonly number[]): number {
  return 1 + (kernelSize - 1) * dilations.reduce((a, b) => a + b, 0);
}

/** A built WaveNet: the model contract plus its hyperparameters. */
export interface WaveNetModel extends SequenceModel {
  readonly hyperparameters: WaveNetHyperparameters;
  readonly receptiveField: number;
}

interface Layer {
  conv: tf.Variable;
  convBias: tf.Variable;
  /** Residual and skip 1x1 projections fused into one matMul: [R, R + S]. */
  out: tf.Variable;
  outBias: tf.Variable;
  dilation: number;
}

/**
 * Builds a WaveNet-style stack: 1x1 input projection, then per dilation a causal dilated convolution with gated
 * activation tanh(f) * sigmoid(g), a residual 1x1 (added to the stream) and a skip 1x1 (summed over layers), then
 * relu -> 1x1 -> relu -> 1x1 to the outputs.
 *
 * Output: for "many-to-one" tasks the head reads the last real step of each sample (inputLengths) and emits
 * [batch, targetLength, outputSize]; otherwise one output per input step, [batch, inputLength, outputSize].
 *
 * Differs from the paper: no mu-law quantised input, no global/local conditioning, and dilations may not repeat.
 *
 * @param hp raw hyperparameters, parsed with {@link WaveNetHyperparameters} (defaults applied, bad values rejected).
 * @param io task shapes.
 * @param options seed (default 0).
 */
export function buildWaveNet(hp: unknown, io: ModelIO, options: BuildOptions = {}): WaveNetModel {
  const h = WaveNetHyperparameters.parse(hp ?? {});
  if (io.problemType === "one-to-many")
    throw new Error("buildWaveNet: one-to-many (generation) tasks need a decoder; use seq2seq");
  if (io.problemType === "many-to-many-unaligned" && !io.heads.includes("ctc")) {
    throw new Error("buildWaveNet: unaligned tasks are only supported with the ctc head (one output per input step)");
  }
  const R = h.residualChannels;
  const S = h.skipChannels;
  const k = h.kernelSize;
  const manyToOne = io.problemType === "many-to-one";
  const headOut = manyToOne ? io.targetLength * io.outputSize : io.outputSize;
  const w = new WeightFactory(options.seed ?? 0);

  const inKernel = w.glorot("input/kernel", io.inputFeatures, R);
  const inBias = w.constant("input/bias", [R]);
  const layers: Layer[] = h.dilations.map((dilation, i) => ({
    conv: w.glorot(`layer${i}/conv/kernel`, k * R, 2 * R),
    convBias: w.constant(`layer${i}/conv/bias`, [2 * R]),
    out: w.glorot(`layer${i}/res_skip/kernel`, R, R + S),
    outBias: w.constant(`layer${i}/res_skip/bias`, [R + S]),
    dilation,
  }));
  const head1 = w.glorot("head/dense1/kernel", S, S);
  const head1Bias = w.constant("head/dense1/bias", [S]);
  const head2 = w.glorot("head/dense2/kernel", S, headOut);
  const head2Bias = w.constant("head/dense2/bias", [headOut]);
  const rf = receptiveField(k, h.dilations);

  const forward = (inputs: tf.Tensor3D, opts: ForwardOptions): tf.Tensor3D =>
    tf.tidy(() => {
      const [batch, time, features] = inputs.shape;
      if (features !== io.inputFeatures)
        throw new Error(`WaveNet.forward: inputs have ${features} features, expected ${io.inputFeatures}`);
      const rows = batch * time;
      let stream = tf.reshape(
        tf.add(tf.matMul(tf.reshape(inputs, [rows, features]), inKernel as tf.Tensor2D), inBias),
        [batch, time, R],
      ) as tf.Tensor3D;
      let skips: tf.Tensor2D | null = null;
      for (const layer of layers) {
        const pre = dilatedConv1d(
          stream,
          layer.conv as tf.Tensor2D,
          layer.convBias as tf.Tensor1D,
          k,
          layer.dilation,
          "causal",
        );
        const [filter, gate] = tf.split(tf.reshape(pre, [rows, 2 * R]), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
        const z = tf.mul(tf.tanh(filter), tf.sigmoid(gate));
        const out = tf.add(tf.matMul(z, layer.out as tf.Tensor2D), layer.outBias) as tf.Tensor2D;
        const [residual, skip] = tf.split(out, [R, S], 1) as [tf.Tensor2D, tf.Tensor2D];
        stream = tf.add(stream, tf.reshape(residual, [batch, time, R]));
        skips = skips ? (tf.add(skips, skip) as tf.Tensor2D) : skip;
      }
      let features2: tf.Tensor2D = tf.relu(skips as tf.Tensor2D);
      let steps = time;
      if (manyToOne) {
        // Last real step of each sample, as a one-hot weighted sum over time (gather has no gradient on wasm).
        const pick = new Float32Array(batch * time);
        for (let b = 0; b < batch; b++) {
          const len = opts.inputLengths ? (opts.inputLengths[b] as number) : time;
          pick[b * time + Math.min(Math.max(len, 1), time) - 1] = 1;
        }
        const selected = tf.sum(
          tf.mul(tf.reshape(features2, [batch, time, S]), tf.tensor3d(pick, [batch, time, 1])),
          1,
        );
        features2 = selected as tf.Tensor2D;
        steps = 1;
      }
      const hidden = tf.relu(tf.add(tf.matMul(features2, head1 as tf.Tensor2D), head1Bias)) as tf.Tensor2D;
      const y = tf.add(tf.matMul(hidden, head2 as tf.Tensor2D), head2Bias);
      return manyToOne
        ? tf.reshape(y, [batch, io.targetLength, io.outputSize])
        : tf.reshape(y, [batch, steps, io.outputSize]);
    });

  return {
    variables: w.variables,
    variableNames: w.names,
    hyperparameters: h,
    receptiveField: rf,
    forward,
    getConfig: () => ({ model: "wavenet", ...h, receptiveField: rf, io }),
    dispose: () => {
      for (const v of w.variables) v.dispose();
    },
  };
}
