import * as tf from "@tensorflow/tfjs";

/** Where the zero padding goes: "causal" all on the left (output t sees inputs <= t), "same" split around. */
export type ConvPadding = "causal" | "same";

/**
 * 1-D dilated convolution written as pad + k shifted slices + concat + one matMul (im2col).
 *
 * Why not `tf.conv1d`: its dilated gradient throws on every backend (tfjs #7906), `padding: 'causal'` throws, the
 * wasm backend has no Conv2DBackpropFilter and the cpu one is very slow. Slices, concat and matMul have gradients
 * everywhere and the single matMul is the fast kernel on wasm.
 *
 * @param x [batch, time, inChannels]
 * @param kernel [kernelSize * inChannels, outChannels]: tap j's weights in rows j*inChannels .. (j+1)*inChannels - 1,
 *   i.e. tf.conv1d's [kernelSize, in, out] filter reshaped; tap kernelSize - 1 multiplies the current step (causal).
 * @param bias [outChannels] or null.
 * @param kernelSize taps (>= 1).
 * @param dilation gap between taps in steps (>= 1).
 * @param padding default "causal".
 * @returns [batch, time, outChannels]
 */
export function dilatedConv1d(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  kernelSize: number,
  dilation: number,
  padding: ConvPadding = "causal",
): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, time, channels] = x.shape;
    if (kernel.shape[0] !== kernelSize * channels) {
      throw new Error(
        `dilatedConv1d: kernel has ${kernel.shape[0]} rows, expected kernelSize * inChannels = ${kernelSize * channels}`,
      );
    }
    const span = (kernelSize - 1) * dilation;
    const left = padding === "causal" ? span : Math.floor(span / 2);
    const padded =
      span > 0
        ? tf.pad(x, [
            [0, 0],
            [left, span - left],
            [0, 0],
          ])
        : x;
    const taps: tf.Tensor3D[] = [];
    for (let j = 0; j < kernelSize; j++) taps.push(tf.slice(padded, [0, j * dilation, 0], [batch, time, channels]));
    const columns = taps.length === 1 ? (taps[0] as tf.Tensor3D) : tf.concat(taps, 2);
    let y: tf.Tensor2D = tf.matMul(tf.reshape(columns, [batch * time, kernelSize * channels]), kernel);
    if (bias) y = tf.add(y, bias);
    return tf.reshape(y, [batch, time, kernel.shape[1]]);
  });
}
