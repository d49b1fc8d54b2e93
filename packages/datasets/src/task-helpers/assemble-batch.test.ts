import type { TaskSpec } from "../types";
import { assembleBatch } from "./assemble-batch";

const tokenSpec: TaskSpec = {
  problemType: "many-to-many-unaligned",
  inputFeatures: 4,
  inputLength: 3,
  outputKind: "classes",
  outputSize: 5,
  targetLength: 2,
  heads: ["seq2seq"],
};

describe("assembleBatch", () => {
  it("one-hot encodes tokens, pads with zeros and masks real steps", () => {
    const batch = assembleBatch(tokenSpec, [
      { input: { tokens: [1, 3] }, target: { tokens: [4] } },
      { input: { tokens: [0, 1, 2] }, target: { tokens: [2, 3] } },
    ]);
    expect(Array.from(batch.inputs)).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    expect(Array.from(batch.targets)).toEqual([4, 0, 2, 3]);
    expect(Array.from(batch.inputMask)).toEqual([1, 1, 0, 1, 1, 1]);
    expect(Array.from(batch.targetMask)).toEqual([1, 0, 1, 1]);
    expect(Array.from(batch.inputLengths)).toEqual([2, 3]);
    expect(Array.from(batch.targetLengths)).toEqual([1, 2]);
  });

  it("copies dense values row-major", () => {
    const spec: TaskSpec = { ...tokenSpec, inputFeatures: 2, outputKind: "regression", outputSize: 2, targetLength: 1 };
    const batch = assembleBatch(spec, [
      { input: { values: [1, 2, 3, 4], steps: 2 }, target: { values: [5, 6], steps: 1 } },
    ]);
    expect(Array.from(batch.inputs)).toEqual([1, 2, 3, 4, 0, 0]);
    expect(Array.from(batch.targets)).toEqual([5, 6]);
  });

  it("refuses samples that do not fit the spec instead of truncating them", () => {
    expect(() => assembleBatch(tokenSpec, [{ input: { tokens: [1, 1, 1, 1] }, target: { tokens: [1] } }])).toThrow(
      /exceed inputLength/,
    );
    expect(() => assembleBatch(tokenSpec, [{ input: { tokens: [4] }, target: { tokens: [1] } }])).toThrow(/outside/);
    expect(() => assembleBatch(tokenSpec, [{ input: { tokens: [1] }, target: { values: [1], steps: 1 } }])).toThrow(
      /token targets/,
    );
  });
});
