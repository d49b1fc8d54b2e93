import * as tf from "@tensorflow/tfjs";
import { glorotUniform, orthogonalBlocks } from "../initializers";
import { Random } from "../random";
import type { NamedVariable, RecurrentActivation, RecurrentCell, SequenceResult } from "./recurrent-cell";
import { gateActivation, lastStep } from "./recurrent-cell";
import { gruSequence } from "./fused-recurrence";
import { checkSize } from "./simple-rnn-cell";
import { makeVariable } from "./weights";

export interface GruCellArgs {
  /** Hidden units. Required. */
  units: number;
  /** Input features per step. Required. */
  inputSize: number;
  /** Gate nonlinearity. Default "sigmoid". */
  recurrentActivation?: RecurrentActivation;
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
  /** Prefix of the weight names. Default "gru". */
  name?: string;
}

/**
 * GRU in PyTorch's (and cuDNN's, Keras' `resetAfter: true`) form, gate blocks laid out [r | z | n]:
 *   r = σ(x W_r + b_r + h U_r + c_r), z = σ(x W_z + b_z + h U_z + c_z),
 *   n = tanh(x W_n + b_n + r ⊙ (h U_n + c_n)),  h' = (1 - z) ⊙ n + z ⊙ h.
 * Differs from tfjs-layers: tfjs only implements the reset-before variant (its `resetAfter: true` throws) and
 * defaults to the hard sigmoid; we use the logistic sigmoid by default, as PyTorch and Keras 2 do.
 */
export class GruCell extends tf.serialization.Serializable implements RecurrentCell {
  static className = "SeqlabGruCell";
  readonly units: number;
  readonly inputSize: number;
  readonly projectionSize: number;
  readonly stateCount = 1;
  readonly weights: NamedVariable[];
  readonly recurrentActivation: RecurrentActivation;
  readonly seed: number;
  readonly name: string;
  private readonly kernel: tf.Variable;
  private readonly recurrentKernel: tf.Variable;
  private readonly bias: tf.Variable;
  private readonly recurrentBias: tf.Variable;

  constructor(args: GruCellArgs) {
    super();
    checkSize("units", args.units);
    checkSize("inputSize", args.inputSize);
    const activation = args.recurrentActivation ?? "sigmoid";
    if (activation !== "sigmoid" && activation !== "hardSigmoid") {
      throw new Error(`recurrentActivation must be "sigmoid" or "hardSigmoid", got ${String(activation)}`);
    }
    this.units = args.units;
    this.inputSize = args.inputSize;
    this.projectionSize = 3 * args.units;
    this.recurrentActivation = activation;
    this.seed = args.seed ?? 0;
    this.name = args.name ?? "gru";
    const h = this.units;
    const w = makeVariable(
      `${this.name}/kernel`,
      glorotUniform(this.inputSize, 3 * h, Random.stream(this.seed, `${this.name}/kernel`)),
      [this.inputSize, 3 * h],
    );
    const u = makeVariable(
      `${this.name}/recurrent_kernel`,
      orthogonalBlocks(h, 3, Random.stream(this.seed, `${this.name}/recurrent_kernel`)),
      [h, 3 * h],
    );
    const b = makeVariable(`${this.name}/bias`, new Float32Array(3 * h), [3 * h]);
    const c = makeVariable(`${this.name}/recurrent_bias`, new Float32Array(3 * h), [3 * h]);
    this.kernel = w.variable;
    this.recurrentKernel = u.variable;
    this.bias = b.variable;
    this.recurrentBias = c.variable;
    this.weights = [w, u, b, c];
  }

  projectInputs(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.kernel as tf.Tensor2D), this.bias) as tf.Tensor2D;
  }

  step(projected: tf.Tensor2D, state: tf.Tensor2D[]): tf.Tensor2D[] {
    const h = state[0] as tf.Tensor2D;
    const units = this.units;
    const batch = h.shape[0];
    const hp = tf.add(tf.matMul(h, this.recurrentKernel as tf.Tensor2D), this.recurrentBias) as tf.Tensor2D;
    const rz = gateActivation(
      tf.add(tf.slice(projected, [0, 0], [batch, 2 * units]), tf.slice(hp, [0, 0], [batch, 2 * units])),
      this.recurrentActivation,
    );
    const [r, z] = tf.split(rz, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const n = tf.tanh(
      tf.add(
        tf.slice(projected, [0, 2 * units], [batch, units]),
        tf.mul(r, tf.slice(hp, [0, 2 * units], [batch, units])),
      ),
    );
    // (1 - z) n + z h written as n + z (h - n): one op fewer per step.
    return [tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D];
  }

  runProjected(
    projected: tf.Tensor3D,
    mask: tf.Tensor3D | null,
    initialState: tf.Tensor2D[],
    reverse = false,
  ): SequenceResult {
    const outputs = gruSequence(
      projected,
      this.recurrentKernel as tf.Tensor2D,
      this.recurrentBias as tf.Tensor1D,
      initialState[0] as tf.Tensor2D,
      mask,
      this.recurrentActivation,
      reverse,
    );
    return { outputs, final: [lastStep(outputs, reverse)] };
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      units: this.units,
      inputSize: this.inputSize,
      recurrentActivation: this.recurrentActivation,
      seed: this.seed,
      name: this.name,
    };
  }
}
tf.serialization.registerClass(GruCell);
