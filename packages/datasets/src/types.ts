import type { z } from "zod";

/** The lecture's problem types: how inputs and outputs line up in time. */
export type ProblemType = "many-to-one" | "many-to-many-aligned" | "many-to-many-unaligned" | "one-to-many";

/** Model heads a task can be trained with (the models package offers one per kind). */
export type HeadKind =
  | "classification" // many-to-one, one class per sequence
  | "regression" // many-to-one, real values per sequence
  | "forecast" // many-to-one or aligned many-to-many real values (next step / horizon)
  | "tagging" // aligned many-to-many, one class per step
  | "ctc" // aligned-in-time input, unaligned shorter label, CTC loss
  | "seq2seq" // encoder-decoder, unaligned target sequence
  | "generation"; // one-to-many: conditioning vector -> token sequence

export type SplitName = "train" | "validation" | "test";

/** Everything a model needs to know to fit a task. Plain data: the models package mirrors it structurally. */
export interface TaskSpec {
  problemType: ProblemType;
  /** Features per input step. Token inputs are one-hot encoded, so this is then the input vocabulary size. */
  inputFeatures: number;
  /** Padded input length: every batch has exactly this many steps. */
  inputLength: number;
  /** "regression": targets are float32 values; "classes": targets are int32 class ids in [0, outputSize). */
  outputKind: "regression" | "classes";
  /** Real values per target step (regression) or number of classes, blank and special tokens included (classes). */
  outputSize: number;
  /** Padded target length: 1 for many-to-one, else the number of target steps in every batch. */
  targetLength: number;
  /** Heads that fit this task; the first is the recommended one. */
  heads: HeadKind[];
  /** CTC tasks: the blank class id. */
  blank?: number;
  /** seq2seq / generation tasks: ids of the special target tokens (decoder start, end of sequence, padding). */
  specialTokens?: { start: number; end: number; pad: number };
  /** one-to-many tasks: size of the conditioning vector, given as the single input step (inputLength 1). */
  conditioningSize?: number;
}

/**
 * One batch, as plain typed arrays (row-major), so datasets never depend on tfjs.
 * Padding is zeros; masks are 1 for real steps and 0 for padding.
 */
export interface Batch {
  size: number;
  /** [size, spec.inputLength, spec.inputFeatures] */
  inputs: Float32Array;
  /** [size, spec.targetLength, spec.outputSize] float32 for regression; [size, spec.targetLength] int32 class ids for classes. */
  targets: Float32Array | Int32Array;
  /** Real (unpadded) input length per sample. */
  inputLengths: Int32Array;
  /** Real (unpadded) target length per sample (1 for many-to-one). */
  targetLengths: Int32Array;
  /** [size, spec.inputLength] */
  inputMask: Float32Array;
  /** [size, spec.targetLength] */
  targetMask: Float32Array;
}

/** Raw model output for a batch: regression values or per-class scores (logits or probabilities). */
export interface ModelOutput {
  values: Float32Array;
  /** [size, steps, outputSize] */
  shape: [number, number, number];
}

/** One split of a task. Batches are pure functions of (seed, split, index): random access makes resume exact. */
export interface TaskSplit {
  name: SplitName;
  /** Number of distinct samples (train may be large; batches wrap around). */
  size: number;
  /** Batch number `index` (0-based) of `batchSize` samples. Same seed and arguments give byte-identical arrays. */
  batch(index: number, batchSize: number): Batch;
  /** Lazily yields batches starting at `startIndex`; `count` limits how many (default: one pass over the split). */
  batches(batchSize: number, options?: { startIndex?: number; count?: number }): Generator<Batch>;
}

export interface MetricInfo {
  /** Key of the task's headline metric in `metrics()` output, e.g. "mse", "cer", "bpc", "accuracy". */
  name: string;
  higherIsBetter: boolean;
  description: string;
}

/** A human-readable sample for the dashboard. */
export interface TaskPreview {
  /** Input as text, or a description of it. */
  input: string;
  /** Target as text. */
  target: string;
  /** Time-series inputs/targets as numbers for a small chart. */
  series?: { input: number[]; target: number[] };
  /** A small PNG (line images, scenes), base64-encoded. */
  pngBase64?: string;
}

/** A created task: a spec, three disjoint splits, metrics and baselines. */
export interface TaskInstance {
  readonly name: string;
  readonly spec: TaskSpec;
  split(name: SplitName): TaskSplit;
  /** Task metrics for a batch and the model's output on it. Always includes `accuracy` and the headline metric. */
  metrics(batch: Batch, output: ModelOutput): Record<string, number>;
  /** Score of the task's trivial baseline (e.g. predict the mean, last value, most frequent class) on a split. */
  baseline(split: SplitName): Record<string, number>;
  /** A few samples for the dashboard. */
  preview(count: number, split?: SplitName): TaskPreview[];
  /** Turns target class ids into text (text-like tasks); identity-like string for others. */
  decodeTarget?(ids: ArrayLike<number>): string;
}

/** A catalog entry. `params` is a zod object with defaults and bounds; the dashboard renders a form from it. */
export interface TaskDefinition<P extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  problemType: ProblemType;
  params: P;
  metric: MetricInfo;
  /** Spec without creating data, so the dashboard can filter compatible models. */
  specFor(params: z.output<P>): TaskSpec;
  /** Validated params (run `params.parse` first) and a seed. */
  create(params: z.output<P>, seed: number): TaskInstance;
}
