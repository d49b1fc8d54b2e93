import type { z } from "zod";
import type { Batch, HeadKind, ModelOutput, ProblemType, TaskSpec, TrainingSettings } from "@seqlab/contracts";

export type { Batch, HeadKind, ModelOutput, ProblemType, TaskSpec };

export type SplitName = "train" | "validation" | "test";

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
  /**
   * The keys of `metrics()` a finished run reports on the whole test split, headline first (e.g. cer and corpusCer
   * for lines and speech). Every one has the headline's direction (`higherIsBetter`).
   */
  evaluation: readonly string[];
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
  /** Text-input tasks (translation, char-lm): text to input token ids; throws on a character outside the alphabet. */
  encodeInput?(text: string): number[];
}

/**
 * The model and settings a task recommends: what the launch form switches to when someone picks the task. Chosen to
 * train to a meaningful result (well past the task's baseline) in minutes on two CPU cores at the default params.
 */
export interface TaskRecommendation {
  /** Catalog name of the model; it must fit the task's heads (apps/web's catalog test checks every preset). */
  model: string;
  /** Hyperparameters as the model's schema parses them; keys left out take the model's defaults. */
  modelHyperparameters: Record<string, unknown>;
  /** Training settings that differ from `TrainingSettings`' defaults. */
  training: Partial<TrainingSettings>;
  /** One sentence, shown as "Recommended for <task>: <why>". */
  why: string;
}

/**
 * A task's light definition: what the dashboard needs to validate params and render the launch form, without the
 * sample generators, renderers, fonts or synthesizers that `create` pulls in. `params` is a zod object with
 * defaults and bounds; the dashboard renders a form from it.
 */
export interface TaskInfo<P extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  problemType: ProblemType;
  params: P;
  metric: MetricInfo;
  /** The model and training settings to start from (the launch form's preset for this task). */
  recommended: TaskRecommendation;
  /** Spec without creating data, so the dashboard can filter compatible models. */
  specFor(params: z.output<P>): TaskSpec;
}

/** A catalog entry: a task's light definition plus the `create` that generates its data (worker side). */
export interface TaskDefinition<P extends z.ZodObject = z.ZodObject> extends TaskInfo<P> {
  /** Validated params (run `params.parse` first) and a seed. */
  create(params: z.output<P>, seed: number): TaskInstance;
}
