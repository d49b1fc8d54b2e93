import * as tf from "@tensorflow/tfjs";
import { headModeFor, type HeadMode } from "../head-mode";
import { glorotUniform } from "../initializers";
import { Bidirectional, type MergeMode } from "../layers/bidirectional";
import { GruCell } from "../layers/gru-cell";
import { LstmCell } from "../layers/lstm-cell";
import type { NamedVariable, RecurrentActivation, RecurrentCell } from "../layers/recurrent-cell";
import { runSequence, zeroState } from "../layers/recurrent-cell";
import { SimpleRnnCell } from "../layers/simple-rnn-cell";
import { makeVariable } from "../layers/weights";
import { Random } from "../random";
import type { HeadKind, ModelIO } from "../types";

export type CellKind = "rnn" | "lstm" | "gru";

/** Architecture of a stacked recurrent network (parsed hyperparameters plus what the catalog entry fixes). */
export interface RecurrentNetworkConfig {
  cell: CellKind;
  bidirectional: boolean;
  units: number;
  layers: number;
  dropout: number;
  recurrentActivation: RecurrentActivation;
  unitForgetBias: boolean;
  merge: MergeMode;
  /** Output map with a bias (false for the textbook RNN, y = W_hy h). */
  outputBias: boolean;
}

/** Tensors of one batch, shaped for the network (built by the trainer from a TrainingBatch). */
export interface NetworkInputs {
  /** [B, T, I] */
  inputs: tf.Tensor3D;
  /** Time-major step mask [T, B, 1], or null when every sample has full length (skips the masking ops). */
  stepMask: tf.Tensor3D | null;
  /** Generation only: one-hot decoder inputs (start token, then targets shifted right) [B, L, outputSize]. */
  decoderInputs?: tf.Tensor3D;
}

type Layer = { kind: "uni"; cell: RecurrentCell } | { kind: "bi"; layer: Bidirectional };

/**
 * Stacked (optionally bidirectional) RNN/LSTM/GRU with a dense head. Weights are plain variables created from
 * seeded streams named after each weight, so one seed always gives the same network.
 */
export class RecurrentNetwork {
  readonly layers: Layer[] = [];
  readonly mode: HeadMode;
  private readonly output: NamedVariable[];
  private readonly conditioning: NamedVariable[] = [];
  private readonly outputWidth: number;

  constructor(
    readonly config: RecurrentNetworkConfig,
    readonly io: ModelIO,
    readonly head: HeadKind,
    readonly seed: number,
  ) {
    this.mode = headModeFor(head, io);
    if (this.mode === "generation" && config.bidirectional)
      throw new Error("a bidirectional model cannot generate (it needs the future)");
    if (this.mode === "aligned" && head !== "ctc" && io.targetLength !== io.inputLength) {
      throw new Error(
        `head "${head}" needs targetLength (${io.targetLength}) equal to inputLength (${io.inputLength})`,
      );
    }
    const inputSize = this.mode === "generation" ? io.outputSize : io.inputFeatures;
    let width = inputSize;
    for (let l = 0; l < config.layers; l++) {
      if (config.bidirectional) {
        const layer = new Bidirectional({
          forward: this.makeCell(width, `layer${l}/forward`),
          backward: this.makeCell(width, `layer${l}/backward`),
          merge: config.merge,
        });
        this.layers.push({ kind: "bi", layer });
        width = layer.units;
      } else {
        this.layers.push({ kind: "uni", cell: this.makeCell(width, `layer${l}`) });
        width = config.units;
      }
    }
    if (this.mode === "generation") {
      const size = io.conditioningSize ?? io.inputFeatures;
      for (let l = 0; l < config.layers; l++) {
        const name = `conditioning${l}/kernel`;
        this.conditioning.push(
          makeVariable(name, glorotUniform(size, config.units, Random.stream(seed, name)), [size, config.units]),
        );
        this.conditioning.push(makeVariable(`conditioning${l}/bias`, new Float32Array(config.units), [config.units]));
      }
    }
    this.outputWidth = this.mode === "pooled" ? io.targetLength * io.outputSize : io.outputSize;
    const kernel = makeVariable(
      "output/kernel",
      glorotUniform(width, this.outputWidth, Random.stream(seed, "output/kernel")),
      [width, this.outputWidth],
    );
    this.output = config.outputBias
      ? [kernel, makeVariable("output/bias", new Float32Array(this.outputWidth), [this.outputWidth])]
      : [kernel];
  }

