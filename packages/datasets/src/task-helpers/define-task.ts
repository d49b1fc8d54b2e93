import type { z } from "zod";
import { createRng, type Rng } from "../random";
import type {
  Batch,
  ModelOutput,
  SplitName,
  TaskDefinition,
  TaskInfo,
  TaskInstance,
  TaskPreview,
  TaskSpec,
  TaskSplit,
} from "../types";
import { assembleBatch } from "./assemble-batch";
import type { Sample } from "./sample";
import { formatParamError } from "./task-params";

/** The split names, in the order tasks and reports list them. */
export const SPLIT_NAMES: readonly SplitName[] = ["train", "validation", "test"];

/**
 * Baselines are scored on at most this many samples of a split: enough for a 1% standard error on the adding
 * problem's MSE, small enough to compute in well under a second for every task.
 */
export const BASELINE_SAMPLE_LIMIT = 2048;

/** Read access to a created task's samples, handed to a task's baseline and preview code. */
export interface SampleSource {
  /** Sample `index` of `split` (pure in seed, split and index). */
  sample(split: SplitName, index: number): Sample;
  /** The first min(limit, size) samples of `split`, assembled into one batch. */
  batchOf(split: SplitName, limit?: number): Batch;
  /** Number of distinct samples in `split`. */
  size(split: SplitName): number;
}

/** What a task builds once per (params, seed): its spec, split sizes, a sample function and its scoring. */
export interface TaskSetup {
  spec: TaskSpec;
  sizes: Record<SplitName, number>;
  /** Sample `index` of `split`; `rng` is keyed by (seed, task, split, index) and used by nothing else. */
  sample(rng: Rng, index: number, split: SplitName): Sample;
  metrics(batch: Batch, output: ModelOutput): Record<string, number>;
  baseline(split: SplitName, source: SampleSource): Record<string, number>;
  preview(sample: Sample, index: number, split: SplitName): TaskPreview;
  decodeTarget?(ids: ArrayLike<number>): string;
  encodeInput?(text: string): number[];
}

/**
 * A task's light definition plus the `setup` that generates its data, from which `defineTask` derives splits,
 * batches and the instance. Written as `{ ...definition, setup }`, so the definition stays the one source of the
 * task's name, params, spec and metric for both the light and the full catalog.
 */
export interface TaskRecipe<P extends z.ZodObject> extends TaskInfo<P> {
  setup(params: z.output<P>, seed: number): TaskSetup;
}

/** Builds a split whose batch `index` holds samples index*batchSize ... (mod size), wrapping around the split. */
function createSplit(name: SplitName, size: number, spec: TaskSpec, sampleAt: (index: number) => Sample): TaskSplit {
  const batch = (index: number, batchSize: number): Batch => {
    if (!Number.isSafeInteger(index) || index < 0) throw new Error(`batch index must be an integer >= 0, got ${index}`);
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new Error(`batchSize must be an integer >= 1, got ${batchSize}`);
    }
    const samples: Sample[] = [];
    // Batches are always full, wrapping to the split's start, so models see one fixed batch shape.
    for (let j = 0; j < batchSize; j++) samples.push(sampleAt((index * batchSize + j) % size));
    return assembleBatch(spec, samples);
  };
  function* batches(batchSize: number, options: { startIndex?: number; count?: number } = {}): Generator<Batch> {
    const start = options.startIndex ?? 0;
    const count = options.count ?? Math.ceil(size / batchSize);
    for (let i = 0; i < count; i++) yield batch(start + i, batchSize);
  }
  return { name, size, batch, batches };
}

/**
 * Turns a recipe into a catalog `TaskDefinition`. Sample i of split s is drawn from its own generator keyed by
 * (seed, task name, s, i), which gives determinism, random access and independent splits by construction.
 */
export function defineTask<P extends z.ZodObject>(recipe: TaskRecipe<P>): TaskDefinition<P> {
  return {
    name: recipe.name,
    title: recipe.title,
    description: recipe.description,
    problemType: recipe.problemType,
    params: recipe.params,
    metric: recipe.metric,
    recommended: recipe.recommended,
    specFor: (params) => recipe.specFor(params),
    create(rawParams, seed): TaskInstance {
      if (!Number.isSafeInteger(seed)) throw new Error(`${recipe.name}: seed must be a safe integer, got ${seed}`);
      // Parsing parsed params is a no-op, and it stops a caller that skipped validation from getting NaN sizes.
      const parsed = recipe.params.safeParse(rawParams);
      if (!parsed.success) throw new Error(`${recipe.name}: invalid params: ${formatParamError(parsed.error)}`);
      const params = parsed.data;
      const setup = recipe.setup(params, seed);
      const { spec } = setup;
      const sampleAt = (split: SplitName, index: number): Sample =>
        setup.sample(createRng(seed, recipe.name, split, index), index, split);
      const splits = new Map<SplitName, TaskSplit>();
      for (const name of SPLIT_NAMES) {
        const size = setup.sizes[name];
        splits.set(
          name,
          createSplit(name, size, spec, (index) => sampleAt(name, index)),
        );
      }
      const source: SampleSource = {
        sample: sampleAt,
        size: (split) => setup.sizes[split],
        batchOf(split, limit = BASELINE_SAMPLE_LIMIT) {
          const count = Math.min(limit, setup.sizes[split]);
          const samples: Sample[] = [];
          for (let i = 0; i < count; i++) samples.push(sampleAt(split, i));
          return assembleBatch(spec, samples);
        },
      };
      const baselines = new Map<SplitName, Record<string, number>>();
      const instance: TaskInstance = {
        name: recipe.name,
        spec,
        split(name) {
          const split = splits.get(name);
          if (!split) throw new Error(`${recipe.name}: unknown split "${name}" (known: ${SPLIT_NAMES.join(", ")})`);
          return split;
        },
        metrics: (batch, output) => setup.metrics(batch, output),
        baseline(split) {
          // Baselines are pure in (params, seed, split), so computing each once is enough.
          let result = baselines.get(split);
          if (!result) {
            result = setup.baseline(split, source);
            baselines.set(split, result);
          }
          return { ...result };
        },
        preview(count, split = "validation") {
          const n = Math.min(count, setup.sizes[split]);
          const previews: TaskPreview[] = [];
          for (let i = 0; i < n; i++) previews.push(setup.preview(sampleAt(split, i), i, split));
          return previews;
        },
      };
      if (setup.decodeTarget) instance.decodeTarget = (ids) => setup.decodeTarget!(ids);
      if (setup.encodeInput) instance.encodeInput = (text) => setup.encodeInput!(text);
      return instance;
    },
  };
}
