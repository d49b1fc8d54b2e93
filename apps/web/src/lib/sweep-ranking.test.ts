import { compareTrials, rankTrials, sortTrials, topTrialIds, type RankedTrial } from "./sweep-ranking";

const trial = (trialNumber: number, metric: number | null): RankedTrial => ({
  runId: `run${trialNumber}`,
  trialNumber,
  metric,
});
const trials = [trial(0, 0.5), trial(1, null), trial(2, 0.2), trial(3, Number.NaN), trial(4, 0.9), trial(5, 0.2)];
const numbers = (list: readonly RankedTrial[]) => list.map((t) => t.trialNumber);

describe("ranking a sweep's trials by its metric", () => {
  it("puts the best first under each goal, ties by trial number, unmeasured and NaN last", () => {
    expect(numbers(rankTrials(trials, "minimize"))).toEqual([2, 5, 0, 4, 1, 3]);
    expect(numbers(rankTrials(trials, "maximize"))).toEqual([4, 0, 2, 5, 1, 3]);
    expect(compareTrials(trial(7, null), trial(8, Number.NaN), "minimize")).toBeLessThan(0);
  });

  it("picks the top k among measured trials only, best first", () => {
    expect(topTrialIds(trials, "minimize", 3)).toEqual(["run2", "run5", "run0"]);
    expect(topTrialIds(trials, "maximize", 10)).toEqual(["run4", "run0", "run2", "run5"]);
    expect(topTrialIds(trials, "minimize", 0)).toEqual([]);
  });

  it("sorts the table by trial or metric, keeping unmeasured trials at the bottom when reversed", () => {
    expect(numbers(sortTrials(trials, { by: "trial", reversed: false }, "minimize"))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(numbers(sortTrials(trials, { by: "trial", reversed: true }, "minimize"))).toEqual([5, 4, 3, 2, 1, 0]);
    expect(numbers(sortTrials(trials, { by: "metric", reversed: false }, "minimize"))).toEqual([2, 5, 0, 4, 1, 3]);
    expect(numbers(sortTrials(trials, { by: "metric", reversed: true }, "minimize"))).toEqual([4, 0, 2, 5, 1, 3]);
  });
});
