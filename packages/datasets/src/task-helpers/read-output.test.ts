import { createTask } from "../catalog";
import { attentionMatrix, ctcGreedy, sampleClass, untilEnd } from "./read-output";

describe("reading model output", () => {
  it("decodes CTC greedily: repeats merged, blanks dropped, a blank between repeats keeps both", () => {
    // 3 classes, blank 0; frames argmax: 1 1 0 1 2 2 0
    const frames = [1, 1, 0, 1, 2, 2, 0];
    const values = frames.flatMap((id) => [0, 1, 2].map((c) => (c === id ? 5 : 0)));
    expect(ctcGreedy(values, frames.length, 3, 0)).toEqual({ ids: [1, 1, 2], path: frames });
    expect(ctcGreedy(values, 2, 3, 0).ids).toEqual([1]);
  });

  it("samples the argmax at temperature 0 and follows the softmax otherwise", () => {
    expect(sampleClass([0, 3, 1], 0, () => 0.99)).toBe(1);
    let i = 0;
    const uniform = () => ((i++ * 0.618034) % 1) + 1e-9;
    const counts = [0, 0];
    for (let n = 0; n < 4000; n++) counts[sampleClass([Math.log(3), 0], 1, uniform)]!++;
    expect(counts[0]! / 4000).toBeCloseTo(0.75, 1);
  });

  it("trims a seq2seq attention map at the end token and labels its rows and columns", () => {
    const task = createTask("translation-dates", {}, 1);
    const end = task.spec.specialTokens!.end;
    expect(untilEnd([5, 6, end, 7], end)).toEqual([5, 6, end]);
    const rows = 4;
    const cols = 5;
    const attention = Array.from({ length: rows * cols }, (_, k) => (k % cols === Math.floor(k / cols) ? 1 : 0));
    const ids = [3, 4, end, 4];
    const map = attentionMatrix(task, attention, { rows, cols }, ids, "abc", 3);
    expect(map).toMatchObject({ rows: 3, cols: 3, colLabels: ["a", "b", "c"] });
    expect(map.rowLabels[2]).toBe("⏎");
    expect(map.values).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
});
