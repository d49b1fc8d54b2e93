import { BEST_TRIAL_COLOR, UNRANKED_TRIAL_COLOR, WORST_TRIAL_COLOR, mixColor, trialColors } from "./sweep-colors";

describe("trial colours by rank", () => {
  it("mixes channel by channel and clamps the fraction", () => {
    expect(mixColor("#000000", "#ffffff", 0.5)).toBe("#808080");
    expect(mixColor("#102030", "#405060", 0)).toBe("#102030");
    expect(mixColor("#102030", "#405060", 2)).toBe("#405060");
  });

  it("colours the best, the worst, the middle and the unmeasured", () => {
    const colors = trialColors(
      [
        { runId: "a", trialNumber: 0, metric: 3 },
        { runId: "b", trialNumber: 1, metric: 1 },
        { runId: "c", trialNumber: 2, metric: 2 },
        { runId: "d", trialNumber: 3, metric: null },
      ],
      "minimize",
    );
    expect(colors.get("b")).toBe(BEST_TRIAL_COLOR);
    expect(colors.get("a")).toBe(WORST_TRIAL_COLOR);
    expect(colors.get("c")).toBe(mixColor(BEST_TRIAL_COLOR, WORST_TRIAL_COLOR, 0.5));
    expect(colors.get("d")).toBe(UNRANKED_TRIAL_COLOR);
  });

  it("gives a lone measured trial the best colour", () => {
    expect(trialColors([{ runId: "a", trialNumber: 0, metric: 1 }], "maximize").get("a")).toBe(BEST_TRIAL_COLOR);
  });
});
