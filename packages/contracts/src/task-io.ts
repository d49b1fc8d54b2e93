/**
 * The shapes a task and a model share: what a task offers (its spec and its batches) is exactly what a model
 * consumes. They live here once, so @seqlab/datasets and @seqlab/models agree by construction and neither
 * imports the other.
 */

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

/** Everything a model needs to know to fit a task. Plain data, so a checkpoint can carry it as JSON. */
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
