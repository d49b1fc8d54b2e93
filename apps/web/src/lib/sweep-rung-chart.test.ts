import type { SweepTrialView } from "@seqlab/contracts";
import { rungChartLines, rungCounts, rungStepTicks } from "./sweep-rung-chart";

type ChartTrial = Pick<SweepTrialView, "runId" | "trialNumber" | "bracket" | "rung" | "status" | "results">;
const trial = (trialNumber: number, bracket: number, rung: number, results: (number | null)[]): ChartTrial => ({
  runId: `run${trialNumber}`,
  trialNumber,
  bracket,
  rung,
  status: "PAUSED",
  results,
});
// Hyperband, eta 3 from 10 to 90: bracket 0 is [10, 30, 90], bracket 1 starts a rung later.
const rungs = [
  [10, 30, 90],
  [30, 90],
];

describe("the rung chart", () => {
  it("places each finished rung at its bracket's steps and marks the ones the trial went on from", () => {
    const lines = rungChartLines(
      [trial(1, 1, 1, [0.6, null]), trial(0, 0, 2, [0.8, 0.5, 0.3]), trial(2, 0, 0, [null])],
      rungs,
    );
    expect(lines.map((l) => l.trialNumber)).toEqual([0, 1]);
    expect(lines[0]!.results.map((r) => [r.steps, r.value, r.promoted])).toEqual([
      [10, 0.8, true],
      [30, 0.5, true],
      [90, 0.3, false],
    ]);
    expect(lines[1]!.results.map((r) => [r.steps, r.value, r.promoted])).toEqual([[30, 0.6, true]]);
  });

  it("leaves out results whose rung the ladder lacks", () => {
    expect(rungChartLines([trial(0, 3, 0, [0.5])], rungs)).toEqual([]);
  });

  it("ticks every bracket's rungs once, and counts results and promotions per rung", () => {
    expect(rungStepTicks(rungs)).toEqual([10, 30, 90]);
    const lines = rungChartLines([trial(0, 0, 1, [0.8, 0.5]), trial(1, 0, 0, [0.9]), trial(2, 1, 0, [0.4])], rungs);
    expect(rungCounts(lines)).toEqual([
      { steps: 10, finished: 2, promoted: 1 },
      { steps: 30, finished: 2, promoted: 0 },
    ]);
  });
});
