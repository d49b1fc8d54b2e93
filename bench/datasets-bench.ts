/**
 * Batch generation speed of every task in the dataset catalog, at batch 32 with default params, on one core.
 * Baseline measured in the same run: allocating and filling typed arrays of the same batch size (the memory floor
 * no generator can beat), so "x floor" says how much each task's sampling costs beyond writing its bytes.
 *
 *   npx tsx bench/datasets-bench.ts [seconds per task, default 1]
 */
import { createTask, taskCatalog, type Batch } from "@seqlab/datasets";

const BATCH_SIZE = 32;
/** Batch index far from 0: generation must cost the same anywhere (random access, no replay from the start). */
const FAR_INDEX = 1_000_003;
const secondsPerTask = Number(process.argv[2] ?? 1);

/** Runs `fn` repeatedly for about `seconds` (after one warm-up call) and returns calls per second. */
function rate(fn: () => unknown, seconds: number): number {
  fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000 || calls < 3) {
    fn();
    calls++;
    elapsed = performance.now() - start;
  }
  return (calls * 1000) / elapsed;
}

function bytesOf(batch: Batch): number {
  return [batch.inputs, batch.targets, batch.inputLengths, batch.targetLengths, batch.inputMask, batch.targetMask]
    .map((array) => array.byteLength)
    .reduce((a, b) => a + b, 0);
}

interface Row {
  task: string;
  shape: string;
  kib: string;
  batchesPerSecond: string;
  farIndex: string;
  samplesPerSecond: string;
  xFloor: string;
}

const rows: Row[] = [];
for (const definition of taskCatalog) {
  const task = createTask(definition.name, {}, 42);
  const train = task.split("train");
  let index = 0;
  const batchRate = rate(() => train.batch(index++, BATCH_SIZE), secondsPerTask);
  const farRate = rate(() => train.batch(FAR_INDEX, BATCH_SIZE), secondsPerTask / 4);
  const sample = train.batch(0, BATCH_SIZE);
  const bytes = bytesOf(sample);
  const floorRate = rate(() => {
    const buffer = new Float32Array(bytes / 4);
    buffer.fill(1);
    return buffer;
  }, secondsPerTask / 4);
  const { spec } = task;
  rows.push({
    task: definition.name,
    shape: `${spec.inputLength}x${spec.inputFeatures} -> ${spec.targetLength}x${spec.outputSize}`,
    kib: (bytes / 1024).toFixed(0),
    batchesPerSecond: batchRate.toFixed(0),
    farIndex: farRate.toFixed(0),
    samplesPerSecond: (batchRate * BATCH_SIZE).toFixed(0),
    xFloor: (floorRate / batchRate).toFixed(0),
  });
}

const headers: Record<keyof Row, string> = {
  task: "task",
  shape: "input -> target (steps x width)",
  kib: "KiB/batch",
  batchesPerSecond: "batches/s",
  farIndex: `batches/s @${FAR_INDEX}`,
  samplesPerSecond: "samples/s",
  xFloor: "x floor",
};
const keys = Object.keys(headers) as (keyof Row)[];
const widths = keys.map((key) => Math.max(headers[key].length, ...rows.map((row) => row[key].length)));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
console.log(`datasets bench: batch ${BATCH_SIZE}, default params, seed 42, node ${process.version}`);
console.log(line(keys.map((key) => headers[key])));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(keys.map((key) => row[key])));
console.log(`"x floor": time per batch / time to allocate and fill the same bytes (measured in this run).`);
