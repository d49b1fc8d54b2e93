import { SweepDefinition, type SweepDefinitionInput } from "@seqlab/contracts";
import {
  applySweepAction,
  markTrial,
  recordTrialResult,
  schedulerBrackets,
  trialRungSteps,
  type SweepSnapshot,
} from "./sweep-snapshot";

const definition = (overrides: Partial<SweepDefinitionInput> = {}) =>
  SweepDefinition.parse({
    base: { model: "lstm", dataset: "adding", training: { steps: 200 } },
    method: "random",
    parameters: { "training.learningRate": { kind: "log-uniform", min: 1e-4, max: 1e-1 } },
    metric: { name: "val/loss", goal: "minimize" },
    scheduler: { kind: "asha", eta: 3, minSteps: 1, maxSteps: 9 },
    limits: { maxTrials: 6 },
    ...overrides,
  });

describe("trialRungSteps", () => {
  it("is the bracket's rungs under a scheduler, and one rung of the trial's steps without one", () => {
    expect(trialRungSteps(definition(), { trialNumber: 0, bracket: 0 })).toEqual([1, 3, 9]);
    const hyperband = definition({ scheduler: { kind: "hyperband", eta: 3, minSteps: 1, maxSteps: 9 } });
    expect(schedulerBrackets(hyperband.scheduler)).toEqual([
      [1, 3, 9],
      [3, 9],
    ]);
    expect(trialRungSteps(hyperband, { trialNumber: 1, bracket: 1 })).toEqual([3, 9]);
    expect(() => trialRungSteps(hyperband, { trialNumber: 2, bracket: 2 })).toThrow(/bracket 2/);
    const none = definition({ scheduler: { kind: "none" } });
    expect(schedulerBrackets(none.scheduler)).toBeNull();
    expect(trialRungSteps(none, { trialNumber: 3, bracket: 0 })).toEqual([200]);
    const swept = definition({
      scheduler: { kind: "none" },
      method: "grid",
      parameters: { "training.steps": { kind: "choice", values: [50, 70] } },
    });
    expect(trialRungSteps(swept, { trialNumber: 1, bracket: 0 })).toEqual([70]);
  });
});

describe("applySweepAction and the reports", () => {
  const empty: SweepSnapshot = { definition: definition(), trials: [], trialsCreated: 0 };

  it("queues a started trial at rung 0, pauses it at a rung and completes it at the last", () => {
    let s = applySweepAction(empty, { kind: "start", trialNumber: 0, bracket: 0, steps: 1 });
    expect(s.trials).toEqual([{ trialNumber: 0, bracket: 0, rung: 0, status: "QUEUED", results: [] }]);
    expect(s.trialsCreated).toBe(1);
    s = recordTrialResult(markTrial(s, 0, "RUNNING"), 0, 0.5);
    expect(s.trials[0]).toMatchObject({ rung: 0, status: "PAUSED", results: [0.5] });
    s = applySweepAction(s, { kind: "promote", trialNumber: 0, toRung: 1, steps: 3 });
    expect(s.trials[0]).toMatchObject({ rung: 1, status: "QUEUED" });
    s = recordTrialResult(s, 0, 0.4);
    s = recordTrialResult(applySweepAction(s, { kind: "promote", trialNumber: 0, toRung: 2, steps: 9 }), 0, 0.3);
    expect(s.trials[0]).toMatchObject({ rung: 2, status: "COMPLETED", results: [0.5, 0.4, 0.3] });
    expect(applySweepAction(s, { kind: "complete" })).toBe(s);
    expect(empty.trials).toEqual([]);
  });

  it("refuses what the snapshot does not allow", () => {
    expect(() => applySweepAction(empty, { kind: "start", trialNumber: 1, bracket: 0, steps: 1 })).toThrow(
      /out of turn/,
    );
    const queued = applySweepAction(empty, { kind: "start", trialNumber: 0, bracket: 0, steps: 1 });
    expect(() => applySweepAction(queued, { kind: "promote", trialNumber: 0, toRung: 1, steps: 3 })).toThrow(/QUEUED/);
    const paused = recordTrialResult(queued, 0, 0.1);
    expect(() => applySweepAction(paused, { kind: "promote", trialNumber: 0, toRung: 2, steps: 9 })).toThrow(
      RangeError,
    );
    expect(() => recordTrialResult(paused, 0, 0.2)).toThrow(/PAUSED/);
    expect(() => markTrial(paused, 9, "FAILED")).toThrow(/no trial 9/);
  });
});
