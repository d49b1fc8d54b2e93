import {
  characterErrorRates,
  ctcGreedyDecode,
  editDistance,
  minimumInputSteps,
  trivialCerBaselines,
} from "./ctc-text-metrics";

const ids = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** Independent reference: the textbook recursion, memoized (exponential without the memo). */
function referenceDistance(a: number[], b: number[]): number {
  const memo = new Map<string, number>();
  const go = (i: number, j: number): number => {
    if (i === 0) return j;
    if (j === 0) return i;
    const key = `${i},${j}`;
    if (!memo.has(key)) {
      memo.set(key, Math.min(go(i - 1, j) + 1, go(i, j - 1) + 1, go(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    return memo.get(key)!;
  };
  return go(a.length, b.length);
}

describe("editDistance", () => {
  it("matches known values", () => {
    expect(editDistance(ids("kitten"), ids("sitting"))).toBe(3);
    expect(editDistance(ids("flaw"), ids("lawn"))).toBe(2);
    expect(editDistance([], ids("abc"))).toBe(3);
    expect(editDistance(ids("abc"), ids("abc"))).toBe(0);
  });

  it("agrees with the recursive definition on random strings", () => {
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) % 4;
    for (let trial = 0; trial < 200; trial++) {
      const a = Array.from({ length: next() * 2 + next() }, next);
      const b = Array.from({ length: next() * 2 + next() }, next);
      expect(editDistance(a, b)).toBe(referenceDistance(a, b));
    }
  });
});

describe("ctcGreedyDecode", () => {
  it("takes the argmax per step, collapses repeats and drops blanks", () => {
    // Steps argmax: 1 1 0 1 2 2 0 0 3 -> "1 1 2 3" (the blank separates the two 1s).
    const path = [1, 1, 0, 1, 2, 2, 0, 0, 3];
    const scores = new Float32Array(path.length * 4);
    path.forEach((k, t) => (scores[t * 4 + k] = 5));
    expect(ctcGreedyDecode(scores, 0, path.length, 4, 0)).toEqual([1, 1, 2, 3]);
  });
});

describe("characterErrorRates", () => {
  it("computes FSDL's per-sample CER and the corpus CER separately", () => {
    // "abc" vs "abd": 1 edit / 3. "" vs "xyz0": 4 edits / 4. Per-sample mean (1/3 + 1) / 2; corpus 5 / 7.
    const rates = characterErrorRates([ids("abc"), []], [ids("abd"), ids("xyz0")]);
    expect(rates.cer).toBeCloseTo((1 / 3 + 1) / 2, 10);
    expect(rates.corpusCer).toBeCloseTo(5 / 7, 10);
    expect(rates.accuracy).toBe(0);
  });

  it("divides by the longer of prediction and reference, so a long wrong guess stays at most 1", () => {
    expect(characterErrorRates([ids("aaaaaaaaaa")], [ids("b")]).cer).toBe(1);
    expect(characterErrorRates([ids("aaaaaaaaaa")], [ids("b")]).corpusCer).toBe(10);
  });
});

describe("minimumInputSteps and trivial baselines", () => {
  it("need a blank step between repeats", () => {
    expect(minimumInputSteps(ids("hello"))).toBe(6);
  });

  it("pick the most frequent training character and report both predictors", () => {
    const train = [ids("aab"), ids("ab")];
    const baseline = trivialCerBaselines(train, [ids("aaa")], 0);
    expect(baseline.repeatedCharId).toBe("a".charCodeAt(0));
    expect(baseline.repeatedCharLength).toBe(3); // mean length 2.5 rounds to 3
    expect(baseline.repeatedCharCer).toBe(0);
    expect(baseline.emptyCer).toBe(1);
    expect(baseline.cer).toBe(0);
  });
});
