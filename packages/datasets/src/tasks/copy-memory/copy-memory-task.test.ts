import { createTask } from "../../catalog";
import { splitOfContent } from "../../task-helpers";
import { CopyMemoryParams, copyMemoryTask } from "./copy-memory-task";

describe("copy-memory task", () => {
  const params = CopyMemoryParams.parse({ delay: 20, trainSize: 500, validationSize: 300, testSize: 300 });
  const task = copyMemoryTask.create(params, 3);

  it("lays out symbols, blanks, the cue and the recall window", () => {
    const batch = task.split("train").batch(0, 8);
    const total = 20 + 20;
    expect(task.spec.inputLength).toBe(total);
    for (let row = 0; row < 8; row++) {
      const input: number[] = [];
      for (let t = 0; t < total; t++) {
        const oneHot = batch.inputs.subarray((row * total + t) * 10, (row * total + t + 1) * 10);
        expect(oneHot.reduce((a, b) => a + b, 0)).toBe(1);
        input.push(oneHot.indexOf(1));
      }
      const targets = Array.from(batch.targets.subarray(row * total, (row + 1) * total));
      const symbols = input.slice(0, 10);
      expect(symbols.every((s) => s >= 1 && s <= 8)).toBe(true);
      expect(input.slice(10, 29).every((s) => s === 0)).toBe(true);
      expect(input[29]).toBe(9);
      expect(input.slice(30).every((s) => s === 0)).toBe(true);
      expect(targets.slice(0, 30).every((s) => s === 0)).toBe(true);
      expect(targets.slice(30)).toEqual(symbols);
    }
  });

  it("baseline is the memoryless strategy: cross-entropy L log K / (T + 2L), recall accuracy about 1/K", () => {
    const baseline = task.baseline("test");
    expect(baseline.crossEntropy).toBeCloseTo((10 * Math.log(8)) / 40, 6);
    expect(Math.abs(baseline.recallAccuracy! - 1 / 8)).toBeLessThan(0.03);
  });

  it("keeps the symbol sequences of the splits disjoint", () => {
    const small = copyMemoryTask.create(CopyMemoryParams.parse({ delay: 2, alphabetSize: 3, sequenceLength: 5 }), 1);
    for (const split of ["train", "validation", "test"] as const) {
      for (const preview of small.preview(30, split)) {
        expect(
          splitOfContent(
            preview.target
              .slice(-5)
              .split("")
              .map((c) => c.charCodeAt(0) - 64)
              .join(","),
          ),
        ).toBe(split);
      }
    }
  });

  it("rejects an empty alphabet and a space too small to split, naming the field", () => {
    expect(() => createTask("copy-memory", { alphabetSize: 0 }, 1)).toThrow(/alphabetSize must be at least 1/);
    expect(() => createTask("copy-memory", { alphabetSize: 2, sequenceLength: 3 }, 1)).toThrow(
      /alphabetSize\^sequenceLength/,
    );
  });
});
