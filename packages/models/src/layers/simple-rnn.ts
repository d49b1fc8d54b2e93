import * as tf from "@tensorflow/tfjs";
import { glorotUniform } from "../initializers";
import { Random } from "../random";
import type { NamedVariable } from "./recurrent-cell";
import { runSequence } from "./recurrent-cell";
import { SimpleRnnCell, checkSize } from "./simple-rnn-cell";
import { makeVariable } from "./weights";

export interface SimpleRnnArgs {
  /** Hidden units. Required. */
  units: number;
  /** Input features per step. Required. */
  inputSize: number;
  /** Output features per step (width of y). Required. */
  outputSize: number;
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
  /** Prefix of the weight names. Default "rnn". */
  name?: string;
}

/**
 * The textbook vanilla RNN with its output map: h_t = tanh(W_hh h_{t-1} + W_xh x_t + b), y_t = W_hy h_t.
 * Two ways to run it: `forward` over a whole batch-major sequence (training), and `step` one input at a time with
 * the hidden state kept between calls (generation, character by character).
 */
export class SimpleRnn extends tf.serialization.Serializable {
  static className = "SeqlabSimpleRnn";
  readonly cell: SimpleRnnCell;
  readonly outputSize: number;
  private readonly outputKernel: NamedVariable;
  private hidden: tf.Tensor2D | null = null;

  constructor(args: SimpleRnnArgs) {
    super();
    checkSize("outputSize", args.outputSize);
    const name = args.name ?? "rnn";
    const seed = args.seed ?? 0;
    this.cell = new SimpleRnnCell({ units: args.units, inputSize: args.inputSize, seed, name });
    this.outputSize = args.outputSize;
    this.outputKernel = makeVariable(
      `${name}/W_hy`,
      glorotUniform(args.units, args.outputSize, Random.stream(seed, `${name}/W_hy`)),
      [args.units, args.outputSize],
    );
  }

  get weights(): NamedVariable[] {
    return [...this.cell.weights, this.outputKernel];
  }

  /** The hidden state kept by `step` ([B, units]), or null before the first step. */
  get state(): tf.Tensor2D | null {
    return this.hidden;
  }

  /** Training path: x [B, T, inputSize] -> y [B, T, outputSize] and every hidden state [B, T, units]. */
  forward(x: tf.Tensor3D): { y: tf.Tensor3D; h: tf.Tensor3D } {
    return tf.tidy(() => {
      const [batch, steps] = x.shape;
      const { outputs } = runSequence(this.cell, tf.transpose(x, [1, 0, 2]));
      const flat = tf.reshape(outputs, [steps * batch, this.cell.units]) as tf.Tensor2D;
      const y = tf.reshape(tf.matMul(flat, this.outputKernel.variable as tf.Tensor2D), [steps, batch, this.outputSize]);
      return { y: tf.transpose(y, [1, 0, 2]) as tf.Tensor3D, h: tf.transpose(outputs, [1, 0, 2]) as tf.Tensor3D };
    });
  }

  /** Generation path: consumes x [B, inputSize], advances the kept state, returns y [B, outputSize]. */
  step(x: tf.Tensor2D): tf.Tensor2D {
    const previous = this.hidden;
    const [h, y] = tf.tidy(() => {
      const h0 = previous ?? (tf.zeros([x.shape[0], this.cell.units]) as tf.Tensor2D);
      const next = this.cell.step(this.cell.projectInputs(x), [h0])[0] as tf.Tensor2D;
      return [next, tf.matMul(next, this.outputKernel.variable as tf.Tensor2D) as tf.Tensor2D];
    });
    previous?.dispose();
    this.hidden = h;
    return y;
  }

  /** Forgets the kept state (the next `step` starts from zeros). */
  resetState(): void {
    this.hidden?.dispose();
    this.hidden = null;
  }

  /** Frees the weights and the kept state. */
  dispose(): void {
    this.resetState();
    for (const w of this.weights) w.variable.dispose();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...this.cell.getConfig(), outputSize: this.outputSize };
  }
}
tf.serialization.registerClass(SimpleRnn);
