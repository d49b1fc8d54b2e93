import { stepsSpent } from "./steps-spent";
import type { TrialState } from "./sweep-snapshot";

const trial = (trialNumber: number, bracket: number, rung: number, status: TrialState["status"]): TrialState => ({
  trialNumber,
  bracket,
  rung,
  status,
  results: [],
});

describe("stepsSpent", () => {
  const rungs = [1, 3, 9];
  const trials = [
    trial(0, 0, 2, "COMPLETED"),
    trial(1, 0, 1, "PAUSED"),
    trial(2, 0, 0, "PAUSED"),
    trial(3, 0, 1, "RUNNING"),
  ];

  it("charges rungs[k] under resume and rungs[0] + … + rungs[k] under restart", () => {
    expect(stepsSpent(trials, rungs, "resume")).toBe(9 + 3 + 1 + 3);
    expect(stepsSpent(trials, rungs, "restart")).toBe(13 + 4 + 1 + 4);
    expect(stepsSpent([], rungs, "resume")).toBe(0);
  });

  it("charges a failed or cancelled trial the rung it was training to", () => {
    expect(stepsSpent([trial(0, 0, 1, "FAILED"), trial(1, 0, 2, "CANCELLED")], rungs, "resume")).toBe(3 + 9);
  });

  it("takes each trial's own ladder (Hyperband brackets)", () => {
    const brackets = [
      [1, 3, 9],
      [3, 9],
    ];
    const mixed = [trial(0, 0, 1, "PAUSED"), trial(1, 1, 1, "COMPLETED")];
    expect(stepsSpent(mixed, (t) => brackets[t.bracket]!, "resume")).toBe(3 + 9);
    expect(stepsSpent(mixed, (t) => brackets[t.bracket]!, "restart")).toBe(4 + 12);
  });

  it("refuses a rung outside the ladder", () => {
    expect(() => stepsSpent([trial(4, 0, 3, "PAUSED")], rungs, "resume")).toThrow(/trial 4 is at rung 3/);
  });
});
