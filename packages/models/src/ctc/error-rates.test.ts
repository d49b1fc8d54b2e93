import { characterErrorRate, editDistance, wordErrorRate } from "./error-rates";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["", "ab", 2],
    ["kitten", "sitting", 3],
    ["flaw", "lawn", 2],
    ["abc", "abc", 0],
  ])("distance(%j, %j) = %d", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it("compares token arrays", () => {
    expect(editDistance([1, 2, 3], [1, 3])).toBe(1);
    expect(editDistance(["the", "cat"], ["the", "hat"])).toBe(1);
  });
});

describe("characterErrorRate", () => {
  it("returns FSDL's per-sample mean (distance / max length) and the corpus rate (distances / target lengths)", () => {
    const r = characterErrorRate(["kitten", "", "ab"], ["sitting", "", "abcd"]);
    // Per sample: 3/7, 0 (both empty), 2/4.
    expect(r.meanSampleRate).toBeCloseTo((3 / 7 + 0 + 2 / 4) / 3, 10);
    expect(r.corpusRate).toBeCloseTo(5 / 11, 10);
    expect(r.totalDistance).toBe(5);
    expect(r.totalTargetLength).toBe(11);
  });

  it("keeps the per-sample rate at or below 1 while the corpus rate can exceed it", () => {
    const r = characterErrorRate(["abcdefgh"], ["x"]);
    expect(r.meanSampleRate).toBe(1);
    expect(r.corpusRate).toBe(8);
    expect(() => characterErrorRate(["a"], [])).toThrow(/preds has 1 entries but targets has 0/);
  });
});

describe("wordErrorRate", () => {
  it("splits on whitespace", () => {
    const r = wordErrorRate(["the  cat sat", "hello"], ["the cat sat down", "hello world"]);
    expect(r.totalDistance).toBe(2);
    expect(r.corpusRate).toBeCloseTo(2 / 6, 10);
    expect(r.meanSampleRate).toBeCloseTo((1 / 4 + 1 / 2) / 2, 10);
  });
});
