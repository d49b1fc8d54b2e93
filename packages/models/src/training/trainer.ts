import * as tf from "@tensorflow/tfjs";
import { getModelDefinition, parseHyperparameters, type PreparedInputs, type TrainableModel } from "../model-builders";
import { decodeCheckpoint, encodeCheckpoint, readCheckpointMeta, type CheckpointTensor } from "../checkpoint";
import { ctcLoss } from "../ctc";
import { trainedHead } from "../model-lookup";
import { hashString } from "../random";
import type {
  CheckpointMeta,
  HeadKind,
  ModelIO,
  ModelOutput,
  OptimizerConfig,
  SequenceTrainer,
  StepResult,
  TrainerOptions,
  TrainingBatch,
} from "../types";
import { maskedMeanSquaredError, maskedSoftmaxCrossEntropy, oneHotValues } from "./losses";
import { clipByGlobalNorm, createOptimizer, type Optimizer } from "./optimizers";

/** A batch turned into tensors: model inputs plus what the loss needs. Disposed after each call. */
interface PreparedBatch extends PreparedInputs {
  /** Class targets one-hot [B, L, C], or regression targets [B, L, O]. */
  targets: tf.Tensor3D;
  /** [B, L] */
  targetMask: tf.Tensor2D;
  /** CTC labels: each sample's first targetLengths[b] target ids. */
  labels: number[][];
  targetLengths: Int32Array;
}

/** Builds a trainer for a catalog model: validates hyperparameters, picks the head, initialises weights from the seed. */
export async function createTrainer(options: TrainerOptions): Promise<SequenceTrainer> {
  const entry = getModelDefinition(options.model);
  const hyperparameters = parseHyperparameters(entry, options.hyperparameters);
  validateOptimizer(options.optimizer);
  const head = trainedHead(entry, options.io.heads);
  if (!head) {
    throw new Error(
      `model "${entry.name}" supports heads [${entry.heads.join(", ")}], the task offers [${options.io.heads.join(", ")}]`,
    );
  }
  const model = entry.build(hyperparameters, options.io, head, options.seed);
  return new CatalogTrainer(options.model, hyperparameters, options.io, options.optimizer, options.seed, head, model);
}

/** Restores a trainer from `saveCheckpoint` bytes: same weights, optimiser state and step, so training continues exactly. */
export async function loadTrainer(bytes: Uint8Array): Promise<{ trainer: SequenceTrainer; meta: CheckpointMeta }> {
  const { meta, tensors } = decodeCheckpoint(bytes);
  const trainer = (await createTrainer({
    model: meta.model,
    hyperparameters: meta.hyperparameters,
    io: meta.io,
    optimizer: meta.optimizer,
    seed: meta.seed,
  })) as CatalogTrainer;
  try {
    trainer.restore(tensors, meta.step);
  } catch (error) {
    // A checkpoint that does not fit must not leak the model built for it: the caller falls back to another one.
    trainer.dispose();
    throw error;
  }
  return { trainer, meta };
}

export { readCheckpointMeta };

function validateOptimizer(config: OptimizerConfig): void {
  if (!(config.clipNorm >= 0)) throw new Error(`optimizer.clipNorm must be >= 0, got ${config.clipNorm}`);
  if (!(config.learningRate > 0)) throw new Error(`optimizer.learningRate must be > 0, got ${config.learningRate}`);
}

/** The Trainer for every catalog model: per-head loss, seeded dropout stream, own optimiser, exact checkpoints. */
class CatalogTrainer implements SequenceTrainer {
  private steps = 0;
  private samples = 0;
  private readonly optimizer: Optimizer;
  readonly parameterCount: number;

  constructor(
    readonly model: string,
    readonly hyperparameters: Record<string, unknown>,
    readonly io: ModelIO,
    private readonly optimizerConfig: OptimizerConfig,
    private readonly seed: number,
    readonly head: HeadKind,
    private readonly network: TrainableModel,
  ) {
    this.optimizer = createOptimizer(optimizerConfig, network.weights);
    this.parameterCount = network.weights.reduce((n, w) => n + w.variable.size, 0);
  }

  get step(): number {
    return this.steps;
  }

  async trainStep(batch: TrainingBatch): Promise<StepResult> {
    const prepared = this.prepare(batch);
    const variables = this.network.weights.map((w) => w.variable);
    // The dropout stream is a function of (seed, step): a resumed run draws the same masks.
    const dropoutKey = `step${this.steps}`;
    let value: tf.Scalar;
    try {
      const result = tf.variableGrads(() => this.loss(prepared, this.network.forward(prepared, dropoutKey)), variables);
      value = result.value;
      const gradients = variables.map((v) => result.grads[v.name] as tf.Tensor);
      const clipped = clipByGlobalNorm(gradients, this.optimizerConfig.clipNorm);
      this.optimizer.apply(variables, clipped, this.steps + 1);
      tf.dispose(gradients);
      if (clipped !== gradients) tf.dispose(clipped);
    } finally {
      disposePrepared(prepared);
    }
    this.steps += 1;
    const loss = (await value.data())[0] as number;
    value.dispose();
    return { loss };
  }

