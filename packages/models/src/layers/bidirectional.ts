import * as tf from "@tensorflow/tfjs";
import type { NamedVariable, RecurrentCell, SequenceResult } from "./recurrent-cell";
import { runSequence } from "./recurrent-cell";

/** How the two directions are combined: "concat" doubles the width, "sum" keeps it. */
export type MergeMode = "concat" | "sum";

export interface BidirectionalArgs {
  /** Cell reading the sequence left to right. Required. */
  forward: RecurrentCell;
  /** Cell reading it right to left; same units as `forward`. Required. */
  backward: RecurrentCell;
  /** Merge of the two directions. Default "concat". */
  merge?: MergeMode;
}

/**
 * Two cells over the sequence in opposite directions. The backward cell runs a plain forward recurrence on the
 * time-reversed input (padding then comes first and, with a mask, leaves its state at zero) and its outputs are
 * reversed back, so output step t of both halves refers to input step t.
 * Differs from tfjs-layers' Bidirectional: the merged "last" state is the forward state after the last real step
 * and the backward state after reading back to step 0, as in PyTorch's h_n, not the backward output at step T-1.
 */
export class Bidirectional extends tf.serialization.Serializable {
  static className = "SeqlabBidirectional";
  readonly forward: RecurrentCell;
  readonly backward: RecurrentCell;
  readonly merge: MergeMode;
  readonly units: number;

  constructor(args: BidirectionalArgs) {
    super();
    const merge = args.merge ?? "concat";
    if (merge !== "concat" && merge !== "sum") throw new Error(`merge must be "concat" or "sum", got ${String(merge)}`);
    if (args.forward.units !== args.backward.units) {
      throw new Error(`backward.units (${args.backward.units}) must equal forward.units (${args.forward.units})`);
    }
    this.forward = args.forward;
    this.backward = args.backward;
    this.merge = merge;
    this.units = merge === "concat" ? 2 * args.forward.units : args.forward.units;
  }

  get weights(): NamedVariable[] {
    return [...this.forward.weights, ...this.backward.weights];
  }

  /** Runs both directions on time-major x [T, B, I]; `final` holds the single merged state [B, units]. */
  run(x: tf.Tensor3D, mask: tf.Tensor3D | null = null): SequenceResult {
    const fwd = runSequence(this.forward, x, { mask });
    const bwd = this.runBackward(x, mask);
    return {
      outputs: this.combine(fwd.outputs, bwd.outputs, 2) as tf.Tensor3D,
      final: [this.combine(fwd.final[0] as tf.Tensor2D, bwd.final[0] as tf.Tensor2D, 1) as tf.Tensor2D],
    };
  }

  /** The backward half alone: outputs aligned with the input steps, final state after reaching step 0. */
  runBackward(x: tf.Tensor3D, mask: tf.Tensor3D | null = null): SequenceResult {
    const reversed = runSequence(this.backward, tf.reverse(x, 0), { mask: mask ? tf.reverse(mask, 0) : null });
    return { outputs: tf.reverse(reversed.outputs, 0), final: reversed.final };
  }

  private combine(a: tf.Tensor, b: tf.Tensor, axis: number): tf.Tensor {
    return this.merge === "concat" ? tf.concat([a, b], axis) : tf.add(a, b);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { merge: this.merge, units: this.units };
  }
}
tf.serialization.registerClass(Bidirectional);
