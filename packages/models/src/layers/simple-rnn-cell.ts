import * as tf from "@tensorflow/tfjs";
import { glorotUniform, orthogonal } from "../initializers";
import { Random } from "../random";
import type { NamedVariable, RecurrentCell, SequenceResult } from "./recurrent-cell";
import { lastStep, zeroState } from "./recurrent-cell";
import { simpleRnnSequence } from "./fused-recurrence";
import { makeVariable } from "./weights";

export interface SimpleRnnCellArgs {
  /** Hidden units. Required. */
  units: number;
  /** Input features per step. Required. */
  inputSize: number;
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
  /** Prefix of the weight names. Default "rnn". */
  name?: string;
}

/**
 * Vanilla (Elman) recurrence, exactly h_t = tanh(W_hh h_{t-1} + W_xh x_t + b). Kernels are stored [in, out] and
 * applied as row vectors (x W_xh + h W_hh), which is the same map with transposed matrices.
 * W_xh: Glorot uniform; W_hh: orthogonal; b: zeros.
 */
export class SimpleRnnCell extends tf.serialization.Serializable implements RecurrentCell {
  static className = "SeqlabSimpleRnnCell";
  readonly units: number;
  readonly inputSize: number;
  readonly projectionSize: number;
  readonly stateCount = 1;
  readonly weights: NamedVariable[];
  readonly seed: number;
  readonly name: string;
  private readonly kernel: tf.Variable;
  private readonly recurrentKernel: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(args: SimpleRnnCellArgs) {
    super();
    checkSize("units", args.units);
    checkSize("inputSize", args.inputSize);
    this.units = args.units;
    this.inputSize = args.inputSize;
    this.projectionSize = args.units;
    this.seed = args.seed ?? 0;
    this.name = args.name ?? "rnn";
    const w = makeVariable(
      `${this.name}/W_xh`,
      glorotUniform(this.inputSize, this.units, Random.stream(this.seed, `${this.name}/W_xh`)),
      [this.inputSize, this.units],
    );
    const u = makeVariable(
      `${this.name}/W_hh`,
      orthogonal(this.units, this.units, Random.stream(this.seed, `${this.name}/W_hh`)),
      [this.units, this.units],
    );
    const b = makeVariable(`${this.name}/b`, new Float32Array(this.units), [this.units]);
    this.kernel = w.variable;
    this.recurrentKernel = u.variable;
    this.bias = b.variable;
    this.weights = [w, u, b];
  }

  projectInputs(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.kernel as tf.Tensor2D), this.bias) as tf.Tensor2D;
  }

  step(projected: tf.Tensor2D, state: tf.Tensor2D[]): tf.Tensor2D[] {
    const h = state[0] as tf.Tensor2D;
    return [tf.tanh(tf.add(projected, tf.matMul(h, this.recurrentKernel as tf.Tensor2D))) as tf.Tensor2D];
  }

  runProjected(
    projected: tf.Tensor3D,
    mask: tf.Tensor3D | null,
    initialState: tf.Tensor2D[],
    reverse = false,
  ): SequenceResult {
    const outputs = simpleRnnSequence(
      projected,
      this.recurrentKernel as tf.Tensor2D,
      initialState[0] as tf.Tensor2D,
      mask,
      reverse,
    );
    return { outputs, final: [lastStep(outputs, reverse)] };
  }

  /** Zero state for a batch. */
  initialState(batch: number): tf.Tensor2D[] {
    return zeroState(this, batch);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { units: this.units, inputSize: this.inputSize, seed: this.seed, name: this.name };
  }
}
tf.serialization.registerClass(SimpleRnnCell);

/** Throws unless `value` is a positive integer, naming the argument. */
export function checkSize(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
}