  async evaluate(batch: TrainingBatch): Promise<{ loss: number; output: ModelOutput }> {
    const prepared = this.prepare(batch);
    const [lossTensor, output] = tf.tidy(() => {
      const out = this.network.forward(prepared, null);
      const loss = this.loss(prepared, out);
      // The loss is teacher-forced; the output a metric sees is the model's own free-running decoding.
      return [loss, this.head === "seq2seq" ? this.network.forward(freeRunning(prepared), null) : out] as const;
    });
    disposePrepared(prepared);
    const loss = (await lossTensor.data())[0] as number;
    lossTensor.dispose();
    return { loss, output: await toModelOutput(output) };
  }

  async predict(batch: TrainingBatch): Promise<ModelOutput> {
    const prepared = this.prepare(batch);
    const output = tf.tidy(() =>
      this.network.forward(this.head === "seq2seq" ? freeRunning(prepared) : prepared, null),
    );
    disposePrepared(prepared);
    return toModelOutput(output);
  }

  async predictWithAttention(
    batch: TrainingBatch,
  ): Promise<{ output: ModelOutput; attention: { values: Float32Array; shape: [number, number, number] } } | null> {
    if (!this.network.forwardWithAttention) return null;
    const prepared = this.prepare(batch);
    try {
      // Free-running, as `predict`: the attention of the tokens the model itself emits.
      const { logits, attention } = this.network.forwardWithAttention(freeRunning(prepared));
      const weights = Float32Array.from((await attention.data()) as Float32Array);
      const shape = attention.shape as [number, number, number];
      attention.dispose();
      return { output: await toModelOutput(logits), attention: { values: weights, shape } };
    } finally {
      disposePrepared(prepared);
    }
  }

  async inputGradientNorms(batch: TrainingBatch): Promise<Float32Array> {
    const prepared = this.prepare(batch);
    try {
      const norms = tf.tidy(() => {
        // The same loss as a training step (dropout off), differentiated with respect to the inputs, not weights.
        const lossOf = (inputs: tf.Tensor) =>
          this.loss(prepared, this.network.forward({ ...prepared, inputs: inputs as tf.Tensor3D }, null));
        const gradient = tf.grad(lossOf)(prepared.inputs) as tf.Tensor3D; // [B, T, I]
        // Per sample and time step the L2 norm over features, then the mean over the batch: [T].
        return tf.mean(tf.sqrt(tf.sum(tf.square(gradient), 2)), 0);
      });
      const values = Float32Array.from((await norms.data()) as Float32Array);
      norms.dispose();
      return values;
    } finally {
      disposePrepared(prepared);
    }
  }

  async sample(conditioning: Float32Array, temperature: number, steps: number): Promise<Int32Array> {
    if (!this.network.sample) throw new Error(`model "${this.model}" cannot sample`);
    const size = this.io.conditioningSize ?? this.io.inputFeatures;
    if (conditioning.length % size !== 0)
      throw new Error(`conditioning length ${conditioning.length} is not a multiple of conditioningSize ${size}`);
    const seed = hashString(`${this.seed}:sample:${this.samples++}`);
    return this.network.sample(conditioning, conditioning.length / size, temperature, steps, seed);
  }

  async saveCheckpoint(extra?: Record<string, unknown>): Promise<Uint8Array> {
    const tensors: CheckpointTensor[] = [];
    for (const w of this.network.weights) tensors.push(await toCheckpointTensor(`model/${w.name}`, w.variable));
    for (const s of this.optimizer.state()) tensors.push(await toCheckpointTensor(`optimizer/${s.name}`, s.tensor));
    const meta: CheckpointMeta = {
      format: "seqlab-checkpoint",
      version: 1,
      model: this.model,
      hyperparameters: this.hyperparameters,
      io: this.io,
      optimizer: this.optimizerConfig,
      seed: this.seed,
      step: this.steps,
      ...(extra ? { extra } : {}),
    };
    return encodeCheckpoint(meta, tensors);
  }

  /** Overwrites weights and optimiser state from decoded checkpoint tensors (names and shapes must match). */
  restore(tensors: CheckpointTensor[], step: number): void {
    const byName = new Map(tensors.map((t) => [t.name, t]));
    for (const w of this.network.weights) {
      const t = byName.get(`model/${w.name}`);
      if (!t) throw new Error(`checkpoint lacks weight "${w.name}"`);
      if (t.shape.join(",") !== w.variable.shape.join(",")) {
        throw new Error(
          `weight "${w.name}": checkpoint shape [${t.shape}] differs from model shape [${w.variable.shape}]`,
        );
      }
      tf.tidy(() => w.variable.assign(tf.tensor(t.values, t.shape, t.dtype)));
    }
    const state = new Map<string, tf.Tensor>();
    for (const t of tensors)
      if (t.name.startsWith("optimizer/"))
        state.set(t.name.slice("optimizer/".length), tf.tensor(t.values, t.shape, t.dtype));
    try {
      this.optimizer.loadState(state);
    } finally {
      tf.dispose([...state.values()]);
    }
    this.steps = step;
  }

