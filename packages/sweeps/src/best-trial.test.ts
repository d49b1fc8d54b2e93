import { bestTrial } from "./best-trial";
import { compareMetric } from "./metric-order";

describe("compareMetric", () => {
  it("orders best first under the goal, NaN and missing values last", () => {
    const values = [0.3, NaN, 0.1, undefined, Infinity, 0.2];
    expect([...values].sort((a, b) => compareMetric(a, b, "minimize"))).toEqual([
      0.1,
      0.2,
      0.3,
      Infinity,
      NaN,
      undefined,
    ]);
    expect([...values].sort((a, b) => compareMetric(a, b, "maximize"))).toEqual([
      Infinity,
      0.3,
      0.2,
      0.1,
      NaN,
      undefined,
    ]);
  });
});

describe("bestTrial", () => {
  const rungs = [1, 3, 9];
  const trial = (trialNumber: number, results: (number | undefined)[]) => ({ trialNumber, bracket: 0, results });

  it("compares trials at the most steps any reached, not a short trial's early luck", () => {
    const trials = [trial(0, [0.01]), trial(1, [0.5, 0.4, 0.3]), trial(2, [0.4, 0.3, 0.2]), trial(3, [0.6, 0.1])];
    expect(bestTrial(trials, rungs, "minimize")).toEqual({ trial: trials[2], value: 0.2, steps: 9 });
    expect(bestTrial(trials, rungs, "maximize")).toEqual({ trial: trials[1], value: 0.3, steps: 9 });
  });

  it("skips results that cannot be ranked, ties to the lower trial number, and has none without results", () => {
    const trials = [trial(5, [0.2, NaN]), trial(4, [0.2]), trial(6, [undefined])];
    expect(bestTrial(trials, rungs, "minimize")?.trial.trialNumber).toBe(4);
    expect(bestTrial([trial(0, [NaN])], rungs, "minimize")).toBeUndefined();
    expect(bestTrial([], rungs, "minimize")).toBeUndefined();
  });
});
