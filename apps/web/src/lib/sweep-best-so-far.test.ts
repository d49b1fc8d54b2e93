import { bestSoFarImprovements, bestSoFarStairs } from "./sweep-best-so-far";

const points = [
  { steps: 100, best: 0.9, trialNumber: 0 },
  { steps: 200, best: 0.9, trialNumber: 1 },
  { steps: 300, best: 0.5, trialNumber: 2 },
  { steps: 600, best: 0.4, trialNumber: 2 },
];

describe("the best-so-far staircase", () => {
  it("stays level between results and steps down where the best improves", () => {
    expect(bestSoFarStairs(points)).toEqual([
      { steps: 100, best: 0.9 },
      { steps: 200, best: 0.9 },
      { steps: 300, best: 0.9 },
      { steps: 300, best: 0.5 },
      { steps: 600, best: 0.5 },
      { steps: 600, best: 0.4 },
    ]);
  });

  it("runs on level to the steps spent now, and sorts points that came out of order", () => {
    const stairs = bestSoFarStairs([points[1]!, points[0]!], 450);
    expect(stairs).toEqual([
      { steps: 100, best: 0.9 },
      { steps: 200, best: 0.9 },
      { steps: 450, best: 0.9 },
    ]);
    expect(bestSoFarStairs([], 100)).toEqual([]);
  });

  it("marks the first result and each improvement with the trial that made it", () => {
    expect(bestSoFarImprovements(points).map((p) => [p.steps, p.trialNumber])).toEqual([
      [100, 0],
      [300, 2],
      [600, 2],
    ]);
  });
});
