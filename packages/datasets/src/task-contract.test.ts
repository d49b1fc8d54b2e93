import { createTask, taskCatalog } from "./catalog";
import type { Batch, ModelOutput, TaskSpec } from "./types";

/** Every byte of every array of a batch, for byte-identity checks. */
function batchBytes(batch: Batch): Buffer {
  return Buffer.concat(
    [batch.inputs, batch.targets, batch.inputLengths, batch.targetLengths, batch.inputMask, batch.targetMask].map((a) =>
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
    ),
  );
}

/**
 * What a perfect model outputs: the targets themselves (regression), or a large logit on each target class. CTC
 * outputs have their own step count, so there every label character is followed by a blank step (repeated
 * characters would otherwise collapse) and padding steps are blanks.
 */
function perfectOutput(spec: TaskSpec, batch: Batch): ModelOutput {
  const { size } = batch;
  const { targetLength: L, outputSize: C } = spec;
  if (spec.outputKind === "regression") return { values: Float32Array.from(batch.targets), shape: [size, L, C] };
  if (spec.blank === undefined) {
    const values = new Float32Array(size * L * C);
    batch.targets.forEach((id, i) => (values[i * C + id] = 10));
    return { values, shape: [size, L, C] };
  }
  const values = new Float32Array(size * 2 * L * C);
  for (let row = 0; row < size; row++) {
    for (let t = 0; t < L; t++) {
      const real = batch.targetMask[row * L + t] === 1;
      values[(row * 2 * L + 2 * t) * C + (real ? batch.targets[row * L + t]! : spec.blank)] = 10;
      values[(row * 2 * L + 2 * t + 1) * C + spec.blank] = 10;
    }
  }
  return { values, shape: [size, 2 * L, C] };
}

// Small splits keep the suite fast; train is large enough to wrap only where a test asks for it.
const small = { trainSize: 300, validationSize: 200, testSize: 200 };

describe.each(taskCatalog.map((task) => [task.name]))("task contract: %s", (name) => {
  const task = createTask(name, small, 7);
  const { spec } = task;

  it("is byte-identical for the same seed and params, and differs for another seed", () => {
    const again = createTask(name, small, 7);
    const other = createTask(name, small, 8);
    for (const split of ["train", "validation", "test"] as const) {
      expect(batchBytes(task.split(split).batch(5, 8)).equals(batchBytes(again.split(split).batch(5, 8)))).toBe(true);
      expect(batchBytes(task.split(split).batch(5, 8)).equals(batchBytes(other.split(split).batch(5, 8)))).toBe(false);
    }
  });

  it("random access equals the sequential generator", () => {
    const split = task.split("train");
    const batches = [...split.batches(4, { startIndex: 10, count: 3 })];
    batches.forEach((batch, i) => expect(batchBytes(batch).equals(batchBytes(split.batch(10 + i, 4)))).toBe(true));
    expect([...task.split("validation").batches(64)]).toHaveLength(Math.ceil(200 / 64));
  });

  it("produces spec-shaped batches whose masks agree with the lengths and whose padding is zero", () => {
    const batch = task.split("validation").batch(0, 16);
    const targetWidth = spec.outputKind === "regression" ? spec.outputSize : 1;
    expect(batch.size).toBe(16);
    expect(batch.inputs).toHaveLength(16 * spec.inputLength * spec.inputFeatures);
    expect(batch.targets).toHaveLength(16 * spec.targetLength * targetWidth);
    expect(batch.targets).toBeInstanceOf(spec.outputKind === "classes" ? Int32Array : Float32Array);
    for (let row = 0; row < 16; row++) {
      const inLength = batch.inputLengths[row]!;
      const outLength = batch.targetLengths[row]!;
      expect(inLength).toBeGreaterThan(0);
      expect(inLength).toBeLessThanOrEqual(spec.inputLength);
      expect(outLength).toBeGreaterThan(0);
      expect(outLength).toBeLessThanOrEqual(spec.targetLength);
      for (let t = 0; t < spec.inputLength; t++) {
        expect(batch.inputMask[row * spec.inputLength + t]).toBe(t < inLength ? 1 : 0);
        if (t >= inLength) {
          const base = (row * spec.inputLength + t) * spec.inputFeatures;
          expect(batch.inputs.subarray(base, base + spec.inputFeatures).every((v) => v === 0)).toBe(true);
        }
      }
      for (let t = 0; t < spec.targetLength; t++) {
        expect(batch.targetMask[row * spec.targetLength + t]).toBe(t < outLength ? 1 : 0);
        if (t >= outLength) expect(batch.targets[(row * spec.targetLength + t) * targetWidth]).toBe(0);
      }
    }
    if (spec.outputKind === "classes") {
      expect(Array.from(batch.targets).every((id) => id >= 0 && id < spec.outputSize)).toBe(true);
    }
  });

  it("scores a perfect model at least as well as its baseline, with accuracy and the headline metric", () => {
    const batch = task.split("test").batch(0, 32);
    const metrics = task.metrics(batch, perfectOutput(spec, batch));
    const definition = taskCatalog.find((t) => t.name === name)!;
    expect(metrics.accuracy).toBe(1);
    expect(metrics[definition.metric.name]).toEqual(expect.any(Number));
    const baseline = task.baseline("test")[definition.metric.name]!;
    const perfect = metrics[definition.metric.name]!;
    if (definition.metric.higherIsBetter) expect(perfect).toBeGreaterThan(baseline);
    else expect(perfect).toBeLessThan(baseline);
    // The test-set report: its keys are metrics the task computes, and each has a baseline to stand beside.
    const baselines = task.baseline("test");
    for (const key of definition.metric.evaluation) {
      expect(metrics[key]).toEqual(expect.any(Number));
      expect(baselines[key]).toEqual(expect.any(Number));
    }
  });

  it("matches specFor and renders previews", () => {
    const definition = taskCatalog.find((t) => t.name === name)!;
    expect(definition.specFor(definition.params.parse(small))).toEqual(spec);
    const previews = task.preview(3, "test");
    expect(previews).toHaveLength(3);
    for (const preview of previews) {
      expect(preview.input.length).toBeGreaterThan(0);
      expect(preview.target.length).toBeGreaterThan(0);
    }
  });

  it("rejects a test split of size 0 naming the field", () => {
    expect(() => createTask(name, { testSize: 0 }, 1)).toThrow(new RegExp(`${name}: invalid params: testSize`));
  });
});
