import * as tf from "@tensorflow/tfjs";

/** Gate nonlinearity of LSTM/GRU. "hardSigmoid" is tfjs-layers' default: clip(0.2 x + 0.5, 0, 1). */
export type RecurrentActivation = "sigmoid" | "hardSigmoid";

/** A trainable tensor with a stable name (tfjs variable names are process-global, so names live here). */
export interface NamedVariable {
  name: string;
  variable: tf.Variable;
}

/**
 * One recurrent cell, split the way that makes tfjs fast: the input projection for all time steps is one matMul
 * (`projectInputs`), and only the recurrent part runs in the per-step loop (`step`).
 */
export interface RecurrentCell {
  /** Hidden units (width of the output h). */
  readonly units: number;
  /** Input features per step. */
  readonly inputSize: number;
  /** Width of the projected input: gates * units. */
  readonly projectionSize: number;
  /** Number of state tensors (1 for RNN/GRU: h; 2 for LSTM: h, c). state[0] is always the output h. */
  readonly stateCount: number;
  readonly weights: NamedVariable[];
  /** x [N, inputSize] -> [N, projectionSize], bias included. */
  projectInputs(x: tf.Tensor2D): tf.Tensor2D;
  /** One step from a projected input [B, projectionSize] and the previous state. */
  step(projected: tf.Tensor2D, state: tf.Tensor2D[]): tf.Tensor2D[];
  /**
   * The whole recurrence over projected inputs [T, B, projectionSize] as one op with hand-written BPTT
   * (fused-recurrence.ts): h at every step [T, B, units]. Optional: cells without it run step by step.
   */
  runProjected?(
    projected: tf.Tensor3D,
    mask: tf.Tensor3D | null,
    initialState: tf.Tensor2D[],
    reverse?: boolean,
  ): SequenceResult;
}

/** Applies the gate nonlinearity. */
export function gateActivation(x: tf.Tensor2D, kind: RecurrentActivation): tf.Tensor2D {
  if (kind === "sigmoid") return tf.sigmoid(x);
  return tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1) as tf.Tensor2D;
}

/** The last processed step of a time-major sequence [T, B, F] as [B, F]: step T-1, or step 0 when reversed. */
export function lastStep(sequence: tf.Tensor3D, reverse = false): tf.Tensor2D {
  const [steps, batch, features] = sequence.shape;
  return tf.reshape(tf.slice(sequence, [reverse ? 0 : steps - 1, 0, 0], [1, batch, features]), [
    batch,
    features,
  ]) as tf.Tensor2D;
}

/** Zero initial state for a batch. */
export function zeroState(cell: RecurrentCell, batch: number): tf.Tensor2D[] {
  return Array.from({ length: cell.stateCount }, () => tf.zeros([batch, cell.units]) as tf.Tensor2D);
}

export interface SequenceResult {
  /** Output h at every step, time-major [T, B, units]. */
  outputs: tf.Tensor3D;
  /** State after the last step (for padded samples: after their last real step); final[0] is h. */
  final: tf.Tensor2D[];
}

/**
 * Runs a cell over a time-major sequence [T, B, inputSize]. With a `mask` ([T, B, 1], 1 = real step) the state is
 * carried unchanged through padded steps, so the final state is the one after each sample's last real step and a
 * reversed padded sequence (padding first) starts from the initial state.
 */
export function runSequence(
  cell: RecurrentCell,
  x: tf.Tensor3D,
  options: {
    mask?: tf.Tensor3D | null;
    initialState?: tf.Tensor2D[];
    /** Use the cell's fused whole-sequence op when it has one. Default true; false gives the step-by-step autodiff path. */
    fused?: boolean;
    /** Read the sequence right to left (outputs stay indexed by input step; `final` is the state after step 0). Default false. */
    reverse?: boolean;
  } = {},
): SequenceResult {
  const [steps, batch, features] = x.shape;
  const projected = tf.reshape(cell.projectInputs(tf.reshape(x, [steps * batch, features])), [
    steps,
    batch,
    cell.projectionSize,
  ]) as tf.Tensor3D;
  if ((options.fused ?? true) && cell.runProjected) {
    return cell.runProjected(
      projected,
      options.mask ?? null,
      options.initialState ?? zeroState(cell, batch),
      options.reverse ?? false,
    );
  }
  if (options.reverse) {
    const reversed = runSequence(cell, tf.reverse(x, 0), {
      mask: options.mask ? tf.reverse(options.mask, 0) : null,
      ...(options.initialState ? { initialState: options.initialState } : {}),
      fused: false,
    });
    return { outputs: tf.reverse(reversed.outputs, 0), final: reversed.final };
  }
  // Time-major, so each step is one contiguous slice of the projection.
  const perStep = tf.unstack(projected, 0) as tf.Tensor2D[];
  const masks = options.mask ? (tf.unstack(options.mask, 0) as tf.Tensor2D[]) : null;
  let state = options.initialState ?? zeroState(cell, batch);
  const outputs: tf.Tensor2D[] = [];
  for (let t = 0; t < steps; t++) {
    let next = cell.step(perStep[t] as tf.Tensor2D, state);
    if (masks) {
      const keep = masks[t] as tf.Tensor2D;
      const hold = tf.sub(1, keep);
      // new * 1 + old * 0 is exactly `new` for real steps, so unpadded batches match the unmasked path bit for bit.
      next = next.map((s, i) => tf.add(tf.mul(s, keep), tf.mul(state[i] as tf.Tensor2D, hold)) as tf.Tensor2D);
    }
    state = next;
    outputs.push(state[0] as tf.Tensor2D);
  }
  return { outputs: tf.stack(outputs, 0) as tf.Tensor3D, final: state };
}