  private makeCell(inputSize: number, name: string): RecurrentCell {
    const { units, recurrentActivation, unitForgetBias } = this.config;
    const seed = this.seed;
    if (this.config.cell === "rnn") return new SimpleRnnCell({ units, inputSize, seed, name });
    if (this.config.cell === "lstm")
      return new LstmCell({ units, inputSize, seed, name, recurrentActivation, unitForgetBias });
    return new GruCell({ units, inputSize, seed, name, recurrentActivation });
  }

  /** Every trainable weight, in a fixed order (checkpoint and optimiser slots follow it). */
  get weights(): NamedVariable[] {
    const layerWeights = this.layers.flatMap((l) => (l.kind === "uni" ? l.cell.weights : l.layer.weights));
    return [...layerWeights, ...this.conditioning, ...this.output];
  }

  /**
   * Raw outputs [B, L, outputSize] (logits or regression values). `dropoutKey` names the dropout stream
   * (the trainer passes the step number); null means inference, no dropout.
   */
  forward(batch: NetworkInputs, dropoutKey: string | null): tf.Tensor3D {
    const [b] = batch.inputs.shape;
    const source = this.mode === "generation" ? batch.decoderInputs : batch.inputs;
    if (!source) throw new Error("generation needs decoderInputs");
    const initial =
      this.mode === "generation"
        ? this.conditionedStates(tf.squeeze(tf.slice(batch.inputs, [0, 0, 0], [b, 1, -1]), [1]) as tf.Tensor2D)
        : null;
    // A decoder's padded target steps are masked in the loss; its recurrence needs no mask.
    const mask = this.mode === "generation" ? null : batch.stepMask;
    let x = tf.transpose(source, [1, 0, 2]) as tf.Tensor3D;
    let last: tf.Tensor2D | null = null;
    this.layers.forEach((layer, l) => {
      const result =
        layer.kind === "uni"
          ? runSequence(layer.cell, x, { mask, initialState: initial?.[l] })
          : layer.layer.run(x, mask);
      x = result.outputs;
      last = result.final[0] as tf.Tensor2D;
      if (dropoutKey !== null && this.config.dropout > 0 && l < this.layers.length - 1) {
        x = tf.mul(x, this.dropoutMask(x.shape, `${dropoutKey}/${l}`)) as tf.Tensor3D;
      }
    });
    if (this.mode === "pooled") {
      const y = this.project(last as unknown as tf.Tensor2D);
      return tf.reshape(y, [b, this.io.targetLength, this.io.outputSize]) as tf.Tensor3D;
    }
    const [steps, , width] = x.shape;
    const y = this.project(tf.reshape(x, [steps * b, width]) as tf.Tensor2D);
    return tf.transpose(tf.reshape(y, [steps, b, this.outputWidth]), [1, 0, 2]) as tf.Tensor3D;
  }

  private project(x: tf.Tensor2D): tf.Tensor2D {
    const [kernel, bias] = this.output;
    const y = tf.matMul(x, (kernel as NamedVariable).variable as tf.Tensor2D);
    return (bias ? tf.add(y, bias.variable) : y) as tf.Tensor2D;
  }

