import * as tf from "@tensorflow/tfjs";
import { glorotUniform, orthogonalBlocks } from "../initializers";
import { Random } from "../random";
import type { NamedVariable, RecurrentActivation, RecurrentCell, SequenceResult } from "./recurrent-cell";
import { gateActivation, lastStep } from "./recurrent-cell";
import { lstmSequence } from "./fused-recurrence";
import { checkSize } from "./simple-rnn-cell";
import { makeVariable } from "./weights";

export interface LstmCellArgs {
  /** Hidden units. Required. */
  units: number;
  /** Input features per step. Required. */
  inputSize: number;
  /** Gate nonlinearity. Default "sigmoid". */
  recurrentActivation?: RecurrentActivation;
  /** Initialise the forget-gate bias to 1 (Jozefowicz et al. 2015). Default true. */
  unitForgetBias?: boolean;
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
  /** Prefix of the weight names. Default "lstm". */
  name?: string;
}

/**
 * LSTM without peepholes:
 *   i = σ(x W_i + h U_i + b_i), f = σ(x W_f + h U_f + b_f), o = σ(x W_o + h U_o + b_o), g = tanh(x W_g + h U_g + b_g)
 *   c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c').
 * Gate blocks are laid out [i | f | o | g] so one sigmoid covers the three gates.
 * Differs from tfjs-layers: the gate activation defaults to the logistic sigmoid (as in PyTorch and Keras 2),
 * not tfjs's hard sigmoid. Differs from PyTorch: one bias per gate (PyTorch has b_ih + b_hh, an equivalent
 * over-parameterisation) and the forget bias starts at 1 (Keras' unitForgetBias), PyTorch starts it at 0.
 */
export class LstmCell extends tf.serialization.Serializable implements RecurrentCell {
  static className = "SeqlabLstmCell";
  readonly units: number;
  readonly inputSize: number;
  readonly projectionSize: number;
  readonly stateCount = 2;
  readonly weights: NamedVariable[];
  readonly recurrentActivation: RecurrentActivation;
  readonly unitForgetBias: boolean;
  readonly seed: number;
  readonly name: string;
  private readonly kernel: tf.Variable;
  private readonly recurrentKernel: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(args: LstmCellArgs) {
    super();
    checkSize("units", args.units);
    checkSize("inputSize", args.inputSize);
    const activation = args.recurrentActivation ?? "sigmoid";
    if (activation !== "sigmoid" && activation !== "hardSigmoid") {
      throw new Error(`recurrentActivation must be "sigmoid" or "hardSigmoid", got ${String(activation)}`);
    }
    this.units = args.units;
    this.inputSize = args.inputSize;
    this.projectionSize = 4 * args.units;
    this.recurrentActivation = activation;
    this.unitForgetBias = args.unitForgetBias ?? true;
    this.seed = args.seed ?? 0;
    this.name = args.name ?? "lstm";
    const h = this.units;
    const w = makeVariable(
      `${this.name}/kernel`,
      glorotUniform(this.inputSize, 4 * h, Random.stream(this.seed, `${this.name}/kernel`)),
      [this.inputSize, 4 * h],
    );
    const u = makeVariable(
      `${this.name}/recurrent_kernel`,
      orthogonalBlocks(h, 4, Random.stream(this.seed, `${this.name}/recurrent_kernel`)),
      [h, 4 * h],
    );
    const biasValues = new Float32Array(4 * h);
    if (this.unitForgetBias) biasValues.fill(1, h, 2 * h);
    const b = makeVariable(`${this.name}/bias`, biasValues, [4 * h]);
    this.kernel = w.variable;
    this.recurrentKernel = u.variable;
    this.bias = b.variable;
    this.weights = [w, u, b];
  }

  projectInputs(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.kernel as tf.Tensor2D), this.bias) as tf.Tensor2D;
  }

  step(projected: tf.Tensor2D, state: tf.Tensor2D[]): tf.Tensor2D[] {
    const [h, c] = state as [tf.Tensor2D, tf.Tensor2D];
    const units = this.units;
    const batch = h.shape[0];
    const z = tf.add(projected, tf.matMul(h, this.recurrentKernel as tf.Tensor2D)) as tf.Tensor2D;
    const gates = gateActivation(tf.slice(z, [0, 0], [batch, 3 * units]), this.recurrentActivation);
    const candidate = tf.tanh(tf.slice(z, [0, 3 * units], [batch, units]));
    const [i, f, o] = tf.split(gates, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const cNext = tf.add(tf.mul(f, c), tf.mul(i, candidate)) as tf.Tensor2D;
    const hNext = tf.mul(o, tf.tanh(cNext)) as tf.Tensor2D;
    return [hNext, cNext];
  }

  runProjected(
    projected: tf.Tensor3D,
    mask: tf.Tensor3D | null,
    initialState: tf.Tensor2D[],
    reverse = false,
  ): SequenceResult {
    const [h0, c0] = initialState as [tf.Tensor2D, tf.Tensor2D];
    // The fused op also returns every c so that the final cell state (a seq2seq decoder's start) has a gradient.
    const both = lstmSequence(
      projected,
      this.recurrentKernel as tf.Tensor2D,
      h0,
      c0,
      mask,
      this.recurrentActivation,
      reverse,
    );
    const [outputs, cells] = tf.split(both, 2, 0) as [tf.Tensor3D, tf.Tensor3D];
    return { outputs, final: [lastStep(outputs, reverse), lastStep(cells, reverse)] };
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      units: this.units,
      inputSize: this.inputSize,
      recurrentActivation: this.recurrentActivation,
      unitForgetBias: this.unitForgetBias,
      seed: this.seed,
      name: this.name,
    };
  }
}
tf.serialization.registerClass(LstmCell);
