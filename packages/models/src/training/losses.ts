import * as tf from "@tensorflow/tfjs";

/**
 * Softmax cross-entropy per step, averaged over the steps whose mask is 1 (padding contributes nothing).
 * logits [B, L, C]; oneHot [B, L, C]; mask [B, L]. A batch with no real step gives 0, not NaN.
 */
export function maskedSoftmaxCrossEntropy(logits: tf.Tensor3D, oneHot: tf.Tensor3D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const perStep = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1));
    return tf.div(tf.sum(tf.mul(perStep, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}

/** Squared error averaged over the output features and the real steps. prediction, target [B, L, O]; mask [B, L]. */
export function maskedMeanSquaredError(prediction: tf.Tensor3D, target: tf.Tensor3D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const perStep = tf.mean(tf.square(tf.sub(prediction, target)), -1);
    return tf.div(tf.sum(tf.mul(perStep, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}

/** One-hot encoding of int class ids in JS ([B*L] ids -> [B*L*C] floats): no gather, so it works on every backend. Ids outside [0, C) give a zero row. */
export function oneHotValues(ids: Int32Array, classes: number): Float32Array {
  const out = new Float32Array(ids.length * classes);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (id >= 0 && id < classes) out[i * classes + id] = 1;
  }
  return out;
}