  /** Inverted dropout mask from the seeded stream (identical on every backend). */
  private dropoutMask(shape: number[], key: string): tf.Tensor {
    const rate = this.config.dropout;
    const random = Random.stream(this.seed, `dropout/${key}`);
    const values = new Float32Array(shape.reduce((p, d) => p * d, 1));
    const keep = 1 / (1 - rate);
    for (let i = 0; i < values.length; i++) values[i] = random.next() < rate ? 0 : keep;
    return tf.tensor(values, shape);
  }

  /** Initial state per layer from the conditioning vector: h0 = tanh(c W + b), other states zero. */
  conditionedStates(conditioning: tf.Tensor2D): tf.Tensor2D[][] {
    const batch = conditioning.shape[0];
    return this.layers.map((layer, l) => {
      if (layer.kind !== "uni") throw new Error("generation needs unidirectional layers");
      const kernel = (this.conditioning[2 * l] as NamedVariable).variable as tf.Tensor2D;
      const bias = (this.conditioning[2 * l + 1] as NamedVariable).variable;
      const h0 = tf.tanh(tf.add(tf.matMul(conditioning, kernel), bias)) as tf.Tensor2D;
      const rest = zeroState(layer.cell, batch).slice(1);
      return [h0, ...rest];
    });
  }

  /**
   * One-to-many generation: from conditioning [B, conditioningSize], feeds back its own samples for `steps`
   * steps. temperature 0 is greedy; after a sample emits the end token it emits padding. Returns ids [B, steps].
   */
  sample(conditioning: Float32Array, batch: number, temperature: number, steps: number, seed: number): Int32Array {
    if (this.mode !== "generation") throw new Error(`sample() needs a generation head, this model has "${this.head}"`);
    const classes = this.io.outputSize;
    const special = this.io.specialTokens ?? { start: 0, end: -1, pad: 0 };
    const random = Random.stream(seed, "sample");
    const ids = new Int32Array(batch * steps);
    const done = new Uint8Array(batch);
    let previous = new Int32Array(batch).fill(special.start);
    let states = tf.tidy(() => this.conditionedStates(tf.tensor2d(conditioning, [batch, conditioning.length / batch])));
    for (let t = 0; t < steps; t++) {
      const oneHot = new Float32Array(batch * classes);
      previous.forEach((id, i) => {
        if (id >= 0 && id < classes) oneHot[i * classes + id] = 1;
      });
      const [nextStates, logitsTensor] = tf.tidy(() => {
        let x = tf.tensor2d(oneHot, [batch, classes]);
        const next = this.layers.map((layer, l) => {
          if (layer.kind !== "uni") throw new Error("generation needs unidirectional layers");
          const s = layer.cell.step(layer.cell.projectInputs(x), states[l] as tf.Tensor2D[]);
          x = s[0] as tf.Tensor2D;
          return s;
        });
        return [next, this.project(x)] as const;
      });
      states.flat().forEach((s) => s.dispose());
      states = nextStates;
      const logits = logitsTensor.dataSync() as Float32Array;
      logitsTensor.dispose();
      previous = new Int32Array(batch);
      for (let i = 0; i < batch; i++) {
        const row = logits.subarray(i * classes, (i + 1) * classes);
        const id = done[i] ? special.pad : pick(row, temperature, random);
        if (id === special.end) done[i] = 1;
        ids[i * steps + t] = id;
        previous[i] = id;
      }
    }
    states.flat().forEach((s) => s.dispose());
    return ids;
  }

  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}

function pick(logits: Float32Array, temperature: number, random: Random): number {
  let best = 0;
  for (let c = 1; c < logits.length; c++) if ((logits[c] as number) > (logits[best] as number)) best = c;
  if (!(temperature > 0)) return best;
  const max = logits[best] as number;
  const weights = Array.from(logits, (v) => Math.exp((v - max) / temperature));
  let u = random.next() * weights.reduce((a, w) => a + w, 0);
  for (let c = 0; c < weights.length; c++) {
    u -= weights[c] as number;
    if (u <= 0) return c;
  }
  return weights.length - 1;
}
