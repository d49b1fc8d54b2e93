import * as tf from "@tensorflow/tfjs";

/** How per-sample CTC losses are combined. */
export type CtcReduction = "mean" | "sum" | "none";

/** Options of {@link ctcLoss}. */
export interface CtcLossOptions {
  /** Class id of the blank symbol. Default 0 (PyTorch, TF2). Keras `ctc_batch_cost` uses the last class. */
  blank?: number;
  /**
   * Default "mean": each loss divided by its label length (clamped to >= 1), then averaged over the batch, as
   * PyTorch's `nn.CTCLoss`. "sum": sum of the per-sample losses. "none": a [batch] tensor of losses.
   */
  reduction?: CtcReduction;
  /** Default false. When true, infeasible samples (loss +Infinity) count as 0 loss with zero gradient. */
  zeroInfinity?: boolean;
}

const NEG_INF = Number.NEGATIVE_INFINITY;

/** log(exp(a) + exp(b)) without overflow; exact for -Infinity operands. */
function logAdd(a: number, b: number): number {
  if (a === NEG_INF) return b;
  if (b === NEG_INF) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Per-sample state the forward pass keeps for the (lazy) backward pass. */
interface SampleState {
  /** Input length T_b. */
  length: number;
  /** Extended label l' (blanks interleaved), length S = 2L + 1. */
  ext: Int32Array;
  /** Whether the transition s-2 -> s is allowed (l'_s is not blank and differs from l'_{s-2}). */
  skip: Uint8Array;
  /** log alpha, [T_b, S] row-major. */
  alpha: Float64Array;
  /** log p(l | x); -Infinity when the label is infeasible. */
  logLikelihood: number;
}

/** Checks every argument and names the one that is wrong; returns the validated sizes. */
function validate(
  logits: tf.Tensor,
  labels: readonly ArrayLike<number>[],
  inputLengths: ArrayLike<number>,
  labelLengths: ArrayLike<number>,
  blank: number,
  reduction: string,
): { batch: number; time: number; classes: number } {
  if (logits.rank !== 3)
    throw new Error(`ctcLoss: logits must be rank 3 [batch, time, classes], got rank ${logits.rank}`);
  const [batch, time, classes] = logits.shape as [number, number, number];
  if (classes < 1) throw new Error("ctcLoss: logits must have at least 1 class");
  if (!Number.isInteger(blank) || blank < 0 || blank >= classes) {
    throw new Error(`ctcLoss: options.blank must be an integer in [0, ${classes}), got ${blank}`);
  }
  if (reduction !== "mean" && reduction !== "sum" && reduction !== "none") {
    throw new Error(`ctcLoss: options.reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
  }
  if (labels.length !== batch)
    throw new Error(`ctcLoss: labels has ${labels.length} rows but logits has batch ${batch}`);
  if (inputLengths.length !== batch) {
    throw new Error(`ctcLoss: inputLengths has ${inputLengths.length} entries but logits has batch ${batch}`);
  }
  if (labelLengths.length !== batch) {
    throw new Error(`ctcLoss: labelLengths has ${labelLengths.length} entries but logits has batch ${batch}`);
  }
  for (let b = 0; b < batch; b++) {
    const T = inputLengths[b] as number;
    const L = labelLengths[b] as number;
    const row = labels[b] as ArrayLike<number>;
    if (!Number.isInteger(T) || T < 0 || T > time) {
      throw new Error(`ctcLoss: inputLengths[${b}] = ${T} must be an integer in [0, ${time}] (the logits' time steps)`);
    }
    if (!Number.isInteger(L) || L < 0 || L > row.length) {
      throw new Error(
        `ctcLoss: labelLengths[${b}] = ${L} must be an integer in [0, labels[${b}].length = ${row.length}]`,
      );
    }
    for (let i = 0; i < L; i++) {
      const id = row[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= classes) {
        throw new Error(`ctcLoss: labels[${b}][${i}] = ${id} is out of range [0, ${classes})`);
      }
      if (id === blank) throw new Error(`ctcLoss: labels[${b}][${i}] equals the blank id ${blank}`);
    }
  }
  return { batch, time, classes };
}

/**
 * Writes log-softmax and softmax of rows [0, T) of sample b into `out` and `probs` ([T, C]); rows beyond the input length are never read
 * (they may hold padding garbage, even NaN, as in TF's test).
 */
function logSoftmaxRows(
  data: Float32Array,
  offset: number,
  T: number,
  C: number,
  out: Float64Array,
  probs: Float64Array,
): void {
  for (let t = 0; t < T; t++) {
    const base = offset + t * C;
    let max = NEG_INF;
    for (let k = 0; k < C; k++) {
      const v = data[base + k] as number;
      if (v > max) max = v;
    }
    if (max === NEG_INF) max = 0; // every class at -Infinity: keeps x - max at -Infinity instead of NaN
    const o = t * C;
    let sum = 0;
    for (let k = 0; k < C; k++) {
      const e = Math.exp((data[base + k] as number) - max);
      probs[o + k] = e;
      sum += e;
    }
    const lse = max + Math.log(sum);
    const inv = 1 / sum;
    for (let k = 0; k < C; k++) {
      out[o + k] = (data[base + k] as number) - lse;
      probs[o + k] = (probs[o + k] as number) * inv;
    }
  }
}

/**
 * Window of states that can lie on a complete path at step t of T: at most 2t + 1 (two states per step from the
 * start) and at least S - 2(T - t) (the end must stay reachable). Skipping the rest is exact (they are -Infinity
 * in alpha or in beta, so their posterior is 0) and cuts the work by about a third at typical lengths.
 */
function windowLow(S: number, T: number, t: number): number {
  return Math.max(0, S - 2 * (T - t));
}
function windowHigh(S: number, t: number): number {
  return Math.min(S - 1, 2 * t + 1);
}

/** Forward (alpha) recursion in log space for one sample. `lp` is its [T, C] log-softmax. */
function forwardSample(
  lp: Float64Array,
  T: number,
  C: number,
  label: ArrayLike<number>,
  L: number,
  blank: number,
): SampleState {
  const S = 2 * L + 1;
  const ext = new Int32Array(S);
  const skip = new Uint8Array(S);
  for (let s = 0; s < S; s++) {
    ext[s] = s % 2 === 0 ? blank : (label[(s - 1) >> 1] as number);
    skip[s] = s >= 2 && s % 2 === 1 && ext[s] !== ext[s - 2] ? 1 : 0;
  }
  const alpha = new Float64Array(Math.max(T, 1) * S).fill(NEG_INF);
  if (T === 0) {
    // No input steps: only the empty label has probability 1.
    return { length: 0, ext, skip, alpha, logLikelihood: L === 0 ? 0 : NEG_INF };
  }
  if (windowLow(S, T, 0) <= 0) alpha[0] = lp[blank] as number;
  if (S > 1 && windowLow(S, T, 0) <= 1) alpha[1] = lp[ext[1] as number] as number;
  for (let t = 1; t < T; t++) {
    const prev = (t - 1) * S;
    const cur = t * S;
    const row = t * C;
    const hi = windowHigh(S, t);
    for (let s = windowLow(S, T, t); s <= hi; s++) {
      // log(e^a0 + e^a1 + e^a2) with the max factored out: one log per state instead of one per pair.
      const a0 = alpha[prev + s] as number;
      const a1 = s >= 1 ? (alpha[prev + s - 1] as number) : NEG_INF;
      let m = a0 > a1 ? a0 : a1;
      let sum: number;
      if (skip[s] === 1) {
        const a2 = alpha[prev + s - 2] as number;
        if (a2 > m) m = a2;
        if (m === NEG_INF) continue;
        sum = Math.exp(a0 - m) + Math.exp(a1 - m) + Math.exp(a2 - m);
      } else {
        // Blank states and repeats have two predecessors: one exp fewer (half of all states).
        if (m === NEG_INF) continue;
        sum = Math.exp(a0 - m) + Math.exp(a1 - m);
      }
      alpha[cur + s] = m + Math.log(sum) + (lp[row + (ext[s] as number)] as number);
    }
  }
  const last = (T - 1) * S;
  const ll = S > 1 ? logAdd(alpha[last + S - 1] as number, alpha[last + S - 2] as number) : (alpha[last] as number);
  return { length: T, ext, skip, alpha, logLikelihood: ll };
}

/**
 * Backward recursion and gradient of -log p(l|x) with respect to the logits of one sample, scaled by `scale`
 * and added into `grad` at `offset` ([T, C] rows). beta_t(s) here excludes the emission at t, so the state
 * occupation posterior is exp(alpha_t(s) + beta_t(s) - log p). `probs` is the sample's softmax ([T, C]).
 */
function backwardSample(
  st: SampleState,
  lp: Float64Array,
  probs: Float64Array,
  C: number,
  scale: number,
  grad: Float32Array,
  offset: number,
): void {
  const { length: T, ext, skip, alpha, logLikelihood: ll } = st;
  const S = ext.length;
  let beta = new Float64Array(S).fill(NEG_INF);
  let next = new Float64Array(S).fill(NEG_INF);
  beta[S - 1] = 0;
  if (S > 1) beta[S - 2] = 0;
  // beta_{t+1}(s) + lp_{t+1}(l'_s), the quantity every predecessor reads.
  const emitted = new Float64Array(S);
  const post = new Float64Array(C);
  for (let t = T - 1; t >= 0; t--) {
    const lo = windowLow(S, T, t);
    const hi = windowHigh(S, t);
    if (t < T - 1) {
      const row = (t + 1) * C;
      const hiNext = windowHigh(S, t + 1);
      for (let s = lo; s <= hiNext; s++) emitted[s] = (beta[s] as number) + (lp[row + (ext[s] as number)] as number);
      for (let s = lo; s <= hi; s++) {
        const b0 = emitted[s] as number;
        const b1 = s + 1 <= hiNext ? (emitted[s + 1] as number) : NEG_INF;
        let m = b0 > b1 ? b0 : b1;
        if (s + 2 <= hiNext && skip[s + 2] === 1) {
          const b2 = emitted[s + 2] as number;
          if (b2 > m) m = b2;
          next[s] = m === NEG_INF ? NEG_INF : m + Math.log(Math.exp(b0 - m) + Math.exp(b1 - m) + Math.exp(b2 - m));
        } else {
          next[s] = m === NEG_INF ? NEG_INF : m + Math.log(Math.exp(b0 - m) + Math.exp(b1 - m));
        }
      }
      // Entries of the previous window that fall outside this one must read as -Infinity next time.
      for (let s = hi + 1; s <= hiNext; s++) next[s] = NEG_INF;
      if (lo > 0) next[lo - 1] = NEG_INF;
      const tmp = beta;
      beta = next;
      next = tmp;
    }
    post.fill(0);
    const a0 = t * S;
    for (let s = lo; s <= hi; s++) {
      const v = (alpha[a0 + s] as number) + (beta[s] as number);
      if (v !== NEG_INF) {
        const k = ext[s] as number;
        post[k] = (post[k] as number) + Math.exp(v - ll);
      }
    }
    const row = t * C;
    const g = offset + t * C;
    for (let k = 0; k < C; k++) {
      grad[g + k] = (grad[g + k] as number) + scale * ((probs[row + k] as number) - (post[k] as number));
    }
  }
}

/**
 * Connectionist temporal classification loss (Graves et al. 2006) of unnormalised scores.
 *
 * @param logits [batch, time, classes] unnormalised scores; log-softmax is applied inside (as TF2's
 *   `tf.nn.ctc_loss`; PyTorch expects log-probabilities, which log-softmax leaves unchanged).
 * @param labels one row of class ids per sample (arrays or typed-array views, e.g. `targets.subarray(...)` of a
 *   padded batch); only the first `labelLengths[b]` entries are read, so padding may hold anything.
 * @param inputLengths real time steps per sample (<= time); logits beyond them get exactly zero gradient.
 * @param labelLengths label length per sample.
 * @param options blank (default 0), reduction (default "mean"), zeroInfinity (default false).
 * @returns a scalar for "mean"/"sum", a [batch] tensor for "none".
 *
 * The forward-backward recursion runs in plain JS in float64 on the logits' data (read once with `dataSync`),
 * not as per-step tensor ops: one sample is a few thousand scalar updates, and per-op dispatch would dominate.
 * The gradient (softmax minus the state-occupation posterior) is analytic, through `tf.customGrad`; beta is
 * only computed when a gradient is requested.
 *
 * Differs from PyTorch: an infeasible sample (label too long for its input, or a zero-probability symbol)
 * gets loss +Infinity and a zero gradient even when `zeroInfinity` is false (PyTorch returns inf or NaN
 * gradients there), so one bad sample cannot poison the other samples' updates with NaN.
 */
export function ctcLoss(
  logits: tf.Tensor3D,
  labels: readonly ArrayLike<number>[],
  inputLengths: ArrayLike<number>,
  labelLengths: ArrayLike<number>,
  options: CtcLossOptions = {},
): tf.Tensor {
  const blank = options.blank ?? 0;
  const reduction = options.reduction ?? "mean";
  const zeroInfinity = options.zeroInfinity ?? false;
  const { batch, time, classes } = validate(logits, labels, inputLengths, labelLengths, blank, reduction);

  const run = tf.customGrad((...inputs) => {
    const data = (inputs[0] as tf.Tensor).dataSync() as Float32Array;
    const states: SampleState[] = [];
    const logProbs: Float64Array[] = [];
    const softmaxes: Float64Array[] = [];
    const losses = new Float32Array(batch);
    for (let b = 0; b < batch; b++) {
      const T = inputLengths[b] as number;
      const lp = new Float64Array(Math.max(T, 1) * classes);
      const probs = new Float64Array(lp.length);
      logSoftmaxRows(data, b * time * classes, T, classes, lp, probs);
      softmaxes.push(probs);
      const st = forwardSample(lp, T, classes, labels[b] as ArrayLike<number>, labelLengths[b] as number, blank);
      states.push(st);
      logProbs.push(lp);
      const loss = -st.logLikelihood;
      losses[b] = loss === Number.POSITIVE_INFINITY && zeroInfinity ? 0 : loss;
    }
    // Per-sample weight of each loss in the reduced value (also the gradient's scale).
    const weights = new Float32Array(batch);
    for (let b = 0; b < batch; b++) {
      weights[b] = reduction === "mean" ? 1 / Math.max(labelLengths[b] as number, 1) / batch : 1;
    }
    let value: tf.Tensor;
    if (reduction === "none") {
      value = tf.tensor1d(losses);
    } else {
      let total = 0;
      for (let b = 0; b < batch; b++) total += (weights[b] as number) * (losses[b] as number);
      value = tf.scalar(total);
    }
    const gradFunc = (dy: tf.Tensor): tf.Tensor => {
      const dyData = dy.dataSync();
      const grad = new Float32Array(batch * time * classes);
      for (let b = 0; b < batch; b++) {
        const st = states[b] as SampleState;
        if (st.logLikelihood === NEG_INF || st.length === 0) continue; // infeasible or empty: zero gradient
        const scale = (reduction === "none" ? (dyData[b] as number) : (dyData[0] as number)) * (weights[b] as number);
        if (scale === 0) continue;
        backwardSample(
          st,
          logProbs[b] as Float64Array,
          softmaxes[b] as Float64Array,
          classes,
          scale,
          grad,
          b * time * classes,
        );
      }
      return tf.tensor3d(grad, [batch, time, classes]);
    };
    return { value, gradFunc };
  });
  return run(logits);
}
