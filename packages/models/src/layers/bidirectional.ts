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
 * Two cells over the sequence in opposite directions. The backward cell reads steps T-1 down to 0, which equals a
 * forward recurrence on the time-reversed input with its outputs reversed back (tested), so output step t of both
 * halves refers to input step t; with a mask, trailing padding is read first and leaves its state at zero.
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

  /** Runs both directions on time-major x [T, B, I]; `final` holds the single merged h [B, units]. */
  run(x: tf.Tensor3D, mask: tf.Tensor3D | null = null, fused = true): SequenceResult {
    const fwd = runSequence(this.forward, x, { mask, fused });
    const bwd = this.runBackward(x, mask, fused);
    return {
      outputs: this.combine(fwd.outputs, bwd.outputs, 2) as tf.Tensor3D,
      final: [this.combine(fwd.final[0] as tf.Tensor2D, bwd.final[0] as tf.Tensor2D, 1) as tf.Tensor2D],
    };
  }

  /** The backward half alone: outputs aligned with the input steps, final state after reaching step 0. */
  runBackward(x: tf.Tensor3D, mask: tf.Tensor3D | null = null, fused = true): SequenceResult {
    return runSequence(this.backward, x, { mask, fused, reverse: true });
  }

  private combine(a: tf.Tensor, b: tf.Tensor, axis: number): tf.Tensor {
    return this.merge === "concat" ? tf.concat([a, b], axis) : tf.add(a, b);
  }

  /**
   * Both cells are nested as `{ className, config }` (tfjs-layers' Bidirectional nests its layer the same way), so
   * the config alone rebuilds the layer; `units` is derived and informational.
   */
  getConfig(): tf.serialization.ConfigDict {
    return {
      merge: this.merge,
      units: this.units,
      forward: serializeCell(this.forward, "forward"),
      backward: serializeCell(this.backward, "backward"),
    };
  }

  /** Rebuilds the nested cells through tfjs's serialization registry, then the layer (weights come separately). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls({
      forward: deserializeCell(config.forward, "forward"),
      backward: deserializeCell(config.backward, "backward"),
      merge: config.merge,
    });
  }
}
tf.serialization.registerClass(Bidirectional);

type Direction = "forward" | "backward";

function serializeCell(cell: RecurrentCell, argument: Direction): tf.serialization.ConfigDict {
  if (!(cell instanceof tf.serialization.Serializable)) {
    throw new Error(`${argument} cannot be serialised: its cell does not extend tf.serialization.Serializable`);
  }
  return { className: cell.getClassName(), config: cell.getConfig() };
}

function deserializeCell(value: tf.serialization.ConfigDictValue | undefined, argument: Direction): RecurrentCell {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${argument} must be a nested { className, config } cell config, got ${JSON.stringify(value)}`);
  }
  const { className, config } = value;
  const registered =
    typeof className === "string" ? tf.serialization.SerializationMap.getMap().classNameMap[className] : undefined;
  if (!registered) {
    throw new Error(`${argument}: class ${String(className)} is not registered with tf.serialization.registerClass`);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new Error(`${argument}.config must be an object, got ${JSON.stringify(config)}`);
  }
  const [cls, fromConfig] = registered;
  return fromConfig(cls, config) as unknown as RecurrentCell;
}
