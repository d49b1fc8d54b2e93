import type { Batch, ModelOutput, SplitName, TaskInstance } from "../types";

/** Each field of a batch is row-major by sample; a field's row is its length over the batch size. */
function takeRows<T extends Float32Array | Int32Array>(parts: readonly T[], sizes: readonly number[], rows: number): T {
  const first = parts[0]!;
  const stride = first.length / sizes[0]!;
  const out = new (first.constructor as new (n: number) => T)(rows * stride);
  let at = 0;
  for (let i = 0; i < parts.length && at < rows; i++) {
    const take = Math.min(sizes[i]!, rows - at);
    out.set(parts[i]!.subarray(0, take * stride), at * stride);
    at += take;
  }
  return out;
}

/**
 * Scores a model on every sample of a split exactly once: predicted in batches of `batchSize` (the shape the model
 * was built for; the last batch wraps around to the split's start, and those repeats are dropped), then scored in
 * one call of `task.metrics`, so corpus-level metrics (corpus CER, BLEU) are of the whole split, not a mean of
 * per-batch values.
 */
export async function scoreWholeSplit(
  task: TaskInstance,
  split: SplitName,
  batchSize: number,
  predict: (batch: Batch) => Promise<ModelOutput>,
): Promise<{ metrics: Record<string, number>; samples: number }> {
  const { size } = task.split(split);
  const batches: Batch[] = [];
  const outputs: ModelOutput[] = [];
  for (const batch of task.split(split).batches(batchSize)) {
    batches.push(batch);
    outputs.push(await predict(batch));
  }
  const sizes = batches.map((b) => b.size);
  /** The first `size` rows of one field across the batches. */
  const rows = <T extends Float32Array | Int32Array>(field: (b: Batch) => T) =>
    takeRows(batches.map(field), sizes, size);
  const all: Batch = {
    size,
    inputs: rows((b) => b.inputs),
    targets: rows((b) => b.targets),
    inputLengths: rows((b) => b.inputLengths),
    targetLengths: rows((b) => b.targetLengths),
    inputMask: rows((b) => b.inputMask),
    targetMask: rows((b) => b.targetMask),
  };
  const [, steps, width] = outputs[0]!.shape;
  const output: ModelOutput = {
    values: takeRows(
      outputs.map((o) => o.values),
      sizes,
      size,
    ),
    shape: [size, steps, width],
  };
  return { metrics: task.metrics(all, output), samples: size };
}
