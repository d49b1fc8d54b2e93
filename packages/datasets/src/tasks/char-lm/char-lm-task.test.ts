import { createTask } from "../../catalog";
import { splitOfContent } from "../../task-helpers";
import { CharLmParams, charLmTask } from "./char-lm-task";
import { CORPUS_ALPHABET, corpusSentence } from "./grammar-corpus";

describe("char-lm task", () => {
  const params = CharLmParams.parse({
    length: 40,
    corpusSentences: 2000,
    trainSize: 500,
    validationSize: 200,
    testSize: 200,
  });
  const task = charLmTask.create(params, 1);

  it("generates sentences from the alphabet, capitalized and ending in a full stop", () => {
    for (let i = 0; i < 300; i++) {
      const sentence = corpusSentence(i);
      expect(sentence).toMatch(/^[A-Z][A-Za-z ,]+[a-z]\.$/);
      for (const char of sentence) expect(CORPUS_ALPHABET).toContain(char);
    }
    expect(corpusSentence(5)).toBe(corpusSentence(5));
  });

  it("targets are the inputs shifted by one character", () => {
    const batch = task.split("train").batch(0, 4);
    for (let row = 0; row < 4; row++) {
      const input: number[] = [];
      for (let t = 0; t < 40; t++) {
        input.push(batch.inputs.subarray((row * 40 + t) * 42, (row * 40 + t + 1) * 42).indexOf(1));
      }
      expect(Array.from(batch.targets.subarray(row * 40, row * 40 + 39))).toEqual(input.slice(1));
    }
    expect(task.decodeTarget!(batch.targets.subarray(0, 40))).toHaveLength(40);
  });

  it("draws each split's windows from its own sentences", () => {
    for (const split of ["validation", "test"] as const) {
      for (const preview of task.preview(20, split)) {
        // Any complete sentence inside the window belongs to this split.
        const complete = preview.target.match(/(?<=\. )[A-Z][^.]*\./g) ?? [];
        for (const sentence of complete) expect(splitOfContent(sentence)).toBe(split);
      }
    }
  });

  it("unigram baseline is between 3.5 and 5 bits per character", () => {
    const { bpc } = task.baseline("validation");
    expect(bpc).toBeGreaterThan(3.5);
    expect(bpc).toBeLessThan(5);
  });

  it("explains a window longer than a split's text", () => {
    expect(() => createTask("char-lm", { corpusSentences: 200, length: 2000 }, 1)).toThrow(/corpusSentences/);
    expect(() => createTask("char-lm", { length: 1 }, 1)).toThrow(/length must be at least 2/);
  });
});
