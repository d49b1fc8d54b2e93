import { createTask } from "../../catalog";
import { addingTask, AddingParams } from "./adding-task";

describe("adding task", () => {
  const params = AddingParams.parse({ length: 20, trainSize: 5000, validationSize: 500, testSize: 1000 });

  it("has the documented spec", () => {
    expect(addingTask.specFor(params)).toEqual({
      problemType: "many-to-one",
      inputFeatures: 2,
      inputLength: 20,
      outputKind: "regression",
      outputSize: 1,
      targetLength: 1,
      heads: ["regression"],
    });
  });

  it("gives byte-identical batches for the same seed and different ones for another seed", () => {
    const a = addingTask.create(params, 1).split("train").batch(3, 16);
    const b = addingTask.create(params, 1).split("train").batch(3, 16);
    const c = addingTask.create(params, 2).split("train").batch(3, 16);
    expect(Buffer.from(a.inputs.buffer)).toEqual(Buffer.from(b.inputs.buffer));
    expect(Buffer.from(a.targets.buffer)).toEqual(Buffer.from(b.targets.buffer));
    expect(Buffer.from(a.inputs.buffer).equals(Buffer.from(c.inputs.buffer))).toBe(false);
  });

  it("marks one position in each half and targets their sum", () => {
    const batch = addingTask.create(params, 5).split("validation").batch(0, 64);
    for (let row = 0; row < batch.size; row++) {
      const marked: number[] = [];
      let sum = 0;
      for (let t = 0; t < 20; t++) {
        const value = batch.inputs[(row * 20 + t) * 2]!;
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThan(1);
        if (batch.inputs[(row * 20 + t) * 2 + 1] === 1) {
          marked.push(t);
          sum += value;
        }
      }
      expect(marked).toHaveLength(2);
      expect(marked[0]).toBeLessThan(10);
      expect(marked[1]).toBeGreaterThanOrEqual(10);
      expect(batch.targets[row]).toBeCloseTo(sum, 5);
    }
    expect(Array.from(batch.inputMask).every((m) => m === 1)).toBe(true);
    expect(Array.from(batch.targetLengths).every((m) => m === 1)).toBe(true);
  });

  it("hochreiter variant: values in [-1, 1], target 0.5 + (X1 + X2) / 4", () => {
    const task = addingTask.create(AddingParams.parse({ variant: "hochreiter", length: 10 }), 5);
    const batch = task.split("train").batch(0, 32);
    for (let row = 0; row < batch.size; row++) {
      let sum = 0;
      for (let t = 0; t < 10; t++) {
        const value = batch.inputs[(row * 10 + t) * 2]!;
        expect(Math.abs(value)).toBeLessThanOrEqual(1);
        if (batch.inputs[(row * 10 + t) * 2 + 1] === 1) sum += value;
      }
      expect(batch.targets[row]).toBeCloseTo(0.5 + sum / 4, 5);
    }
    // Var(0.5 + (X1 + X2) / 4) = 2 * (1/3) / 16 = 1/24.
    expect(task.baseline("test").mse).toBeCloseTo(1 / 24, 2);
  });

  it("baseline (constant training mean) scores MSE ~1/6 on the modern variant", () => {
    const task = addingTask.create(params, 42);
    const baseline = task.baseline("test");
    expect(baseline.prediction).toBeCloseTo(1, 1);
    // 1000 test samples: the MSE estimate's standard error is about 0.006.
    expect(Math.abs(baseline.mse! - 1 / 6)).toBeLessThan(0.025);
    expect(baseline.accuracy).toBeLessThan(0.15);
  });

  it("scores a perfect model at MSE 0 and accuracy 1", () => {
    const task = addingTask.create(params, 1);
    const batch = task.split("test").batch(0, 8);
    const metrics = task.metrics(batch, { values: Float32Array.from(batch.targets), shape: [8, 1, 1] });
    expect(metrics).toEqual({ mse: 0, mae: 0, accuracy: 1 });
    expect(() => task.metrics(batch, { values: new Float32Array(8), shape: [8, 20, 1] })).toThrow(/shape/);
  });

  it("random access equals the sequential generator, and batches wrap around the split", () => {
    const split = addingTask.create(params, 7).split("validation");
    const sequential = [...split.batches(32, { startIndex: 4, count: 3 })];
    expect(sequential).toHaveLength(3);
    sequential.forEach((batch, i) => expect(batch).toEqual(split.batch(4 + i, 32)));
    expect([...split.batches(100)]).toHaveLength(5);
    // 500 samples: batch 5 of 100 starts again at sample 0.
    expect(split.batch(5, 100)).toEqual(split.batch(0, 100));
  });

  it("rejects invalid params with messages naming the field", () => {
    expect(() => createTask("adding", { length: 1 }, 0)).toThrow(/length must be at least 2/);
    expect(() => createTask("adding", { testSize: 0 }, 0)).toThrow(/testSize must be at least 1/);
    expect(() => createTask("adding", { variant: "x" }, 0)).toThrow(/variant/);
    // create() re-validates, so a caller that skipped parsing gets the same message, and defaults still apply.
    expect(() => addingTask.create({ length: 1 } as AddingParams, 0)).toThrow(/adding: invalid params: length/);
    expect(addingTask.create({} as AddingParams, 0).spec.inputLength).toBe(50);
  });

  it("renders previews with the marked values", () => {
    const [preview] = addingTask.create(params, 1).preview(1);
    expect(preview!.input).toMatch(/^T=20, marked: \d\.\d{3} at step \d+ and \d\.\d{3} at step \d+$/);
    expect(preview!.series!.input).toHaveLength(20);
  });
});
