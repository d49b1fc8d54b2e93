import * as tf from "@tensorflow/tfjs";

/** Attention scoring function. */
export type AttentionKind = "bahdanau" | "luong-dot" | "luong-general";

/** Additive score parameters (Bahdanau et al. 2015): score = v . tanh(W_k h_s + W_q q). */
export interface AdditiveParams {
  /** [queryUnits, attentionUnits] */
  queryKernel: tf.Tensor2D;
  /** [attentionUnits] */
  v: tf.Tensor1D;
}

/** Additive value a masked-out score gets: exp of it underflows to exactly 0 after the max is subtracted. */
export const MASKED_SCORE = -1e9;

/**
 * Additive bias [batch, time] that removes padded encoder steps from the softmax: 0 for the first `lengths[b]`
 * steps, {@link MASKED_SCORE} after. Default (no lengths): every step is real.
 */
export function attentionMaskBias(batch: number, time: number, lengths?: ArrayLike<number>): tf.Tensor2D {
  const bias = new Float32Array(batch * time);
  if (lengths) {
    for (let b = 0; b < batch; b++) {
      const len = Math.max(1, Math.min(time, lengths[b] as number));
      bias.fill(MASKED_SCORE, b * time + len, (b + 1) * time);
    }
  }
  return tf.tensor2d(bias, [batch, time]);
}

/**
 * Attention scores [batch, time] of a query [batch, q] against precomputed keys [batch, time, k].
 * - "bahdanau": keys are W_k h_s ([.., attentionUnits]); score = v . tanh(keys + q W_q).
 * - "luong-dot": keys are the encoder outputs h_s; score = q . h_s (q and h_s of equal width).
 * - "luong-general": keys are h_s W_a (precomputed once per sequence); score = q . (h_s W_a), i.e. Luong's
 *   q^T W_a h_s with W_a stored transposed.
 * Scores are elementwise products summed over the last axis, not batched matMuls: tfjs's batched x batched matMul
 * is the slow path on wasm (notes/tfjs.md).
 */
export function attentionScores(
  kind: AttentionKind,
  query: tf.Tensor2D,
  keys: tf.Tensor3D,
  additive?: AdditiveParams,
): tf.Tensor2D {
  return tf.tidy(() => {
    if (kind === "bahdanau") {
      if (!additive) throw new Error("attentionScores: bahdanau attention needs its additive parameters");
      const [batch, time, units] = keys.shape;
      const q = tf.matMul(query, additive.queryKernel);
      const hidden = tf.tanh(tf.add(keys, tf.expandDims(q, 1)));
      return tf.reshape(tf.matMul(tf.reshape(hidden, [batch * time, units]), tf.expandDims(additive.v, 1)), [
        batch,
        time,
      ]);
    }
    return tf.sum(tf.mul(keys, tf.expandDims(query, 1)), 2) as tf.Tensor2D;
  });
}

/**
 * Softmax attention: weights [batch, time] over the encoder steps (masked steps exactly 0) and the context
 * [batch, valueUnits] = sum_s weights_s * values_s.
 */
export function attend(
  scores: tf.Tensor2D,
  maskBias: tf.Tensor2D,
  values: tf.Tensor3D,
): { weights: tf.Tensor2D; context: tf.Tensor2D } {
  return tf.tidy(() => {
    const weights = tf.softmax(tf.add(scores, maskBias)) as tf.Tensor2D;
    const context = tf.sum(tf.mul(values, tf.expandDims(weights, 2)), 1) as tf.Tensor2D;
    return { weights, context };
  });
}
