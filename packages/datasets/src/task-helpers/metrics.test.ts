import type { Batch, TaskSpec } from "../types";
import { assembleBatch } from "./assemble-batch";
import { classScores, constantOutput, positionFrequencies, regressionScores } from "./metrics";

const spec: TaskSpec = {
  problemType: "many-to-many-aligned",
  inputFeatures: 1,
  inputLength: 2,
  outputKind: "classes",
  outputSize: 3,
  targetLength: 2,
  heads: ["tagging"],
};

function classBatch(): Batch {
  return assembleBatch(spec, [
    { input: { tokens: [0, 0] }, target: { tokens: [0, 2] } },
    { input: { tokens: [0] }, target: { tokens: [1] } },
  ]);
}

describe("metrics", () => {
  it("computes cross-entropy from logits (log-softmax) and from probabilities alike, ignoring padded steps", () => {
    const probabilities = [0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.3, 0.3, 0.4, 0.9, 0.05, 0.05];
    const logits = probabilities.map((p) => Math.log(p) + 3);
    const expected = -(Math.log(0.7) + Math.log(0.8) + Math.log(0.3)) / 3;
    for (const values of [probabilities, logits]) {
      const scores = classScores(spec, classBatch(), { values: Float32Array.from(values), shape: [2, 2, 3] });
      expect(scores.crossEntropy).toBeCloseTo(expected, 5);
      // Row 0 right at both steps, row 1 wrong (argmax 2, target 1); the padded step of row 1 is ignored.
      expect(scores.accuracy).toBeCloseTo(2 / 3, 10);
      expect(scores.sequenceAccuracy).toBe(0.5);
    }
  });

  it("computes MSE, MAE and tolerance accuracy over real target values", () => {
    const regression: TaskSpec = { ...spec, outputKind: "regression", outputSize: 1, targetLength: 1 };
    const batch = assembleBatch(regression, [
      { input: { values: [0], steps: 1 }, target: { values: [1], steps: 1 } },
      { input: { values: [0], steps: 1 }, target: { values: [2], steps: 1 } },
    ]);
    const scores = regressionScores(
      regression,
      batch,
      { values: Float32Array.from([1.03, 1.5]), shape: [2, 1, 1] },
      0.04,
    );
    expect(scores.mse).toBeCloseTo((0.03 ** 2 + 0.5 ** 2) / 2, 6);
    expect(scores.mae).toBeCloseTo(0.265, 6);
    expect(scores.accuracy).toBe(0.5);
  });

  it("counts per-position frequencies with add-one smoothing", () => {
    const frequencies = positionFrequencies(spec, classBatch());
    expect(Array.from(frequencies).map((f) => +f.toFixed(4))).toEqual([0.4, 0.4, 0.2, 0.25, 0.25, 0.5]);
    const output = constantOutput(spec, 2, frequencies);
    expect(output.shape).toEqual([2, 2, 3]);
    expect(Array.from(output.values.subarray(6))).toEqual(Array.from(frequencies));
  });

  it("rejects outputs of the wrong shape", () => {
    expect(() => classScores(spec, classBatch(), { values: new Float32Array(6), shape: [2, 1, 3] })).toThrow(/shape/);
  });
});
