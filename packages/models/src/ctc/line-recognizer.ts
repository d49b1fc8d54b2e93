import * as tf from "@tensorflow/tfjs";
import { Bidirectional } from "../layers/bidirectional";
import { LstmCell } from "../layers/lstm-cell";
import type { ModelIO } from "../types";
import { dilatedConv1d } from "../wavenet/dilated-conv";
import type { BuildOptions, ForwardOptions, SequenceModel } from "../wavenet/model-contract";
import { WeightFactory } from "../wavenet/seeded-weights";
import { LineRecognizerHyperparameters } from "./line-recognizer-hyperparameters";

/** Defined in a tfjs-free file (for `@seqlab/models/catalog`); re-exported beside the builder that parses it. */
export { LineRecognizerHyperparameters } from "./line-recognizer-hyperparameters";

/** A built line recogniser: the model contract plus the map from input lengths to output (CTC) lengths. */
export interface LineRecognizerModel extends SequenceModel {
  readonly hyperparameters: LineRecognizerHyperparameters;
  /** Output steps: windows over the (right-padded) image. */
  readonly outputSteps: number;
  /** CTC input lengths for given image widths: windows that start inside the real columns. */
  outputLengths(inputLengths: ArrayLike<number>): Int32Array;
}

/**
 * Dense layer over sliding windows of `windowWidth` steps every `stride` steps (a strided "valid" convolution with
 * zero padding on the right up to a whole number of strides), written as non-overlapping blocks of `stride` steps,
 * block slices + concat + one matMul: tf.conv1d's filter gradient is missing on wasm and very slow on cpu.
 * @param x [batch, time, channels]
 * @param kernel [windowWidth * channels, outChannels] (tf.conv1d's [windowWidth, channels, out] filter, reshaped).
 * @param bias [outChannels] or null.
 * @param windowWidth steps per window, a multiple of `stride`.
 * @param stride steps between window starts.
 * @returns [batch, ceil(time / stride) - windowWidth / stride + 1, outChannels]
 */
export function slidingWindowDense(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  windowWidth: number,
  stride: number,
): tf.Tensor3D {
  if (windowWidth % stride !== 0)
    throw new Error(`slidingWindowDense: windowWidth (${windowWidth}) must be a multiple of stride (${stride})`);
  return tf.tidy(() => {
    const [batch, time, channels] = x.shape;
    const blocks = Math.ceil(time / stride);
    const perWindow = windowWidth / stride;
    const steps = blocks - perWindow + 1;
    if (steps < 1) throw new Error(`slidingWindowDense: ${time} steps are fewer than one window of ${windowWidth}`);
    const padded =
      blocks * stride > time
        ? tf.pad(x, [
            [0, 0],
            [0, blocks * stride - time],
            [0, 0],
          ])
        : x;
    const blocked = tf.reshape(padded, [batch, blocks, stride * channels]) as tf.Tensor3D;
    const taps: tf.Tensor3D[] = [];
    for (let j = 0; j < perWindow; j++) taps.push(tf.slice(blocked, [0, j, 0], [batch, steps, stride * channels]));
    const windows = taps.length === 1 ? (taps[0] as tf.Tensor3D) : tf.concat(taps, 2);
    let y: tf.Tensor2D = tf.matMul(tf.reshape(windows, [batch * steps, windowWidth * channels]), kernel);
    if (bias) y = tf.add(y, bias);
    return tf.reshape(y, [batch, steps, kernel.shape[1]]);
  });
}

/**
 * Builds a line-text recogniser for CTC: image columns (steps) x pixel rows (features) -> a kernel-3 convolution
 * over columns (relu) -> sliding windows of `windowWidth` columns every `windowStride` (one matMul over the
 * concatenated window, relu) -> BiLSTM with the two directions summed -> linear to the classes (blank included).
 * Output: [batch, outputSteps, outputSize] logits, to be read by {@link ctcLoss} with `outputLengths(...)`.
 *
 * Differs from FSDL's LineCNNLSTM: the per-window LeNet (2-D convolutions and max pooling) is replaced by a 1-D
 * convolution over columns and a dense layer per window, so every layer is pad + slices + concat + matMul (the wasm
 * backend cannot train 2-D convolutions: no Conv2DBackpropFilter; cpu's is very slow).
 *
 * @param hp raw hyperparameters, parsed with {@link LineRecognizerHyperparameters}.
 * @param io task shapes: inputFeatures = image height, inputLength = image width, outputSize = classes.
 * @param options seed (default 0).
 */