  dispose(): void {
    this.optimizer.dispose();
    this.network.dispose();
  }

  private loss(batch: PreparedBatch, output: tf.Tensor3D): tf.Scalar {
    if (this.head === "ctc") {
      // PyTorch semantics ("mean": per-sample loss / label length, averaged). zeroInfinity: one infeasible sample
      // (label longer than the output allows) must not turn the whole batch's loss and gradients into NaN.
      const lengths = this.network.outputLengths ? this.network.outputLengths(batch.inputLengths) : batch.inputLengths;
      return ctcLoss(output, batch.labels, lengths, batch.targetLengths, {
        blank: this.io.blank ?? 0,
        reduction: "mean",
        zeroInfinity: true,
      }) as tf.Scalar;
    }
    if (this.io.outputKind === "regression") return maskedMeanSquaredError(output, batch.targets, batch.targetMask);
    return maskedSoftmaxCrossEntropy(output, batch.targets, batch.targetMask);
  }

  private prepare(batch: TrainingBatch): PreparedBatch {
    const io = this.io;
    const b = batch.size;
    const t = io.inputLength;
    const l = io.targetLength;
    expectLength("inputs", batch.inputs.length, b * t * io.inputFeatures);
    expectLength("inputMask", batch.inputMask.length, b * t);
    expectLength("targetMask", batch.targetMask.length, b * l);
    let stepMask: tf.Tensor3D | null = null;
    if (batch.inputMask.some((m) => m === 0)) {
      const timeMajor = new Float32Array(t * b);
      for (let s = 0; s < b; s++)
        for (let k = 0; k < t; k++) timeMajor[k * b + s] = batch.inputMask[s * t + k] as number;
      stepMask = tf.tensor3d(timeMajor, [t, b, 1]);
    }
    let targets: tf.Tensor3D;
    let decoderInputs: tf.Tensor3D | undefined;
    let targetIds: Int32Array | undefined;
    const labels: number[][] = [];
    if (io.outputKind === "regression") {
      expectLength("targets", batch.targets.length, b * l * io.outputSize);
      targets = tf.tensor3d(Float32Array.from(batch.targets), [b, l, io.outputSize]);
    } else {
      expectLength("targets", batch.targets.length, b * l);
      const ids = Int32Array.from(batch.targets);
      targetIds = ids;
      targets = tf.tensor3d(oneHotValues(ids, io.outputSize), [b, l, io.outputSize]);
      if (this.head === "ctc") {
        for (let s = 0; s < b; s++)
          labels.push(Array.from(ids.subarray(s * l, s * l + (batch.targetLengths[s] as number))));
      }
      if (this.head === "generation") {
        const start = io.specialTokens?.start ?? 0;
        const shifted = new Int32Array(b * l);
        for (let s = 0; s < b; s++) {
          shifted[s * l] = start;
          for (let k = 1; k < l; k++) shifted[s * l + k] = ids[s * l + k - 1] as number;
        }
        decoderInputs = tf.tensor3d(oneHotValues(shifted, io.outputSize), [b, l, io.outputSize]);
      }
    }
    return {
      inputs: tf.tensor3d(batch.inputs, [b, t, io.inputFeatures]),
      stepMask,
      targets,
      targetMask: tf.tensor2d(batch.targetMask, [b, l]),
      inputLengths: batch.inputLengths,
      labels,
      targetLengths: batch.targetLengths,
      ...(targetIds ? { targetIds } : {}),
      ...(decoderInputs ? { decoderInputs } : {}),
    };
  }
}

/** The batch without teacher-forcing targets: a seq2seq decoder then feeds back its own argmax (./seq2seq). */
function freeRunning(batch: PreparedBatch): PreparedBatch {
  const { targetIds: _unused, ...rest } = batch;
  return rest;
}

function expectLength(field: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`batch.${field} has ${actual} values, the task's shapes need ${expected}`);
}

function disposePrepared(p: PreparedBatch): void {
  tf.dispose([
    p.inputs,
    p.targets,
    p.targetMask,
    ...(p.stepMask ? [p.stepMask] : []),
    ...(p.decoderInputs ? [p.decoderInputs] : []),
  ]);
}

async function toModelOutput(output: tf.Tensor3D): Promise<ModelOutput> {
  const values = (await output.data()) as Float32Array;
  const shape = output.shape as [number, number, number];
  output.dispose();
  return { values, shape };
}

async function toCheckpointTensor(name: string, tensor: tf.Tensor): Promise<CheckpointTensor> {
  const dtype = tensor.dtype === "int32" ? "int32" : "float32";
  const data = await tensor.data();
  const values = dtype === "int32" ? Int32Array.from(data as Int32Array) : Float32Array.from(data as Float32Array);
  return { name, dtype, shape: [...tensor.shape], values };
}