export function buildLineRecognizer(hp: unknown, io: ModelIO, options: BuildOptions = {}): LineRecognizerModel {
  const h = LineRecognizerHyperparameters.parse(hp ?? {});
  if (io.inputLength < h.windowWidth) {
    throw new Error(
      `buildLineRecognizer: io.inputLength (${io.inputLength}) must be at least windowWidth (${h.windowWidth})`,
    );
  }
  const seed = options.seed ?? 0;
  const F = io.inputFeatures;
  const C = h.convChannels;
  const ws = h.windowStride;
  const perWindow = h.windowWidth / ws;
  const blocks = Math.ceil(io.inputLength / ws);
  const outputSteps = blocks - perWindow + 1;
  const w = new WeightFactory(seed);
  const convKernel = w.glorot("columns/conv/kernel", 3 * F, C);
  const convBias = w.constant("columns/conv/bias", [C]);
  const windowKernel = w.glorot("windows/kernel", h.windowWidth * C, h.windowFeatures);
  const windowBias = w.constant("windows/bias", [h.windowFeatures]);
  const bilstm = new Bidirectional({
    forward: new LstmCell({ units: h.lstmUnits, inputSize: h.windowFeatures, seed: seed + 1, name: "bilstm/forward" }),
    backward: new LstmCell({
      units: h.lstmUnits,
      inputSize: h.windowFeatures,
      seed: seed + 2,
      name: "bilstm/backward",
    }),
    merge: "sum",
  });
  const outKernel = w.glorot("output/kernel", h.lstmUnits, io.outputSize);
  const outBias = w.constant("output/bias", [io.outputSize]);
  const variables = [
    convKernel,
    convBias,
    windowKernel,
    windowBias,
    ...bilstm.weights.map((x) => x.variable),
    outKernel,
    outBias,
  ];
  const variableNames = [...w.names.slice(0, 4), ...bilstm.weights.map((x) => x.name), ...w.names.slice(4)];

  const outputLengths = (inputLengths: ArrayLike<number>): Int32Array =>
    Int32Array.from(
      Array.from(inputLengths, (len) => Math.min(outputSteps, Math.max(1, Math.ceil(len / ws) - perWindow + 1))),
    );

  const forward = (inputs: tf.Tensor3D, opts: ForwardOptions): tf.Tensor3D =>
    tf.tidy(() => {
      const [batch, width, features] = inputs.shape;
      if (features !== F) throw new Error(`LineRecognizer.forward: inputs have ${features} features, expected ${F}`);
      if (width !== io.inputLength)
        throw new Error(`LineRecognizer.forward: inputs have ${width} steps, expected ${io.inputLength}`);
      const columns = tf.relu(dilatedConv1d(inputs, convKernel as tf.Tensor2D, convBias as tf.Tensor1D, 3, 1, "same"));
      const windowFeatures = tf.relu(
        slidingWindowDense(columns, windowKernel as tf.Tensor2D, windowBias as tf.Tensor1D, h.windowWidth, ws),
      );
      const timeMajor = tf.transpose(windowFeatures, [1, 0, 2]) as tf.Tensor3D;
      let mask: tf.Tensor3D | null = null;
      if (opts.inputLengths) {
        const lengths = outputLengths(opts.inputLengths);
        const m = new Float32Array(outputSteps * batch);
        for (let b = 0; b < batch; b++) for (let t = 0; t < (lengths[b] as number); t++) m[t * batch + b] = 1;
        mask = tf.tensor3d(m, [outputSteps, batch, 1]);
      }
      const { outputs } = bilstm.run(timeMajor, mask);
      const hidden = tf.reshape(tf.transpose(outputs, [1, 0, 2]), [batch * outputSteps, h.lstmUnits]);
      const logits = tf.add(tf.matMul(hidden, outKernel as tf.Tensor2D), outBias);
      return tf.reshape(logits, [batch, outputSteps, io.outputSize]) as tf.Tensor3D;
    });

  return {
    variables,
    variableNames,
    hyperparameters: h,
    outputSteps,
    outputLengths,
    forward,
    getConfig: () => ({ model: "line-recognizer", ...h, outputSteps, io }),
    dispose: () => {
      for (const v of variables) v.dispose();
    },
  };
}
